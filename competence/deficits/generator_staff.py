"""Generated staff with diagnostic results over several campaigns, written in bulk.

`flask analytics generate` staffs a whole generated region with it and `flask seed-demo` gives
every demo school a modest staff. Each person takes soft skills and the instrument that fits the
position and subjects (`generator_people.subject_instrument`) once per school year, the last
time in the current one. Scores are simulated, not answered: a person's general level (shared by
the instruments), a school effect (lower in ШНРО), a per-competence profile and some noise per
campaign, drifting up a little every year and more where a completed track worked on a deficit.
Levels, deficits and depths follow the instrument's scale and thresholds as scoring does. The
tracks are built by the same matching as the portal's (competence/analytics/matching.py), in
generator_tracks.py.

Rows go in with SQLAlchemy Core executemany in chunks, ids given up front, in one transaction;
one seed on one day gives the same rows (docs/analytics-generator.md).
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import JSON, func, insert, select, text

from competence.accounts.models import Role, User, UserSubject
from competence.analytics.scoring import SCORE_SLACK
from competence.database import utcnow
from competence.deficits.generator_people import (
    MANAGEMENT,
    MATHEMATICS,
    METHODICAL,
    RUSSIAN,
    SOFT_SKILLS,
    generate_people,
    subject_instrument,
)
from competence.deficits.generator_tracks import TrackBuilder
from competence.diagnostics.models import Attempt, AttemptStatus, CompetenceScore, SubmitReason
from competence.extensions import db
from competence.instruments.library import compiled_version
from competence.instruments.models import ContentDocument, ContentKind
from competence.tracks.models import DevelopmentTrack, PlanSource, TrackModule

INSTRUMENT_KEYS = (SOFT_SKILLS, MANAGEMENT, METHODICAL, MATHEMATICS, RUSSIAN)
# Not an argon2 hash: it never verifies, so generated accounts cannot sign in.
UNUSABLE_PASSWORD = "!generated-account-without-a-password"
CHUNK = 5000

# The score model, in points of 0..100 (docs/analytics-generator.md).
LATEST_MEAN = 71.0  # the staff's mean in the current campaign, before school effects
PERSON_SD = 8.0  # a person's general level
SHARED_LEVEL = 0.75  # how much of the level one instrument shares with the others
COMPETENCE_SD = 4.0  # some competences of an instrument are harder than others
PROFILE_SD = 6.0  # a person's own strengths and weaknesses, stable over campaigns
NOISE_SD = 4.0  # one sitting against another
YEARLY_DRIFT = 1.5  # the region grows this much a year
TRACK_GROWTH = 6.0  # on a deficit a completed track worked on, from the next campaign on
TRACK_COMPLETED_SHARE = 0.3  # of results with deficits whose track is completed by the next one
# School effects by category of the identification, and for ШНСУ, plus a spread of their own.
CATEGORY_EFFECT = {"low_results": -7.0, "risk": -4.0, "middle": 0.0, "stable_high": 4.0}
UNFAVOURABLE_EFFECT = -2.0
SCHOOL_SD = 2.5


@dataclass(frozen=True)
class StaffedSchool:
    """A school to staff: how many besides a director, and its effect on the staff's scores."""

    school_id: int
    municipality_id: int
    staff: int
    director: bool
    effect: float


def school_effect(category: str | None, social_category: str | None, noise: float) -> float:
    """Return the points a school's category adds to its staff's scores (noise in SD units)."""
    effect = CATEGORY_EFFECT.get(category or "middle", 0.0) + SCHOOL_SD * noise
    return effect + (UNFAVOURABLE_EFFECT if social_category == "unfavourable" else 0.0)


@dataclass(frozen=True)
class InstrumentProfile:
    """What simulating results of a published instrument version needs."""

    key: str
    document_id: int
    version_id: int
    framework: str
    time_limit: int
    competences: tuple[str, ...]
    titles: tuple[str, ...]
    soft: tuple[bool, ...]
    thresholds: np.ndarray
    levels: tuple[str, ...]
    cut_scores: np.ndarray


