"""Growth between each teacher's first and latest result, judged against the error, for many
teachers at once.

The same verdict a teacher reads on the own result (`analytics.figures.shown_change`), over
numpy arrays: the shown scores are subtracted (so "+7" here is the "+7" of the result page) and
the difference is growth or decline only beyond the reliable change of the two attempts' SEMs
(`reliability.reliable_change`, `reliability.classify_change`); anything else is within the error,
never growth. Rows may stand for several teachers at once (`weight`), as the database groups
identical pairs of results before they reach here.
"""

from dataclasses import dataclass

import numpy as np

from competence.analytics.reliability import DECLINE, GROWTH, WITHIN_ERROR, reliable_change
from competence.analytics.scoring import SCORE_SLACK

# The verdicts, in the order of their codes in `classify_changes`.
KINDS = (GROWTH, WITHIN_ERROR, DECLINE)


def shown_scores(score, threshold=None) -> np.ndarray:
    """Round scores to whole per cent half up, as `figures.shown_score` does one at a time.

    A score below its threshold never reads as reaching it; a NaN threshold means none.
    """
    score = np.asarray(score, dtype=float)
    shown = np.floor(score + 0.5)
    if threshold is not None:
        threshold = np.broadcast_to(np.asarray(threshold, dtype=float), score.shape)
        with np.errstate(invalid="ignore"):
            below = score < threshold - SCORE_SLACK
        cap = np.ceil(np.where(below, threshold, 0.0) - SCORE_SLACK) - 1
        shown = np.where(below, np.minimum(shown, cap), shown)
    return shown.astype(np.int64)


def reliable_changes(sem_before, sem_after) -> np.ndarray:
    """Return the reliable change threshold of each pair of SEMs, in points.

    Computed by `reliability.reliable_change` once per distinct pair (a handful: the SEMs are a
    version's per competence), so each limit is the scalar function's to the last bit; numpy's
    own square and libm's pow may differ in it.
    """
    sem_before, sem_after = np.broadcast_arrays(
        np.asarray(sem_before, dtype=float), np.asarray(sem_after, dtype=float)
    )
    pairs, inverse = np.unique(
        np.stack([sem_before.ravel(), sem_after.ravel()], axis=1), axis=0, return_inverse=True
    )
    limits = np.array([reliable_change(b, a) for b, a in pairs.tolist()], dtype=float)
    return limits[inverse.ravel()].reshape(sem_before.shape)


def classify_changes(
    after, before, sem_after, sem_before, threshold_after=None, threshold_before=None
) -> np.ndarray:
    """Return the verdict of each change as an index into KINDS (growth, within error, decline)."""
    difference = shown_scores(after, threshold_after) - shown_scores(before, threshold_before)
    limit = reliable_changes(sem_before, sem_after)
    return np.select([difference > limit, difference < -limit], [0, 2], 1).astype(np.int64)


@dataclass(frozen=True)
class GrowthSummary:
    """Per group (a competence): teachers with two results and how their results moved."""

    n: np.ndarray  # teachers with a first and a latest result
    growth: np.ndarray  # of them, a change beyond the error upwards
    within_error: np.ndarray  # a change no larger than the error either way
    decline: np.ndarray  # a change beyond the error downwards
    had_deficit: np.ndarray  # a deficit at the first result
    closed: np.ndarray  # of them, none at the latest


def summarise_growth(
    group,
    n_groups: int,
    *,
    before,
    after,
    sem_before,
    sem_after,
    threshold_before,
    threshold_after,
    deficit_before,
    deficit_after,
    weight=None,
) -> GrowthSummary:
    """Count the verdicts and the closed deficits per group; each row weighs `weight` teachers."""
    group = np.asarray(group, dtype=np.int64)
    weight = np.ones(len(group), dtype=np.int64) if weight is None else np.asarray(weight)
    weight = weight.astype(np.int64)
    kinds = classify_changes(
        after, before, sem_after, sem_before, threshold_after, threshold_before
    )
    counts = np.zeros((len(KINDS), n_groups), dtype=np.int64)
    np.add.at(counts, (kinds, group), weight)
    had = np.asarray(deficit_before, dtype=bool)
    closed = had & ~np.asarray(deficit_after, dtype=bool)
    return GrowthSummary(
        n=np.bincount(group, weights=weight, minlength=n_groups).astype(np.int64),
        growth=counts[0],
        within_error=counts[1],
        decline=counts[2],
        had_deficit=np.bincount(group, weights=weight * had, minlength=n_groups).astype(np.int64),
        closed=np.bincount(group, weights=weight * closed, minlength=n_groups).astype(np.int64),
    )
