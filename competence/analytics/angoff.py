"""The modified-Angoff cut of a competence scale from a panel's ratings (numpy only).

Each panellist rates each item of the scale with the probability (0..1) that a minimally
competent teacher answers it correctly; for items with partial credit the rating reads as the
expected item score. A panellist's cut is the weighted mean of their ratings on the scale's
0..100 points, weighted like the score itself (an item's link weight to the competence). The
panel's cut is the mean of the panellists' cuts; how far they disagree is told by their
standard deviation, range and the standard error of the mean cut. Per item, the spread of the
ratings points at the items the panel should discuss first.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# The smallest panel whose cut is shown: one rater's cut says nothing about agreement.
MIN_PANEL = 2


@dataclass(frozen=True)
class ItemSpread:
    """How the panel rated one item: mean, standard deviation, lowest and highest rating."""

    index: int
    mean: float
    sd: float
    minimum: float
    maximum: float


@dataclass(frozen=True)
class AngoffCut:
    """A panel's cut on the 0..100 scale, each panellist's cut, and how far they disagree."""

    panellist_cuts: tuple[float, ...]
    cut: float
    sd: float  # sample standard deviation of the panellists' cuts (0 for one panellist)
    minimum: float
    maximum: float
    se: float  # standard error of the mean cut: sd / √n
    items: tuple[ItemSpread, ...]

    @property
    def panel_size(self) -> int:
        """Return the number of panellists."""
        return len(self.panellist_cuts)

    def disputed(self, count: int = 5) -> tuple[ItemSpread, ...]:
        """Return up to `count` items rated most differently (largest SD, then widest range)."""
        ranked = sorted(self.items, key=lambda i: (-i.sd, -(i.maximum - i.minimum), i.index))
        return tuple(item for item in ranked[:count] if item.maximum > item.minimum)


def _sample_sd(values: np.ndarray, axis: int = 0) -> np.ndarray:
    """Return the sample standard deviation (n − 1), or zeros when there is one value."""
    if values.shape[axis] < 2:
        return np.zeros(np.delete(values.shape, axis))
    return values.std(axis=axis, ddof=1)


def angoff_cut(ratings: Sequence[Sequence[float]], weights: Sequence[float]) -> AngoffCut:
    """Return the panel's cut from ratings (panellists × items, 0..1) and the items' weights."""
    matrix = np.asarray(ratings, dtype=float)
    weight = np.asarray(weights, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] < 1 or matrix.shape[1] < 1:
        raise ValueError("ratings must be a non-empty panellists × items table")
    if weight.shape != (matrix.shape[1],):
        raise ValueError(f"need one weight per item ({matrix.shape[1]}), got {weight.shape}")
    if not np.all(np.isfinite(matrix)) or np.any((matrix < 0) | (matrix > 1)):
        raise ValueError("every rating must be a number from 0 to 1")
    if not np.all(np.isfinite(weight)) or np.any(weight <= 0):
        raise ValueError("every item weight must be positive")
    cuts = matrix @ weight / weight.sum() * 100
    sd = float(_sample_sd(cuts))
    item_sds = _sample_sd(matrix)
    items = tuple(
        ItemSpread(
            index,
            float(matrix[:, index].mean()),
            float(item_sds[index]),
            float(matrix[:, index].min()),
            float(matrix[:, index].max()),
        )
        for index in range(matrix.shape[1])
    )
    return AngoffCut(
        panellist_cuts=tuple(float(c) for c in cuts),
        cut=float(cuts.mean()),
        sd=sd,
        minimum=float(cuts.min()),
        maximum=float(cuts.max()),
        se=sd / float(np.sqrt(len(cuts))),
        items=items,
    )


def rounded_cut(cut: float) -> int:
    """Return the cut as adopted: whole points, halves rounded up (64.5 → 65)."""
    return int(np.floor(cut + 0.5))
