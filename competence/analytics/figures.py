"""The one rule for figures shown to people: round the scores, then subtract what is shown.

Every page, e-mail, export and PDF prints a score, a deficit's depth or a change between two
attempts through these functions, so that "85 → 92: +7" is the same seven everywhere and a
difference never disagrees with the two numbers printed beside it.
"""

import math

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
