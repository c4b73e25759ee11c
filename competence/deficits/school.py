"""What the director's analytics page shows of the own school, for one instrument.

The director already reads each teacher's result (competence.accounts.access.may_read_result),
so the own school's figures are shown whole; the municipality's and the region's beside them come
from `results.region_cells`, small groups hidden. Rows of one school are few (150 teachers ×
three campaigns × six competences), so they are read once and arranged here; what is summed over
the region is summed by the database.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from flask import g
from flask_babel import get_locale
from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import selectinload

from competence.accounts.models import User, UserSubject
from competence.analytics.campaigns import school_year
from competence.analytics.figures import shown_change, shown_score, shown_sem
from competence.analytics.latest import deficit_counts, newest_rows
from competence.analytics.reliability import DECLINE, GROWTH
from competence.deficits.results import (
    Cell,
    InstrumentRef,
    region_cells,
    subjects_of,
    version_sems,
)
from competence.deficits.snapshots import kept
from competence.diagnostics.models import Attempt, AttemptStatus, CompetenceScore
from competence.diagnostics.rules import offered_to
from competence.extensions import db
from competence.instruments.library import compiled_version, latest_published_versions
from competence.instruments.models import ContentVersion, VersionStatus
from competence.schools.models import School
from competence.tracks.models import DevelopmentTrack, ModuleStatus, PlanSource, TrackModule
from competence.tracks.services import Progress, progress_of_counts

SORT_BY_NAME = "name"


@dataclass(frozen=True)
class StaffMember:
    """A staff member as the page shows them (plain data: pages are kept between requests)."""

    id: int
    full_name: str
    position: str


@dataclass(frozen=True)
class ScoreCell:
    """One teacher's latest score in one competence, as the result page shows it."""

    score: int
    sem: int
    level: str
    level_title: str
    deficit: bool


@dataclass
class HeatRow:
    """A teacher with a result: the latest score per competence."""

    user: StaffMember
    attempt_id: int
    submitted_at: datetime
    subjects: list[str]
    cells: dict[str, ScoreCell] = field(default_factory=dict)

    @property
    def deficits(self) -> int:
        """Return how many competences are deficits."""
        return sum(cell.deficit for cell in self.cells.values())


@dataclass(frozen=True)
class ShareRow:
    """One competence: the school's share with a deficit, its trend, and the wider figures."""

    competence: str
    title: str
    school: Cell | None
    municipality: Cell | None
    region: Cell | None
    trend: dict[int, Cell]  # school year -> the school's figure among that year's results


@dataclass(frozen=True)
class Growth:
    """How a teacher's latest result compares with the first: changes beyond the error."""

    grew: int
    declined: int
    closed: int  # deficits of the first result that the latest no longer has
    compared: int  # competences measured both times


@dataclass(frozen=True)
class TeacherProgress:
    """A staff member's development on the instrument: results, track, confirmed growth."""

    user: StaffMember
    results: int
    track_id: int | None  # the newest track on the instrument
    progress: Progress | None
    growth: Growth | None


@dataclass(frozen=True)
class Missing:
    """A staff member and the offered instruments they have not taken yet."""

    user: StaffMember
    instruments: list[str]


@dataclass
class SchoolResults:
    """The own school's part of the director's page for one instrument (kept between requests
    while the school's data stays the same: see `school_stamp`)."""

    school_id: int
    instrument: InstrumentRef
    heat_rows: list[HeatRow]
    years: list[int]
    progress: list[TeacherProgress]
    missing: list[Missing]
    level_titles: dict[str, str]
    subjects: list[str]
    positions: list[str]
    staff: int
    own: dict[str, Cell]  # competence -> the school's figure over each teacher's newest result
    trend: dict[tuple[int, str], Cell]  # (school year, competence) -> the school's figure


@dataclass
class SchoolAnalytics(SchoolResults):
    """Everything the director's page shows for one instrument: the own school's results and,
    per competence, its share beside the municipality's and the region's."""

    shares: list[ShareRow]


