"""Deficit profiles and growth, read from stored results for pages, e-mails and certificates."""

from dataclasses import dataclass

from competence.analytics.scoring import shown_depth, shown_percent
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

    @property
    def shown_score(self) -> int:
        """Return the score as shown: whole per cent, a deficit always below its threshold."""
        return shown_percent(self.score, self.threshold)

    @property
    def shown_threshold(self) -> int:
        """Return the threshold as shown."""
        return shown_percent(self.threshold)

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
        """Return the competences at or above their threshold, strongest first."""
        return sorted((r for r in self.rows if not r.deficit), key=lambda r: (-r.score, r.title))


def profile(attempt: Attempt) -> Profile:
    """Build the profile of a submitted attempt from its stored competence scores."""
    ready = compiled(attempt.version)
    levels = {level.id: level.title for level in ready.level_scale.levels}
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
            )
        )
    return Profile(attempt, ready.instrument.title, tuple(rows), attempt.total_score or 0.0)


@dataclass(frozen=True)
class GrowthRow:
    """One competence over attempts: first, previous and current score."""

    id: str
    title: str
    first: float | None
    previous: float | None
    current: float
    threshold: float
    was_deficit: bool | None
    is_deficit: bool

    @property
    def change(self) -> float | None:
        """Return the change since the previous attempt."""
        return None if self.previous is None else self.current - self.previous

    @property
    def change_since_first(self) -> float | None:
        """Return the change since the first attempt."""
        return None if self.first is None else self.current - self.first

    def shown(self, score: float | None) -> int | None:
        """Return one of the row's scores as shown (see `shown_percent`)."""
        return None if score is None else shown_percent(score, self.threshold)

    @property
    def shown_change(self) -> int | None:
        """Return the change since the previous attempt between the shown scores."""
        return (
            None if self.previous is None else self.shown(self.current) - self.shown(self.previous)
        )

    @property
    def shown_change_since_first(self) -> int | None:
        """Return the change since the first attempt between the shown scores."""
        return None if self.first is None else self.shown(self.current) - self.shown(self.first)


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
            )
        )
    return Growth(first, previous, tuple(rows))
