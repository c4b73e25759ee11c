"""Deficit profiles and growth, read from stored results for pages, e-mails and certificates."""

from dataclasses import dataclass

from competence.analytics.figures import shown_depth, shown_difference, shown_score
from competence.analytics.scoring import is_strength
from competence.diagnostics.models import Attempt
from competence.instruments.library import compiled


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


def profile(attempt: Attempt) -> Profile:
    """Build the profile of a submitted attempt from its stored competence scores."""
    ready = compiled(attempt.version)
    levels = {level.id: level.title for level in ready.level_scale.levels}
    key = ready.scoring_key
    starts = dict(zip(key.levels, key.cut_scores, strict=True))
    stored = {row.competence: row for row in attempt.competence_scores}
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
            )
        )
    return Growth(first, previous, tuple(rows))


def shown_depths(attempt: Attempt) -> dict[str, int]:
    """Return how many points each deficit of an attempt falls short, as shown, by competence."""
    return {
        row.competence: shown_depth(row.score, row.threshold)
        for row in attempt.competence_scores
        if row.deficit
    }
