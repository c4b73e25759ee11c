"""A small region for the municipal and regional pages, with every figure computed by hand.

The eight schools of tests/schools/helpers.py (two municipalities, identification over
2022-2024), plus b5 in Хабаровск without indicators. Instrument methodical-teacher, competences
F = fgos-planning and A = formative-assessment (a deficit: score < 65). Latest results:

    school  category      teachers  F def  A def  staff  subjects
    a1      low_results        6      2      3       6   mathematics
    a2      risk               3      1      0       3   russian
    a3      other              8      3      4      10   t0-t3 mathematics, t4-t7 russian
    a4      other              6      0      6       6   mathematics + physics
    b1      resilient          5      5      1       5   mathematics
    b2      other              7      0      7       8   russian
    b3      other              2      2      1       2   (none)
    b4      other              4      1      2       4   russian
    b5      other (no indicators, nobody)

a2 (3) and b3 (2), b4 (4) are small. In Амурский, a2 is the only small school: the municipality
(23) minus a1, a3 and a4 would give it back, so the smallest published sibling is hidden too: a1
(6; a4 has 6 as well, a1 comes first by id). In Хабаровск two schools are small already.

    Амурский  F 6/23 = 26 %, A 13/23 = 57 %;  Хабаровск F 8/18 = 44 %, A 11/18 = 61 %
    region    F 14/41 = 34 %, A 24/41 = 59 %
    a3 F 3/8 = 38 % (37.5 half up), A 50 %;  a4 F 0 %, A 100 %;  b1 F 100 %, A 20 %;  b2 F 0, A 100

Categories (each school once) count only schools whose figure is published: low_results {a1}
and risk {a2} have none, so they read «недостаточно данных»; other {a3, a4, b2} (b3, b4 hidden)
= 21 teachers, F 3 (14 %), A 17 (81 %). Counted over every school, other (27) less its
published schools would give b3 and b4 together, and low_results would give a1 back.

Subjects: mathematics 21 (F 9 = 43 %, A 14 = 67 %), russian 18 (F 3 = 17 %, A 9 = 50 %),
physics 6 (a4), not stated 2 (b3): small, so physics, the smallest published row, is hidden too.

Growth (a3's t0-t5 took the instrument a month earlier; SEM 16.67 on both sides, so a change
counts from 1.96 * sqrt(2) * 16.67 = 46.2 points): F first -> latest
    t0 80 -> 30 decline, t1 50 -> 52 within, t2 40 -> 90 growth and closed, t3 60 -> 66 within
    and closed (a deficit closed within the error is not growth), t4 38 -> 40 within,
    t5 40 -> 95 growth and closed: n 6, growth 2, within 3, decline 1, deficit at first 5, closed 3.
A: only t0-t2 had A in the first attempt: n 3, hidden.

Soft skills (communication, all 80): b2's seven teachers. Participation, staff in brackets:
    methodical-teacher: a1 6/6, a2 3/3, a3 8/10 = 80 %, a4 100 %, b1 100 %, b2 7/8 = 88 %,
    b3 2/2, b4 4/4; Амурский 23/25 = 92 %, Хабаровск 18/19 = 95 %, region 41/44 = 93 %
    soft-skills: b2 7/8 = 88 %, others 0; Хабаровск 7/19 = 37 %, region 7/44 = 16 %
The staff tree hides a2 (3) and a1 beside it (6, before a4), b3 and b4 (two small ones).

Tracks of methodical-teacher: a3 six (from t0-t5's first attempts): 2 completed, 1 awaiting the
retake, 3 active = 3/6 = 50 %; b1 two (1 completed): small; b2 five (1 completed): hidden beside
b1. Хабаровск 2/7 = 29 %, region 5/13 = 38 %.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from competence.accounts.models import Role
from competence.analytics.campaigns import school_year
from competence.extensions import db
from competence.schools.models import Municipality
from competence.tracks.models import DevelopmentTrack, TrackStatus
from competence.tracks.services import local_today, new_plan
from tests.deficits.helpers import record_result
from tests.diagnostics.helpers import load_instruments
from tests.factories import make_school, make_user
from tests.schools.helpers import AMUR, KHABAROVSK, load_region

F, A = "fgos-planning", "formative-assessment"
KEY = "methodical-teacher"
DEFICIT, FINE = 40.0, 80.0

# school: (teachers, F deficits, A deficits, extra staff without results, subjects per teacher)
SCHOOLS = {
    "a1": (6, 2, 3, 0, ["mathematics"]),
    "a2": (3, 1, 0, 0, ["russian"]),
    "a4": (6, 0, 6, 0, ["mathematics", "physics"]),
    "b1": (5, 5, 1, 0, ["mathematics"]),
    "b2": (7, 0, 7, 1, ["russian"]),
    "b3": (2, 2, 1, 0, []),
    "b4": (4, 1, 2, 0, ["russian"]),
}
# a3's teachers one by one: (latest F, latest A, first F or None, first A or None, subject).
A3 = [
    (30.0, DEFICIT, 80.0, 70.0, "mathematics"),
    (52.0, DEFICIT, 50.0, 70.0, "mathematics"),
    (90.0, DEFICIT, 40.0, 70.0, "mathematics"),
    (66.0, DEFICIT, 60.0, None, "mathematics"),
    (40.0, FINE, 38.0, None, "russian"),
    (95.0, FINE, 40.0, None, "russian"),
    (FINE, FINE, None, None, "russian"),
    (FINE, FINE, None, None, "russian"),
]
A3_STATUSES = ["completed", "completed", "awaiting_retake", "active", "active", "active"]


@dataclass
class RegionWorld:
    """The schools, municipalities and viewers of the small region."""

    schools: dict
    amur: Municipality
    khabarovsk: Municipality
    people: dict


def _track(user, attempt, status: str) -> None:
    # One plan a school year: a second open one of a year goes to the year before.
    year = school_year(local_today())
    taken = db.session.scalar(
        select(func.count())
        .select_from(DevelopmentTrack)
        .where(DevelopmentTrack.user_id == user.id, DevelopmentTrack.status != "completed")
    )
    db.session.add(new_plan(attempt, status=status, school_year=year - (taken or 0)))


def build_region() -> RegionWorld:
    """Create the region, its staff, results, tracks and one viewer of each role."""
    load_instruments()
    schools = load_region()
    schools["b5"] = make_school("b5", "МБОУ СОШ B5", municipality=KHABAROVSK)
    now = datetime.now(UTC)
    earlier = now - timedelta(days=30)
    for code, (count, f_def, a_def, extra, subjects) in SCHOOLS.items():
        for i in range(count):
            user = make_user(
                f"{code}.{i}@example.org", school=schools[code], subjects=tuple(subjects)
            )
            scores = {F: DEFICIT if i < f_def else FINE, A: DEFICIT if i < a_def else FINE}
            attempt = record_result(user, KEY, scores, submitted_at=now)
            if code == "b2":
                record_result(user, "soft-skills", {"communication": FINE}, submitted_at=now)
                if i < 5:
                    _track(user, attempt, TrackStatus.COMPLETED if i == 0 else TrackStatus.ACTIVE)
            if code == "b1" and i < 2:
                _track(user, attempt, TrackStatus.COMPLETED if i == 0 else TrackStatus.ACTIVE)
        for i in range(extra):
            make_user(f"{code}.extra{i}@example.org", school=schools[code], subjects=())
    people = {}
    for i, (latest_f, latest_a, first_f, first_a, subject) in enumerate(A3):
        role, position = (Role.DIRECTOR, "director") if i == 7 else (Role.TEACHER, "teacher")
        user = make_user(f"a3.{i}@example.org", role, position, schools["a3"], subjects=(subject,))
        if first_f is not None:
            first = {F: first_f} | ({A: first_a} if first_a is not None else {})
            attempt = record_result(user, KEY, first, submitted_at=earlier)
            _track(user, attempt, A3_STATUSES[i])
        record_result(user, KEY, {F: latest_f, A: latest_a}, submitted_at=now)
        if i == 6:
            people["teacher"] = user
        if i == 7:
            people["director"] = user
    for i in range(2):
        make_user(f"a3.extra{i}@example.org", school=schools["a3"], subjects=())
    amur = db.session.scalar(db.select(Municipality).where(Municipality.name == AMUR))
    khabarovsk = db.session.scalar(db.select(Municipality).where(Municipality.name == KHABAROVSK))
    for name, role in (
        ("coordinator_a", Role.COORDINATOR),
        ("coordinator_b", Role.COORDINATOR),
        ("methodist", Role.METHODIST),
        ("admin", Role.ADMIN),
        ("ministry", Role.MINISTRY),
    ):
        place = khabarovsk if name == "coordinator_b" else amur
        school = schools["b1"] if name == "coordinator_b" else schools["a1"]
        user = make_user(f"{name}@example.org", role, "other", school, municipality=place)
        user.school_id = None  # outside the schools' staff
        people[name] = user
    db.session.commit()
    return RegionWorld(schools, amur, khabarovsk, people)
