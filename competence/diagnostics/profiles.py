"""Deficit profiles and growth, read from stored results for pages, e-mails and certificates."""

from dataclasses import dataclass

from competence.analytics.figures import (
    ShownChange,
    shown_band,
    shown_change,
    shown_depth,
    shown_difference,
    shown_score,
    shown_sem,
)
from competence.analytics.reliability import MAX_SEM, MIN_CALIBRATION_ATTEMPTS, Precision
from competence.analytics.scoring import is_strength
from competence.diagnostics.models import Attempt
from competence.instruments.library import compiled
from competence.measurement.precision import attempt_precision


@dataclass(frozen=True)
class CompetenceRow:
    """One competence of a result: score, level, threshold, deficit and its depth."""

    id: str
    title: str
    area: str
    score: float
    level: str
    level_title: str
    descriptor: str
    threshold: float
    deficit: bool
    depth: float
    # Where the row's level begins on the instrument's scale (its cut score).
    level_start: float = 0.0
    # The standard error of the score, its source and the items behind it.
    precision: Precision | None = None

    @property
    def strength(self) -> bool:
        """Tell whether the competence is a strength (see `is_strength`)."""
        return is_strength(self.score, self.threshold, self.level_start)

    @property
    def shown_score(self) -> int:
        """Return the score as shown: whole per cent, a deficit always below its threshold."""
        return shown_score(self.score, self.threshold)

    @property
    def shown_threshold(self) -> int:
        """Return the threshold as shown."""
        return shown_score(self.threshold)

    @property
    def shown_depth(self) -> int:
        """Return the depth as shown: the shown threshold minus the shown score."""
        return shown_depth(self.score, self.threshold) if self.deficit else 0

    @property
    def shown_sem(self) -> int:
        """Return the score's standard error of measurement as shown (the "± 9")."""
        return shown_sem(self.precision.sem)

    @property
    def shown_band(self) -> tuple[int, int]:
        """Return the band as shown: the shown score ± the shown SEM within 0..100."""
        return shown_band(self.score, self.precision.sem, self.threshold)


@dataclass(frozen=True)
class Profile:
    """The deficit profile of a submitted attempt."""

    attempt: Attempt
    title: str
    rows: tuple[CompetenceRow, ...]  # in the instrument's order
    total: float

    @property
    def deficits(self) -> list[CompetenceRow]:
        """Return the deficits, deepest first."""
        return sorted((r for r in self.rows if r.deficit), key=lambda r: (-r.depth, r.title))

    @property
    def strengths(self) -> list[CompetenceRow]:
        """Return the strengths (at a level wholly above the threshold), strongest first."""
        return sorted((r for r in self.rows if r.strength), key=lambda r: (-r.score, r.title))

    @property
    def shown_total(self) -> int:
        """Return the overall score as shown."""
        return shown_score(self.total)

    @property
    def precision_summary(self) -> "PrecisionSummary":
        """Return where the rows' standard errors came from, for the note under the scores."""
        found = [row.precision for row in self.rows]
        calibrated = [p.n_attempts for p in found if p.n_attempts is not None]
        return PrecisionSummary(
            sources=frozenset(p.source for p in found),
            min_items=min((p.n_items for p in found), default=0),
            max_items=max((p.n_items for p in found), default=0),
            min_attempts=min(calibrated, default=0),
        )


@dataclass(frozen=True)
class PrecisionSummary:
    """The sources of a profile's standard errors, the items and the attempts behind them."""

    sources: frozenset[str]
    min_items: int
    max_items: int
    min_attempts: int
    min_calibration: int = MIN_CALIBRATION_ATTEMPTS


def profile(attempt: Attempt) -> Profile:
    """Build the profile of a submitted attempt from its stored competence scores."""
    ready = compiled(attempt.version)
    levels = {level.id: level.title for level in ready.level_scale.levels}
    key = ready.scoring_key
    starts = dict(zip(key.levels, key.cut_scores, strict=True))
    stored = {row.competence: row for row in attempt.competence_scores}
    precisions = attempt_precision(attempt)
    rows = []
    for competence_id, competence in ready.competences.items():
        row = stored[competence_id]
        rows.append(
            CompetenceRow(
                id=competence_id,
                title=competence.title,
                area=ready.area_of[competence_id].title,
                score=row.score,
                level=row.level,
                level_title=levels.get(row.level, row.level),
                descriptor=dict(competence.descriptors).get(row.level, ""),
                threshold=row.threshold,
                deficit=row.deficit,
                depth=row.depth,
                level_start=starts.get(row.level, 0.0),
                precision=precisions[competence_id],
            )
        )
    return Profile(attempt, ready.instrument.title, tuple(rows), attempt.total_score or 0.0)