def _staff(school_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.school_id == school_id, User.active.is_(True))
            .options(selectinload(User.subject_rows))
            .order_by(User.full_name, User.id)
        )
    )


def _score_rows(document_id: int, user_ids: list[int]):
    """Return every submitted attempt of the staff at the instrument with its scores."""
    return db.session.execute(
        select(
            Attempt.id,
            Attempt.user_id,
            Attempt.version_id,
            Attempt.submitted_at,
            CompetenceScore.competence,
            CompetenceScore.score,
            CompetenceScore.threshold,
            CompetenceScore.deficit,
            CompetenceScore.level,
        )
        .join(CompetenceScore, CompetenceScore.attempt_id == Attempt.id)
        .where(
            Attempt.document_id == document_id,
            Attempt.status == AttemptStatus.SUBMITTED,
            Attempt.user_id.in_(user_ids),
        )
        .order_by(Attempt.submitted_at, Attempt.id)
    ).all()


def _growth(first: dict, latest: dict, sems: dict) -> Growth:
    """Compare two results competence by competence through the one rule of shown changes."""
    grew = declined = closed = compared = 0
    for competence, now in latest.items():
        before = first.get(competence)
        if before is None:
            continue
        compared += 1
        change = shown_change(
            now.score,
            before.score,
            sems[now.version_id, competence],
            sems[before.version_id, competence],
            now.threshold,
            before.threshold,
        )
        grew += change.kind == GROWTH
        declined += change.kind == DECLINE
        closed += before.deficit and not now.deficit
    return Growth(grew, declined, closed, compared)


def school_analytics(school: School, instrument: InstrumentRef, min_group: int) -> SchoolAnalytics:
    """Collect the director's page of one instrument: the own school's results as kept, the
    wider figures as the region's cells are now."""
    entry = kept(
        "school",
        (school.id, instrument.document_id, str(get_locale())),
        lambda: school_stamp(school.id),
        lambda: school_results(school.id, instrument),
    )
    g.analytics_counted_at = entry.built_at
    results: SchoolResults = entry.page
    wide = region_cells(instrument, min_group)
    shares = []
    for competence, title in instrument.competences:
        own = results.own.get(competence)
        shares.append(
            ShareRow(
                competence,
                title,
                own,
                beside_own(wide.municipality(school.municipality_id, competence), own, min_group),
                beside_own(wide.region(competence), own, min_group),
                {
                    year: results.trend[year, competence]
                    for year in results.years
                    if (year, competence) in results.trend
                },
            )
        )
    fields = {name: getattr(results, name) for name in SchoolResults.__dataclass_fields__}
    return SchoolAnalytics(**fields, shares=shares)


def school_stamp(school_id: int) -> tuple:
    """Return aggregates that change whenever the own school's part of the page may change:
    its staff (who, names, positions, subjects), their results, tracks and modules, and the
    published instruments (what is offered). Each reads only the school's rows."""
    staff = select(User.id).where(User.school_id == school_id).scalar_subquery()
    tracks = select(DevelopmentTrack.id).where(DevelopmentTrack.user_id.in_(staff))
    queries = (
        select(
            func.count(),
            func.sum(User.id * cast(User.active, Integer)),
            func.sum(User.id * func.length(User.full_name)),
            func.sum(User.id * func.length(User.position)),
        ).where(User.school_id == school_id),
        select(func.count(), func.max(Attempt.id)).where(
            Attempt.user_id.in_(staff), Attempt.status == AttemptStatus.SUBMITTED
        ),
        select(
            func.count(), func.sum(UserSubject.user_id * func.length(UserSubject.subject))
        ).where(UserSubject.user_id.in_(staff)),
        select(
            func.count(),
            func.max(DevelopmentTrack.id),
            func.sum(DevelopmentTrack.id * func.length(DevelopmentTrack.status)),
        ).where(DevelopmentTrack.user_id.in_(staff)),
        select(
            func.count(),
            func.sum(TrackModule.id * func.length(TrackModule.status)),
            func.sum(TrackModule.id * cast(TrackModule.mandatory, Integer)),
        ).where(TrackModule.track_id.in_(tracks)),
        select(func.count(), func.max(ContentVersion.id)).where(
            ContentVersion.status == VersionStatus.PUBLISHED
        ),
    )
    return tuple(value for query in queries for value in db.session.execute(query).one())


