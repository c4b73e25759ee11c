"""A teacher's scores beside the means of their school, municipality and region.

Rules that keep a colleague's score out of reach:
- a group's mean of a competence is shown only if at least MIN_GROUP teachers have a score in it;
- groups are nested (school within municipality within region); a wider group is also hidden
  when it holds between 1 and MIN_GROUP - 1 teachers more than a narrower group already shown,
  since the two means and the two counts would give those few colleagues' mean by difference;
- every group counts each teacher once, by their latest submitted attempt.
The viewer's own score is in the groups they belong to; knowing it reveals at most the mean of
MIN_GROUP - 1 colleagues, never one.
"""

from dataclasses import dataclass

import numpy as np

MIN_GROUP = 5


@dataclass(frozen=True)
class GroupMeans:
    """Means of one group per competence; None where the group is suppressed."""

    name: str
    means: tuple[float | None, ...]
    counts: tuple[int, ...]


def group_means(scores: np.ndarray, groups: list[tuple[str, np.ndarray]]) -> list[GroupMeans]:
    """Return the mean score of each group per competence, suppressing small or derivable ones.

    `scores` is teachers x competences with NaN where a teacher has no score; `groups` are
    (name, boolean mask over teachers), narrowest first, each within the next.
    """
    scores = np.asarray(scores, dtype=float)
    present = ~np.isnan(scores)
    filled = np.where(present, scores, 0.0)
    shown_counts: list[np.ndarray] = []
    result = []
    for name, mask in groups:
        mask = np.asarray(mask, dtype=bool)
        counts = present[mask].sum(axis=0)
        sums = filled[mask].sum(axis=0)
        visible = counts >= MIN_GROUP
        for narrower in shown_counts:
            extra = counts - narrower
            visible &= (extra == 0) | (extra >= MIN_GROUP)
        means = tuple(
            float(total / count) if show else None
            for total, count, show in zip(sums, counts, visible, strict=True)
        )
        # A hidden cell keeps nothing to compare with: its count is not known to the reader.
        shown_counts.append(np.where(visible, counts, -(10**9)))
        result.append(GroupMeans(name, means, tuple(int(c) for c in counts)))
    return result
