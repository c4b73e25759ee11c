"""What the municipal and the regional pages count, grouped by the database.

Each query groups (GROUP BY) over the staff: active accounts attached to a school, as
`results.deficit_counts` counts them. Python then sees a row per school, subject or distinct
pair of results, never a row per teacher to add up.
"""

import numpy as np
from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import aliased

from competence.accounts.models import User, UserSubject
from competence.analytics.growth import GrowthSummary, summarise_growth
from competence.analytics.reliability import MAX_SEM
from competence.analytics.suppression import suppress_counts
from competence.deficits.results import (
    Cell,
    InstrumentRef,
    RegionCells,
    _staff,
    latest_attempts,
    version_sems,
)
from competence.diagnostics.models import Attempt, AttemptStatus, CompetenceScore
from competence.extensions import db
from competence.schools.models import Municipality, School
from competence.tracks.models import DevelopmentTrack, PlanSource, TrackStatus

# The one column of a part tree whose n is the unit's own (its staff, its tracks).
UNIT = "all"


def schools() -> list[tuple[int, str, int]]:
    """Return (id, name, municipality id) of every school, by name."""
    query = select(School.id, School.name, School.municipality_id).order_by(School.name, School.id)
    return [tuple(row) for row in db.session.execute(query)]


def municipalities() -> list[tuple[int, str]]:
    """Return (id, name) of every municipality, by name."""
    query = select(Municipality.id, Municipality.name).order_by(Municipality.name)
    return [tuple(row) for row in db.session.execute(query)]


def staff_counts() -> dict[int, int]:
    """Return the number of staff of each school."""
    query = select(User.school_id, func.count()).where(_staff()).group_by(User.school_id)
    return dict(db.session.execute(query).all())


def took_counts(document_ids) -> dict[tuple[int, int], int]:
    """Return (school, instrument) -> staff with a submitted attempt of the instrument."""
    query = (
        select(User.school_id, Attempt.document_id, func.count(func.distinct(Attempt.user_id)))
        .join(User, User.id == Attempt.user_id)
        .where(
            Attempt.status == AttemptStatus.SUBMITTED,
            Attempt.document_id.in_(list(document_ids)),
            _staff(),
        )
        .group_by(User.school_id, Attempt.document_id)
    )
    return {(school, document): took for school, document, took in db.session.execute(query)}


def track_counts(document_id: int) -> dict[int, tuple[int, int]]:
    """Return school -> (the staff's tracks of an instrument, of them completed or awaiting
    the retake)."""
    finished = (TrackStatus.COMPLETED, TrackStatus.AWAITING_RETAKE)
    done = case((DevelopmentTrack.status.in_(finished), 1), else_=0)
    query = (
        select(User.school_id, func.count(), func.sum(done))
        .select_from(DevelopmentTrack)
        .join(User, User.id == DevelopmentTrack.user_id)
        .where(
            DevelopmentTrack.id.in_(
                select(PlanSource.track_id).where(PlanSource.document_id == document_id)
            ),
            _staff(),
        )
        .group_by(User.school_id)
    )
    return {school: (int(n), int(k or 0)) for school, n, k in db.session.execute(query)}


def subject_counts(document_id: int) -> list[tuple[str | None, str, int, int]]:
    """Return (subject or None, competence, teachers, with a deficit) of the latest results."""
    latest = latest_attempts(document_id)
    query = (
        select(
            UserSubject.subject,
            CompetenceScore.competence,
            func.count(),
            func.sum(cast(CompetenceScore.deficit, Integer)),
        )
        .select_from(latest)
        .join(User, User.id == latest.c.user_id)
        .join(CompetenceScore, CompetenceScore.attempt_id == latest.c.attempt_id)
        .outerjoin(UserSubject, UserSubject.user_id == latest.c.user_id)
        .where(_staff())
        .group_by(UserSubject.subject, CompetenceScore.competence)
    )
    return [(s, c, int(n), int(d or 0)) for s, c, n, d in db.session.execute(query)]