def instrument_profiles() -> dict[str, InstrumentProfile]:
    """Return the published shipped instruments the generator uses, by key."""
    documents = db.session.scalars(
        select(ContentDocument).where(
            ContentDocument.kind == ContentKind.INSTRUMENT, ContentDocument.key.in_(INSTRUMENT_KEYS)
        )
    )
    found = {}
    for document in documents:
        version = document.latest_published
        if version is None or document.retired:
            continue
        ready = compiled_version(version.id)
        key = ready.scoring_key
        found[document.key] = InstrumentProfile(
            key=document.key,
            document_id=document.id,
            version_id=version.id,
            framework=ready.framework.id,
            time_limit=ready.instrument.time_limit_minutes,
            competences=key.competences,
            titles=tuple(ready.competences[c].title for c in key.competences),
            soft=tuple(ready.area_of[c].id == "soft" for c in key.competences),
            thresholds=np.array(key.thresholds, dtype=float),
            levels=key.levels,
            cut_scores=np.array(key.cut_scores, dtype=float),
        )
    return found


def school_year_windows(now: datetime, campaigns: int) -> list[tuple[datetime, datetime]]:
    """Return when each campaign's attempts are taken: one window per school year, oldest first.

    A school year starts on 1 September; past campaigns run mid-September to late May, the
    current one from mid-September to the start of today (or to now early in September). The
    windows keep a day clear of the year's edges, so the portal's time zone does not move an
    attempt into another school year.
    """
    current = now.year if now.month >= 9 else now.year - 1
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    windows = []
    for year in range(current - campaigns + 1, current + 1):
        start = datetime(year, 9, 15, tzinfo=UTC)
        end = datetime(year + 1, 5, 25, tzinfo=UTC)
        if year == current:
            end = today
            if end - start < timedelta(days=1):
                start, end = datetime(year, 9, 2, tzinfo=UTC), now
        windows.append((start, end))
    return windows


@dataclass
class StaffReport:
    """What was generated."""

    staff: int = 0
    directors: int = 0
    attempts: int = 0
    scores: int = 0
    by_instrument: dict[str, int] = field(default_factory=dict)
    tracks: int = 0
    completed: int = 0
    awaiting_retake: int = 0
    modules: int = 0
    modules_done: int = 0
    largest: tuple[int, int] = (0, 0)  # (school id, staff)


def next_id(model) -> int:
    """Return the first id after the table's largest."""
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def insert_rows(table, rows: list[dict]) -> None:
    """Insert rows: COPY on PostgreSQL, else Core executemany a chunk at a time."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        _copy_rows(connection, table, rows)
        return
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(table), rows[start : start + CHUNK])


def _copy_rows(connection, table, rows: list[dict]) -> None:
    """Write rows with PostgreSQL's COPY through psycopg, in the session's transaction."""
    if not rows:
        return
    names = list(rows[0])
    as_json = {column.name for column in table.columns if isinstance(column.type, JSON)}
    columns = ", ".join(f'"{name}"' for name in names)
    statement = f'COPY "{table.name}" ({columns}) FROM STDIN'
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [
                    json.dumps(row[name], ensure_ascii=False)
                    if name in as_json and row[name] is not None
                    else row[name]
                    for name in names
                ]
            )


def advance_sequences(*models) -> None:
    """Move PostgreSQL's id sequences past ids given explicitly (SQLite needs nothing)."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__table__.name
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )


def add_staff(
    schools: Sequence[StaffedSchool],
    campaigns: int,
    seed: int,
    email_format: str,
    now: datetime | None = None,
) -> StaffReport:
    """Create the staff of the schools with results and tracks; the caller commits.

    `email_format` names each account from its running number n, e.g. "t{n:05d}@x.example".
    """
    now = now or utcnow()
    rng = np.random.default_rng(seed)
    people = generate_people(rng, [s.staff for s in schools], [s.director for s in schools])
    report = StaffReport(staff=people.count, directors=int(people.director.sum()))
    sizes = np.bincount(people.school, minlength=len(schools))
    if len(schools):
        biggest = int(np.argmax(sizes))
        report.largest = (schools[biggest].school_id, int(sizes[biggest]))
    windows = school_year_windows(now, campaigns)
    user_ids = np.arange(people.count) + next_id(User)
    _insert_people(people, schools, user_ids, email_format, windows[0][0] - timedelta(days=60))

    profiles = instrument_profiles()
    ability = rng.normal(size=people.count)
    effects = np.array([s.effect for s in schools])[people.school]
    instruments = [
        subject_instrument(position, subjects)
        for position, subjects in zip(people.positions, people.subjects, strict=True)
    ]
    attempt_id, score_id = next_id(Attempt), next_id(CompetenceScore)
    tracks = TrackBuilder(rng, now, next_id(DevelopmentTrack), next_id(TrackModule))
    attempts, scores = [], []
    for key in INSTRUMENT_KEYS:
        profile = profiles.get(key)
        if profile is None:
            continue
        takers = np.array(
            [i for i in range(people.count) if key == SOFT_SKILLS or instruments[i] == key],
            dtype=np.int64,
        )
        if not takers.size:
            continue
        results, completed = simulate(rng, profile, ability[takers], effects[takers], campaigns)
        times = _submission_times(rng, windows, takers.size)
        ids = attempt_id + np.arange(takers.size * campaigns).reshape(takers.size, campaigns)
        attempt_id += ids.size
        attempts += _attempt_rows(rng, profile, user_ids[takers], ids, results, times)
        score_rows = _score_rows(profile, ids, results, score_id)
        score_id += len(score_rows)
        scores += score_rows
        report.by_instrument[key] = ids.size
        tracks.add(
            profile,
            [(int(user_ids[t]), people.positions[t], people.subjects[t]) for t in takers],
            ids,
            results,
            times,
            completed,
        )
    insert_rows(Attempt.__table__, attempts)
    insert_rows(CompetenceScore.__table__, scores)
    insert_rows(DevelopmentTrack.__table__, tracks.tracks)
    insert_rows(TrackModule.__table__, tracks.modules)
    insert_rows(PlanSource.__table__, tracks.sources)
    advance_sequences(User, Attempt, CompetenceScore, DevelopmentTrack, TrackModule)
    report.attempts, report.scores = len(attempts), len(scores)
    report.tracks, report.modules = len(tracks.tracks), len(tracks.modules)
    report.completed = sum(t["status"] == "completed" for t in tracks.tracks)
    report.awaiting_retake = sum(t["status"] == "awaiting_retake" for t in tracks.tracks)
    report.modules_done = sum(m["status"] == "done" for m in tracks.modules)
    return report