@dataclass(frozen=True)
class GrowthRow:
    """One competence over attempts: first, previous and current score, each with its threshold."""

    id: str
    title: str
    first: float | None
    previous: float | None
    current: float
    threshold: float
    was_deficit: bool | None
    is_deficit: bool
    first_threshold: float | None = None
    previous_threshold: float | None = None
    # Standard errors of measurement of each score, in points; an unknown one counts as the
    # largest possible, so that a row built without it never calls a change growth.
    sem: float = MAX_SEM
    first_sem: float | None = None
    previous_sem: float | None = None

    @property
    def shown_first(self) -> int | None:
        """Return the first score as it was shown on its own result."""
        return None if self.first is None else shown_score(self.first, self.first_threshold)

    @property
    def shown_previous(self) -> int | None:
        """Return the previous score as it was shown on its own result."""
        return (
            None if self.previous is None else shown_score(self.previous, self.previous_threshold)
        )

    @property
    def shown_current(self) -> int:
        """Return the current score as shown."""
        return shown_score(self.current, self.threshold)

    @property
    def shown_change(self) -> int | None:
        """Return the change since the previous attempt between the shown scores."""
        return shown_difference(
            self.current, self.previous, self.threshold, self.previous_threshold
        )

    @property
    def shown_change_since_first(self) -> int | None:
        """Return the change since the first attempt between the shown scores."""
        return shown_difference(self.current, self.first, self.threshold, self.first_threshold)

    @property
    def change(self) -> ShownChange | None:
        """Return the change since the previous attempt with its verdict against the error."""
        if self.previous is None:
            return None
        return shown_change(
            self.current,
            self.previous,
            self.sem,
            self.sem if self.previous_sem is None else self.previous_sem,
            self.threshold,
            self.previous_threshold,
        )

    @property
    def change_since_first(self) -> ShownChange | None:
        """Return the change since the first attempt with its verdict against the error."""
        if self.first is None:
            return None
        return shown_change(
            self.current,
            self.first,
            self.sem,
            self.sem if self.first_sem is None else self.first_sem,
            self.threshold,
            self.first_threshold,
        )


@dataclass(frozen=True)
class Growth:
    """How a retake compares with the previous and the first attempt."""

    first: Attempt
    previous: Attempt
    rows: tuple[GrowthRow, ...]

    @property
    def closed_deficits(self) -> list[GrowthRow]:
        """Return the competences that were deficits before and are not now."""
        return [r for r in self.rows if r.was_deficit and not r.is_deficit]


def growth(attempt: Attempt, earlier: list[Attempt]) -> Growth | None:
    """Compare an attempt with the earlier ones (oldest first); None for a first attempt."""
    if not earlier:
        return None
    first, previous = earlier[0], earlier[-1]
    first_scores = {row.competence: row for row in first.competence_scores}
    previous_scores = {row.competence: row for row in previous.competence_scores}
    first_precision = attempt_precision(first)
    previous_precision = attempt_precision(previous)
    current = profile(attempt)
    rows = []
    for row in current.rows:
        before = previous_scores.get(row.id)
        rows.append(
            GrowthRow(
                id=row.id,
                title=row.title,
                first=first_scores[row.id].score if row.id in first_scores else None,
                previous=before.score if before else None,
                current=row.score,
                threshold=row.threshold,
                was_deficit=before.deficit if before else None,
                is_deficit=row.deficit,
                first_threshold=(
                    first_scores[row.id].threshold if row.id in first_scores else None
                ),
                previous_threshold=before.threshold if before else None,
                sem=row.precision.sem,
                first_sem=_sem(first_precision, row.id),
                previous_sem=_sem(previous_precision, row.id),
            )
        )
    return Growth(first, previous, tuple(rows))


def _sem(precisions: dict[str, Precision], competence: str) -> float | None:
    """Return the SEM of a competence among an attempt's precisions, if it measured it."""
    found = precisions.get(competence)
    return None if found is None else found.sem


def shown_depths(attempt: Attempt) -> dict[str, int]:
    """Return how many points each deficit of an attempt falls short, as shown, by competence."""
    return {
        row.competence: shown_depth(row.score, row.threshold)
        for row in attempt.competence_scores
        if row.deficit
    }
