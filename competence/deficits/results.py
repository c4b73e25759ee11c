"""The staff's latest results, grouped by SQL: what every analytics page counts.

A teacher counts with the newest submitted attempt of an instrument, in the school they belong to
now (active accounts only). Counting is done by the database (GROUP BY over a window function
that picks the newest attempt) and by numpy, never by a Python loop over teachers. Every level of
figures is always computed over the whole region and only then narrowed to what a user sees,
since whether a cell is hidden depends on its neighbours (docs/small-groups.md).
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from sqlalchemy import Integer, and_, cast, func, select

from competence.accounts.models import User, UserSubject
from competence.analytics.reliability import binomial_sem, scale_precision
from competence.analytics.suppression import DeficitCells, suppress_counts
from competence.deficits.snapshots import kept
from competence.diagnostics.models import Attempt, AttemptStatus, CompetenceScore
from competence.extensions import db
from competence.instruments.library import compiled_version
from competence.instruments.models import ContentDocument, ContentVersion, VersionStatus
from competence.measurement.models import ScaleStatistics
from competence.schools.models import School


@dataclass(frozen=True)
class InstrumentRef:
    """An instrument the staff have results of, with its competences in the instrument's order."""

    document_id: int
    key: str
    title: str
    competences: tuple[tuple[str, str], ...]  # (id, title)

    @property
    def competence_ids(self) -> tuple[str, ...]:
        """Return the competence ids in order."""
        return tuple(key for key, _ in self.competences)

    @property
    def competences_set(self) -> frozenset[str]:
        """Return the competence ids as a set."""
        return frozenset(self.competence_ids)

    def title_of(self, competence: str) -> str:
        """Return a competence's title."""
        return dict(self.competences)[competence]


def instruments_with_results() -> list[InstrumentRef]:
    """Return the instruments with at least one submitted attempt, by title."""
    newest = (
        select(ContentVersion.document_id, func.max(ContentVersion.id).label("version_id"))
        .where(ContentVersion.status == VersionStatus.PUBLISHED)
        .group_by(ContentVersion.document_id)
        .subquery()
    )
    # One index lookup per instrument (ix_attempts_document_status_user), not a scan of all.
    taken = (
        select(Attempt.id)
        .where(Attempt.document_id == ContentDocument.id, Attempt.status == AttemptStatus.SUBMITTED)
        .exists()
    )
    rows = db.session.execute(
        select(ContentDocument.id, ContentDocument.key, newest.c.version_id)
        .join(newest, newest.c.document_id == ContentDocument.id)
        .where(taken)
    ).all()
    found = []
    for document_id, key, version_id in rows:
        ready = compiled_version(version_id)
        competences = tuple((c, ready.competences[c].title) for c in ready.competences)
        found.append(InstrumentRef(document_id, key, ready.instrument.title, competences))
    return sorted(found, key=lambda ref: (ref.title, ref.key))


def latest_attempts(document_id: int, *, first: bool = False):
    """Return a subquery (attempt_id, user_id, version_id, submitted_at, taken) of each user's
    newest (or, with `first`, oldest) submitted attempt of an instrument; `taken` counts them."""
    order = (
        (Attempt.submitted_at, Attempt.id)
        if first
        else (Attempt.submitted_at.desc(), Attempt.id.desc())
    )
    ranked = (
        select(
            Attempt.id.label("attempt_id"),
            Attempt.user_id,
            Attempt.version_id,
            Attempt.submitted_at,
            func.row_number().over(partition_by=Attempt.user_id, order_by=order).label("rank"),
            func.count().over(partition_by=Attempt.user_id).label("taken"),
        )
        .where(Attempt.document_id == document_id, Attempt.status == AttemptStatus.SUBMITTED)
        .subquery()
    )
    return (
        select(
            ranked.c.attempt_id,
            ranked.c.user_id,
            ranked.c.version_id,
            ranked.c.submitted_at,
            ranked.c.taken,
        )
        .where(ranked.c.rank == 1)
        .subquery()
    )


def _staff():
    """Return the condition of a counted staff member: an active account attached to a school."""
    return and_(User.active.is_(True), User.school_id.is_not(None))


@dataclass(frozen=True)
class Cell:
    """One published or hidden figure: teachers counted, of them with a deficit."""

    n: int
    with_deficit: int
    suppressed: bool

    @property
    def share(self) -> float | None:
        """Return the share with a deficit, None when hidden or empty."""
        if self.suppressed or not self.n:
            return None
        return self.with_deficit / self.n