def first_and_latest(document_id: int):
    """Return a subquery (user_id, first_id, latest_id, latest_version_id) of the users with two
    or more submitted attempts of an instrument.

    Every window function shares one window (a user's attempts, oldest first, the whole
    partition as the frame), so the database sorts the attempts once; the latest is the newest
    by submission and id, as in `results.latest_attempts`.
    """
    window = {
        "partition_by": Attempt.user_id,
        "order_by": (Attempt.submitted_at, Attempt.id),
        "rows": (None, None),
    }
    ranked = (
        select(
            Attempt.user_id,
            func.first_value(Attempt.id).over(**window).label("first_id"),
            func.last_value(Attempt.id).over(**window).label("latest_id"),
            func.last_value(Attempt.version_id).over(**window).label("latest_version_id"),
            func.row_number().over(**window).label("position"),
            func.count().over(**window).label("taken"),
        )
        .where(Attempt.document_id == document_id, Attempt.status == AttemptStatus.SUBMITTED)
        .subquery()
    )
    return (
        select(ranked.c.user_id, ranked.c.first_id, ranked.c.latest_id, ranked.c.latest_version_id)
        .where(ranked.c.position == 1, ranked.c.taken >= 2)
        .subquery()
    )


def growth_pairs(document_id: int) -> list[tuple]:
    """Return the first and the latest competence results of the staff with two or more
    attempts, identical pairs grouped: (competence, first version, latest version, first score,
    latest score, first threshold, latest threshold, first deficit, latest deficit, teachers)."""
    pairs = first_and_latest(document_id)
    first = aliased(Attempt)
    before, after = aliased(CompetenceScore), aliased(CompetenceScore)
    columns = (
        before.competence.label("competence"),
        first.version_id.label("first_version"),
        pairs.c.latest_version_id.label("latest_version"),
        before.score.label("first_score"),
        after.score.label("latest_score"),
        before.threshold.label("first_threshold"),
        after.threshold.label("latest_threshold"),
        cast(before.deficit, Integer).label("first_deficit"),
        cast(after.deficit, Integer).label("latest_deficit"),
    )
    query = (
        select(*columns, func.count())
        .select_from(pairs)
        .join(User, User.id == pairs.c.user_id)
        .join(first, first.id == pairs.c.first_id)
        .join(before, before.attempt_id == pairs.c.first_id)
        .join(
            after,
            (after.attempt_id == pairs.c.latest_id) & (after.competence == before.competence),
        )
        .where(_staff())
        .group_by(*columns)
    )
    return [tuple(row) for row in db.session.execute(query)]