def simulate(
    rng: np.random.Generator,
    profile: InstrumentProfile,
    ability: np.ndarray,
    effects: np.ndarray,
    campaigns: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Return scores (takers x campaigns x competences) and which results' tracks get completed.

    A completed track (results with deficits, `TRACK_COMPLETED_SHARE` of them, never in the
    latest campaign) raises the deficits it worked on from the next campaign on.
    """
    n, k = ability.size, len(profile.competences)
    own = SHARED_LEVEL * ability + np.sqrt(1 - SHARED_LEVEL**2) * rng.normal(size=n)
    level = LATEST_MEAN + PERSON_SD * own + effects
    offsets = rng.normal(0, COMPETENCE_SD, k)
    person = rng.normal(0, PROFILE_SD, (n, k))
    noise = rng.normal(0, NOISE_SD, (n, campaigns, k))
    scores = np.empty((n, campaigns, k))
    completed = np.zeros((n, campaigns), dtype=bool)
    boost = np.zeros((n, k))
    for c in range(campaigns):
        drift = YEARLY_DRIFT * (campaigns - 1 - c)
        raw = level[:, None] + offsets + person + noise[:, c] - drift + boost
        scores[:, c] = np.round(np.clip(raw, 0, 100), 2)
        deficits = scores[:, c] < profile.thresholds - SCORE_SLACK
        if c < campaigns - 1:
            completed[:, c] = deficits.any(axis=1) & (rng.random(n) < TRACK_COMPLETED_SHARE)
            boost += TRACK_GROWTH * (deficits & completed[:, c, None])
    return scores, completed


def _submission_times(rng, windows, n: int) -> np.ndarray:
    """Return a submission time per taker and campaign, spread over each campaign's window."""
    share = rng.random((n, len(windows)))
    return np.array(
        [
            [start + (end - start) * float(u) for u, (start, end) in zip(row, windows, strict=True)]
            for row in share
        ],
        dtype=object,
    )


def _insert_people(people, schools, user_ids, email_format: str, created_at: datetime) -> None:
    """Insert the accounts and their subjects."""
    school_ids = [s.school_id for s in schools]
    municipality_ids = [s.municipality_id for s in schools]
    users, subjects = [], []
    for i in range(people.count):
        school = int(people.school[i])
        user_id = int(user_ids[i])
        users.append(
            {
                "id": user_id,
                "email": email_format.format(n=user_id),
                "password_hash": UNUSABLE_PASSWORD,
                "full_name": people.names[i],
                "position": people.positions[i],
                "role": Role.DIRECTOR if people.director[i] else Role.TEACHER,
                "municipality_id": municipality_ids[school],
                "school_id": school_ids[school],
                "email_confirmed_at": created_at,
                "active": True,
                "session_version": 1,
                "locale": None,
                "created_at": created_at,
                "last_login_at": None,
            }
        )
        subjects += [{"user_id": user_id, "subject": code} for code in people.subjects[i]]
    insert_rows(User.__table__, users)
    insert_rows(UserSubject.__table__, subjects)


def _attempt_rows(rng, profile: InstrumentProfile, user_ids, ids, results, times) -> list[dict]:
    """Return the attempt rows of one instrument's takers over the campaigns."""
    minutes = rng.integers(profile.time_limit // 2, profile.time_limit, size=ids.shape)
    totals = results.mean(axis=2)
    rows = []
    for t in range(ids.shape[0]):
        for c in range(ids.shape[1]):
            submitted = times[t, c]
            started = submitted - timedelta(minutes=int(minutes[t, c]))
            rows.append(
                {
                    "id": int(ids[t, c]),
                    "user_id": int(user_ids[t]),
                    "document_id": profile.document_id,
                    "version_id": profile.version_id,
                    "status": AttemptStatus.SUBMITTED,
                    "started_at": started,
                    "deadline_at": started + timedelta(minutes=profile.time_limit),
                    "submitted_at": submitted,
                    "submit_reason": SubmitReason.TAKER,
                    "layout": {},
                    "sequence": 0,
                    "total_score": round(float(totals[t, c]), 2),
                    "item_scores": None,
                }
            )
    return rows


def _score_rows(profile: InstrumentProfile, ids, results, first_id: int) -> list[dict]:
    """Return the competence score rows: level, deficit and depth as scoring gives them."""
    levels = np.searchsorted(profile.cut_scores, results + SCORE_SLACK, side="right") - 1
    deficits = results < profile.thresholds - SCORE_SLACK
    depths = np.where(deficits, profile.thresholds - results, 0.0)
    flat_ids = ids.ravel().tolist()
    k = len(profile.competences)
    scores = results.reshape(-1, k).tolist()
    level_rows = levels.reshape(-1, k).tolist()
    deficit_rows = deficits.reshape(-1, k).tolist()
    depth_rows = depths.reshape(-1, k).tolist()
    thresholds = profile.thresholds.tolist()
    rows = []
    row_id = first_id
    for a, attempt in enumerate(flat_ids):
        for c, competence in enumerate(profile.competences):
            rows.append(
                {
                    "id": row_id,
                    "attempt_id": attempt,
                    "competence": competence,
                    "score": scores[a][c],
                    "level": profile.levels[level_rows[a][c]],
                    "threshold": thresholds[c],
                    "deficit": deficit_rows[a][c],
                    "depth": depth_rows[a][c],
                }
            )
            row_id += 1
    return rows