class RegionCells:
    """Deficit cells of one instrument for the region, its municipalities and its schools."""

    def __init__(self, instrument: InstrumentRef, cells: DeficitCells) -> None:
        self.instrument = instrument
        self.cells = cells
        self._column = {c: i for i, c in enumerate(cells.competences)}

    @cached_property
    def _rows(self) -> tuple[dict[str, int], dict[str, int]]:
        municipalities = {m: i for i, m in enumerate(self.cells.municipalities.municipality)}
        schools = {s: i for i, s in enumerate(self.cells.schools.school)}
        return municipalities, schools

    def _cell(self, level, row: int | None, competence: str) -> Cell | None:
        column = self._column.get(competence)
        if row is None or column is None or not level.n[row, column]:
            return None
        return Cell(
            int(level.n[row, column]),
            int(level.with_deficit[row, column]),
            bool(level.suppressed[row, column]),
        )

    def region(self, competence: str) -> Cell | None:
        """Return the region's cell of a competence (None: nobody has a result)."""
        return self._cell(self.cells.region, 0, competence)

    def municipality(self, municipality_id: int, competence: str) -> Cell | None:
        """Return a municipality's cell of a competence."""
        row = self._rows[0].get(str(municipality_id))
        return self._cell(self.cells.municipalities, row, competence)

    def school(self, school_id: int, competence: str) -> Cell | None:
        """Return a school's cell of a competence."""
        row = self._rows[1].get(str(school_id))
        return self._cell(self.cells.schools, row, competence)


def deficit_counts(document_id: int) -> list[tuple[int, int, str, int, int]]:
    """Return (municipality id, school id, competence, teachers, with a deficit) of the staff's
    latest results of an instrument, grouped by the database."""
    latest = latest_attempts(document_id)
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                School.municipality_id,
                User.school_id,
                CompetenceScore.competence,
                func.count(),
                func.sum(cast(CompetenceScore.deficit, Integer)),
            )
            .select_from(latest)
            .join(User, User.id == latest.c.user_id)
            .join(School, School.id == User.school_id)
            .join(CompetenceScore, CompetenceScore.attempt_id == latest.c.attempt_id)
            .where(_staff())
            .group_by(School.municipality_id, User.school_id, CompetenceScore.competence)
        )
    ]


def data_stamp(document_id: int) -> tuple:
    """Return what the region's cells of an instrument depend on, in three cheap aggregates.

    Submitted attempts (their number and newest id: a new result, or one deleted with its
    account), the staff (active accounts with a school: number, and a weighted sum of their
    schools that changes when anyone moves) and the schools' municipalities. Scores never
    change after submission, so equal stamps mean equal cells.
    """
    attempts = db.session.execute(
        select(func.count(), func.max(Attempt.id)).where(
            Attempt.document_id == document_id, Attempt.status == AttemptStatus.SUBMITTED
        )
    ).one()
    staff = db.session.execute(
        select(func.count(), func.sum(User.id * User.school_id), func.sum(User.school_id)).where(
            _staff()
        )
    ).one()
    schools = db.session.execute(
        select(func.count(), func.sum(School.id * School.municipality_id))
    ).one()
    return (*attempts, *staff, *schools)


def region_cells(instrument: InstrumentRef, min_group: int) -> RegionCells:
    """Return an instrument's cells, counted again only when the data behind them changed."""
    entry = kept(
        "cells",
        (instrument.document_id, min_group),
        lambda: data_stamp(instrument.document_id),
        lambda: count_region_cells(instrument, min_group),
    )
    return RegionCells(instrument, entry.page.cells)


def count_region_cells(instrument: InstrumentRef, min_group: int) -> RegionCells:
    """Count an instrument's latest results at every level and hide the small groups."""
    wanted = instrument.competences_set
    rows = [row for row in deficit_counts(instrument.document_id) if row[2] in wanted]
    if rows:
        municipality, school, competence, n, with_deficit = (
            np.array(c) for c in zip(*rows, strict=False)
        )
    else:
        municipality = school = competence = np.array([], dtype=str)
        n = with_deficit = np.array([], dtype=np.int64)
    cells = suppress_counts(
        municipality.astype(str),
        school.astype(str),
        competence.astype(str),
        n,
        with_deficit,
        min_group,
    )
    return RegionCells(instrument, cells)


def version_sems(version_ids) -> dict[tuple[int, str], float]:
    """Return the SEM of each competence score of the given versions, in points.

    The calibration when enough attempts stand behind it, else the binomial estimate over the
    items one sitting holds (a form's size for an item bank): aggregates use a version's
    precision, not each sitting's, which differs only by which items of equal count were drawn.
    """
    sems = {}
    version_ids = sorted(set(version_ids))
    calibrations = {
        (row.version_id, row.competence): row
        for row in db.session.scalars(
            select(ScaleStatistics).where(ScaleStatistics.version_id.in_(version_ids))
        )
    }
    for version_id in version_ids:
        instrument = compiled_version(version_id).instrument
        counts = dict.fromkeys(instrument.competences, 0)
        for item in instrument.items:
            for competence, weight in item.competences:
                if weight > 0 and competence in counts:
                    counts[competence] += 1
        per_form = instrument.items_per_competence
        for competence, n_items in counts.items():
            sitting = min(n_items, per_form) if per_form else n_items
            calibration = calibrations.get((version_id, competence))
            sems[version_id, competence] = (
                scale_precision(sitting, calibration.sem, calibration.n_attempts).sem
                if calibration is not None
                else binomial_sem(sitting)
            )
    return sems


def subjects_of(user_ids) -> dict[int, list[str]]:
    """Return the subjects each of the users teaches."""
    found: dict[int, list[str]] = {}
    for user_id, subject in db.session.execute(
        select(UserSubject.user_id, UserSubject.subject).where(UserSubject.user_id.in_(user_ids))
    ):
        found.setdefault(user_id, []).append(subject)
    return found