def _sems(versions: np.ndarray, competence: np.ndarray, ids: tuple[str, ...]) -> np.ndarray:
    """Return the SEM of each row's (version, competence), looked up once per distinct pair."""
    if not len(versions):
        return np.array([], dtype=float)
    pairs, inverse = np.unique(versions * len(ids) + competence, return_inverse=True)
    sems = version_sems(np.unique(versions).tolist())
    values = [sems.get((int(p) // len(ids), ids[int(p) % len(ids)]), MAX_SEM) for p in pairs]
    return np.array(values, dtype=float)[inverse]


def growth_summary(instrument: InstrumentRef) -> GrowthSummary:
    """Count per competence the staff's changes from the first to the latest result, each
    judged against the SEMs of its two attempts' versions."""
    ids = instrument.competence_ids
    column_of = {competence: index for index, competence in enumerate(ids)}
    pairs = [row for row in growth_pairs(instrument.document_id) if row[0] in column_of]
    columns = list(zip(*pairs, strict=True)) if pairs else [()] * 10
    competence = np.array([column_of[c] for c in columns[0]], dtype=np.int64)
    first = np.array(columns[1], dtype=np.int64)
    latest = np.array(columns[2], dtype=np.int64)
    return summarise_growth(
        competence,
        len(ids),
        before=np.array(columns[3], dtype=float),
        after=np.array(columns[4], dtype=float),
        sem_before=_sems(first, competence, ids),
        sem_after=_sems(latest, competence, ids),
        threshold_before=np.array(columns[5], dtype=float),
        threshold_after=np.array(columns[6], dtype=float),
        deficit_before=np.array(columns[7], dtype=bool),
        deficit_after=np.array(columns[8], dtype=bool),
        weight=np.array(columns[9], dtype=np.int64),
    )


class PartTree:
    """Parts of each unit's n, with the n suppressed over the region's tree.

    n is a school's size (its staff, its tracks), the same in every column (instrument): one
    suppression of the sizes hides a small school in every column, and hides a sibling beside it
    so that the municipality's total does not give it back. A part (who took an instrument) is
    shown only beside a published n.

    With `parts_are_groups`, a part is itself the size of a group other pages show: who took an
    instrument is the n of that instrument's deficit cells. The parts of each column then go
    through the same suppression as those cells, so a school whose deficits are hidden does not
    have its n printed here (an attacker review found exactly that).
    """

    def __init__(
        self,
        all_schools,
        sizes: dict[int, int],
        parts: dict,
        columns,
        min_group: int,
        parts_are_groups: bool = False,
    ):
        present = [(school, place) for school, _name, place in all_schools if sizes.get(school)]
        cells = suppress_counts(
            np.array([str(place) for _school, place in present], dtype=str),
            np.array([str(school) for school, _place in present], dtype=str),
            np.array([UNIT] * len(present), dtype=str),
            np.array([sizes[school] for school, _place in present], dtype=np.int64),
            np.zeros(len(present), dtype=np.int64),
            min_group,
        )
        self.tree = RegionCells(None, cells)
        self.hidden_parts: set[tuple] = set()
        if parts_are_groups:
            self._hide_small_parts(present, parts, columns, min_group)
        self.parts: dict[tuple, int] = {}
        for school, place in present:  # schools x columns: sums of counts, not of teachers
            for column in columns:
                part = parts.get((school, column), 0)
                for unit in (("school", school), ("municipality", place), ("region", None)):
                    self.parts[(*unit, column)] = self.parts.get((*unit, column), 0) + part

    def _hide_small_parts(self, present, parts: dict, columns, min_group: int) -> None:
        """Hide (level, unit, column) where the column's parts, as groups, would be hidden."""
        taking = [(s, p, c) for s, p in present for c in columns if parts.get((s, c), 0) > 0]
        if not taking:
            return
        groups = RegionCells(
            None,
            suppress_counts(
                np.array([str(place) for _s, place, _c in taking], dtype=str),
                np.array([str(school) for school, _p, _c in taking], dtype=str),
                np.array([str(column) for _s, _p, column in taking], dtype=str),
                np.array([parts[(s, c)] for s, _p, c in taking], dtype=np.int64),
                np.zeros(len(taking), dtype=np.int64),
                min_group,
            ),
        )
        for school, place, column in taking:
            for level, unit, cell in (
                ("school", school, groups.school(school, str(column))),
                ("municipality", place, groups.municipality(place, str(column))),
                ("region", None, groups.region(str(column))),
            ):
                if cell is not None and cell.suppressed:
                    self.hidden_parts.add((level, unit, column))

    def cell(self, level: str, unit_id: int | None, column) -> Cell | None:
        """Return a unit's cell in a column: its size as n, the part as `with_deficit`."""
        if level == "region":
            base = self.tree.region(UNIT)
        else:
            base = getattr(self.tree, level)(unit_id, UNIT)
        if base is None:
            return None
        hidden = base.suppressed or (level, unit_id, column) in self.hidden_parts
        return Cell(base.n, self.parts.get((level, unit_id, column), 0), hidden)


def staff_tree(all_schools, instruments: list[InstrumentRef], min_group: int) -> PartTree:
    """Return who of each unit's staff took each instrument (columns: document ids)."""
    columns = [ref.document_id for ref in instruments]
    return PartTree(
        all_schools, staff_counts(), took_counts(columns), columns, min_group, parts_are_groups=True
    )


def track_tree(all_schools, instrument: InstrumentRef, min_group: int) -> PartTree:
    """Return each unit's tracks of an instrument and how many are done (column UNIT)."""
    counts = track_counts(instrument.document_id)
    sizes = {school: n for school, (n, _done) in counts.items()}
    done = {(school, UNIT): k for school, (_n, k) in counts.items()}
    return PartTree(all_schools, sizes, done, (UNIT,), min_group)
