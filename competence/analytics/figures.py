"""The one rule for figures shown to people: round the scores, then subtract what is shown.

Every page, e-mail, export and PDF prints a score, a deficit's depth or a change between two
attempts through these functions, so that "85 → 92: +7" is the same seven everywhere and a
difference never disagrees with the two numbers printed beside it. A score's band (± its SEM)
and the verdict on a change (growth, decline, within the error) are shown from here too.
"""

import math
from dataclasses import dataclass

from competence.analytics.reliability import classify_change, reliable_change
from competence.analytics.scoring import SCORE_SLACK


def shown_score(score: float, threshold: float | None = None) -> int:
    """Round a score (0..100) to whole per cent for display, half up.

    Given its threshold, a score below it never reads as reaching it: 64.6 against 65 shows 64,
    so "64% at the threshold of 65%: short by 1" adds up.
    """
    shown = math.floor(score + 0.5)
    if threshold is not None and score < threshold - SCORE_SLACK:
        shown = min(shown, math.ceil(threshold - SCORE_SLACK) - 1)
    return shown


def shown_depth(score: float, threshold: float) -> int:
    """Return how many whole points a deficit falls short: shown threshold minus shown score."""
    return max(0, shown_score(threshold) - shown_score(score, threshold))


def shown_difference(
    after: float,
    before: float | None,
    threshold_after: float | None = None,
    threshold_before: float | None = None,
) -> int | None:
    """Return the change between two scores as the difference of the scores as shown."""
    if before is None:
        return None
    return shown_score(after, threshold_after) - shown_score(before, threshold_before)


def shown_sem(sem: float) -> int:
    """Round a standard error of measurement to whole points, half up, never below 1.

    "72 ± 0" would claim a precision no score of a few items has.
    """
    return max(1, math.floor(sem + 0.5))


def shown_band(score: float, sem: float, threshold: float | None = None) -> tuple[int, int]:
    """Return the band as shown: the shown score ± the shown SEM, clipped to 0..100."""
    shown, half = shown_score(score, threshold), shown_sem(sem)
    return max(0, shown - half), min(100, shown + half)


def shown_reliable_change(sem_before: float, sem_after: float) -> int:
    """Return the smallest whole change that exceeds the reliable change threshold."""
    return math.floor(reliable_change(sem_before, sem_after)) + 1


@dataclass(frozen=True)
class ShownChange:
    """A change as shown: the difference, the whole points it must reach, and its verdict."""

    difference: int
    needed: int
    kind: str  # reliability.GROWTH, DECLINE or WITHIN_ERROR


def shown_change(
    after: float,
    before: float | None,
    sem_after: float,
    sem_before: float,
    threshold_after: float | None = None,
    threshold_before: float | None = None,
) -> ShownChange | None:
    """Return the change between the shown scores and whether it is beyond their errors.

    The shown difference is judged, not the unrounded one, so that the verdict printed beside
    "+13" agrees with "a change from 13 points counts"; a whole difference exceeds the threshold
    exactly when it reaches `shown_reliable_change`.
    """
    difference = shown_difference(after, before, threshold_after, threshold_before)
    if difference is None:
        return None
    threshold = reliable_change(sem_before, sem_after)
    return ShownChange(
        difference,
        shown_reliable_change(sem_before, sem_after),
        classify_change(difference, threshold),
    )


def shown_share(part: int, whole: int) -> int | None:
    """Return a share as whole per cent, half up, from the counts (exact: no float rounding).

    Every analytics page, its XLSX export and its chart print a share through this function,
    so 3 of 8 is 38 % everywhere. None for an empty group.
    """
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)