def school_results(school_id: int, instrument: InstrumentRef) -> SchoolResults:
    """Read and arrange the own school's results of one instrument."""
    staff = _staff(school_id)
    members = {user.id: StaffMember(user.id, user.full_name, user.position) for user in staff}
    subjects = subjects_of(list(members))
    rows = _score_rows(instrument.document_id, list(members))
    sems = version_sems({row.version_id for row in rows})

    # Each attempt's scores by competence; attempts in order of submission.
    attempts: dict[int, dict[str, object]] = defaultdict(dict)
    order: dict[int, list[int]] = defaultdict(list)  # user -> attempt ids, oldest first
    meta: dict[int, object] = {}
    for row in rows:
        if row.id not in meta:
            meta[row.id] = row
            order[row.user_id].append(row.id)
        attempts[row.id][row.competence] = row

    newest = max(meta.values(), key=lambda row: row.submitted_at, default=None)
    scale = compiled_version(newest.version_id).level_scale if newest else None
    level_titles = {level.id: level.title for level in scale.levels} if scale else {}
    shown_sems = {key: shown_sem(sem) for key, sem in sems.items()}
    heat_rows = []
    growth: dict[int, Growth] = {}
    for user_id, ids in order.items():
        latest = attempts[ids[-1]]
        row = HeatRow(
            members[user_id], ids[-1], meta[ids[-1]].submitted_at, subjects.get(user_id, [])
        )
        for competence, score in latest.items():
            row.cells[competence] = ScoreCell(
                shown_score(score.score, score.threshold),
                shown_sems[score.version_id, competence],
                score.level,
                level_titles.get(score.level, score.level),
                bool(score.deficit),
            )
        heat_rows.append(row)
        if len(ids) > 1:
            growth[user_id] = _growth(attempts[ids[0]], latest, sems)

    years_of = {attempt_id: school_year(row.submitted_at) for attempt_id, row in meta.items()}
    own, years, trend = _school_counts(rows, years_of, instrument.competence_ids)
    return SchoolResults(
        school_id=school_id,
        instrument=instrument,
        heat_rows=heat_rows,
        years=years,
        progress=_progress(staff, members, instrument, order, growth),
        missing=_missing(staff, members),
        level_titles=level_titles,
        subjects=sorted({s for codes in subjects.values() for s in codes}),
        positions=sorted({user.position for user in staff}),
        staff=len(staff),
        own=own,
        trend=trend,
    )


def beside_own(wide: Cell | None, own: Cell | None, min_group: int) -> Cell | None:
    """Hide a wider figure shown to a director when, less the own school's, it would describe
    fewer than `min_group` teachers of other schools: the director knows the own figure, so
    the municipality minus the school would give the rest away by subtraction."""
    if wide is None or wide.suppressed or own is None:
        return wide
    rest = wide.n - own.n
    if 0 < rest < min_group:
        return Cell(wide.n, wide.with_deficit, True)
    return wide


def _school_counts(rows, years_of: dict[int, int], competences: tuple[str, ...]):
    """Count the school's deficits with numpy: over each teacher's newest result (the own
    figure) and over each teacher's newest result of every school year (the trend)."""
    column = {c: i for i, c in enumerate(competences)}
    rows = [row for row in rows if row.competence in column]
    if not rows:
        return {}, [], {}
    user = np.array([row.user_id for row in rows], dtype=np.int64)
    attempt = np.array([row.id for row in rows], dtype=np.int64)
    year = np.array([years_of[row.id] for row in rows], dtype=np.int64)
    competence = np.array([column[row.competence] for row in rows], dtype=np.int64)
    deficit = np.array([bool(row.deficit) for row in rows], dtype=np.int64)

    newest = newest_rows(user, attempt)
    n, with_deficit = deficit_counts(
        np.zeros(newest.sum(), dtype=np.int64),
        competence[newest],
        deficit[newest],
        (1, len(column)),
    )
    own = {
        c: Cell(int(n[0, i]), int(with_deficit[0, i]), False) for c, i in column.items() if n[0, i]
    }

    years, year_index = np.unique(year, return_inverse=True)
    of_year = newest_rows(user * 10_000 + year, attempt)
    n, with_deficit = deficit_counts(
        year_index[of_year], competence[of_year], deficit[of_year], (len(years), len(column))
    )
    trend = {
        (int(y), c): Cell(int(n[k, i]), int(with_deficit[k, i]), False)
        for k, y in enumerate(years)
        for c, i in column.items()
        if n[k, i]
    }
    return own, [int(y) for y in years], trend


def _progress(staff, members, instrument, order, growth) -> list[TeacherProgress]:
    """Return each staff member's results, newest plan with its progress, and growth.

    The newest plan on the instrument is the newest that merged a result of it (a PlanSource).

    Progress is counted by the database per track and read through `progress_of_counts`, the
    rule the track page uses, so the two agree without loading every module.
    """
    newest = (
        select(DevelopmentTrack.user_id, func.max(DevelopmentTrack.id).label("track_id"))
        .where(
            DevelopmentTrack.id.in_(
                select(PlanSource.track_id).where(PlanSource.document_id == instrument.document_id)
            ),
            DevelopmentTrack.user_id.in_([user.id for user in staff]),
        )
        .group_by(DevelopmentTrack.user_id)
        .subquery()
    )
    counted = TrackModule.status != ModuleStatus.DECLINED
    done = counted & (TrackModule.status == ModuleStatus.DONE)
    tracks = {
        row.user_id: (row.track_id, progress_of_counts(row.counted, row.done, row.mandatory_done))
        for row in db.session.execute(
            select(
                newest.c.user_id,
                newest.c.track_id,
                func.count(TrackModule.id).filter(counted).label("counted"),
                func.count(TrackModule.id).filter(done).label("done"),
                func.count(TrackModule.id)
                .filter(done & TrackModule.mandatory)
                .label("mandatory_done"),
            )
            .join(TrackModule, TrackModule.track_id == newest.c.track_id, isouter=True)
            .group_by(newest.c.user_id, newest.c.track_id)
        )
    }
    found = []
    for user in staff:
        track_id, track_progress = tracks.get(user.id, (None, None))
        if user.id not in order and track_id is None:
            continue
        found.append(
            TeacherProgress(
                members[user.id],
                len(order.get(user.id, [])),
                track_id,
                track_progress,
                growth.get(user.id),
            )
        )
    return found


def _missing(staff: list[User], members: dict[int, StaffMember]) -> list[Missing]:
    """Return the staff members with offered instruments not taken yet (any instrument)."""
    versions = latest_published_versions("instrument")
    offered = [(v.document_id, compiled_version(v.id).instrument) for v in versions]
    taken = set(
        db.session.execute(
            select(Attempt.user_id, Attempt.document_id)
            .where(
                Attempt.status == AttemptStatus.SUBMITTED,
                Attempt.user_id.in_([user.id for user in staff]),
            )
            .distinct()
        ).all()
    )
    found = []
    for user in staff:
        names = sorted(
            spec.title
            for document_id, spec in offered
            if offered_to(spec, user) and (user.id, document_id) not in taken
        )
        if names:
            found.append(Missing(members[user.id], names))
    return found


def sort_rows(rows: list[HeatRow], key: str, descending: bool) -> list[HeatRow]:
    """Order the heat map by name or by a competence's score (teachers without it last)."""
    if key == SORT_BY_NAME:
        return sorted(rows, key=lambda r: (r.user.full_name, r.user.id), reverse=descending)
    scored = [r for r in rows if key in r.cells]
    rest = [r for r in rows if key not in r.cells]
    scored.sort(key=lambda r: (r.cells[key].score, r.user.full_name), reverse=descending)
    return scored + rest
