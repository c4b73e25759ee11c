"""Array maths of the identification: normalisation, composite indices and band cuts.

Every function takes a schools x indicators (or schools) float array of one (year, group) in which
NaN marks a missing value, and returns a new array.

Float ties: the data are decimals (shares and means given to a few places) that binary floats
hold only approximately, so 4.4 - 3.4 is 1.0000000000000004 and (0 + 0.2 + 0.4) / 3 is
0.20000000000000004. Every comparison of the method is therefore made on values rounded to
COMPARISON_DECIMALS places: a gap is compared with its threshold after rounding, and an index is
rounded when it is computed, so schools tied in exact arithmetic get equal indices. Rounding
(unlike a tolerance) keeps "tied" transitive. An index is also the sum of the school's normalised
values taken in ascending order, divided by their count, so it depends only on the multiset of
values, which makes a tie that falls exactly on a rounding boundary split even less likely.
"""

import math
from fractions import Fraction
from typing import Final

import numpy as np

from competence.analytics.indicators import GAP_FLAG_FAR_BELOW, GAP_FLAG_OTHERWISE

# [resolved] An indicator whose max - min within a (year, group) does not exceed this carries no
# information and is left out for that (year, group). It applies to min-max indicators only: a gap
# flag compares a school with the region, not with its group, so a constant flag is still kept.
CONSTANT_INDICATOR_SPREAD: Final = 0.0
# [resolved] A missing value is left out of the school's mean (not counted as 0); a school needs
# at least this many normalised values in a year to be ranked that year.
MIN_VALUES_TO_RANK: Final = 1
# [resolved] Cut size k = ceil(BAND_SHARE * n) over the n ranked schools of a (year, group); every
# school tied with the k-th value joins the cut. A Fraction keeps the ceiling exact.
BAND_SHARE: Final = Fraction(1, 4)
# Ours: gaps and indices are compared rounded to this many decimal places. Float error in an index
# of at most 21 values is below 1e-14, while a real difference (0.1 point of one share over a range
# of 100, among 21 indicators) is about 5e-5: 9 places remove the first and keep the second. The
# 4 places of the printed output would be too coarse: they would tie schools that really differ.
COMPARISON_DECIMALS: Final = 9


def normalise_min_max(values: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    """Scale each column to 0..1 by its min and max over present values (seed formulas 1-3)."""
    present = ~np.isnan(values)
    low = np.where(present, values, np.inf).min(axis=0, initial=np.inf)
    high = np.where(present, values, -np.inf).max(axis=0, initial=-np.inf)
    spread = high - low  # -inf for a column without values
    informative = np.flatnonzero(spread > CONSTANT_INDICATOR_SPREAD)
    kept = values[:, informative]
    distance = np.where(inverse[informative], high[informative] - kept, kept - low[informative])
    normalised = np.full(values.shape, np.nan)
    normalised[:, informative] = distance / spread[informative]
    return normalised


def gap_flags(values: np.ndarray, region_means: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Flag school means far below the region's mean: 0 if so, 1 otherwise, NaN if unknown."""
    # Rounded, so that a gap of exactly the threshold (4.4 - 3.4) does not count as "more than".
    far_below = np.round(region_means - values, COMPARISON_DECIMALS) > thresholds
    flags = np.where(far_below, GAP_FLAG_FAR_BELOW, GAP_FLAG_OTHERWISE)
    return np.where(np.isnan(values) | np.isnan(region_means), np.nan, flags)


def composite_index(normalised: np.ndarray) -> np.ndarray:
    """Average each row's present values (the seed's "многомерная средняя"), rounded."""
    counts = (~np.isnan(normalised)).sum(axis=1)
    # Adding the sorted columns one by one gives each row's ascending-order sum (see the module
    # docstring); NaN sorts last and adds as 0, which leaves the total unchanged.
    totals = np.zeros(len(normalised))
    for column in np.nan_to_num(np.sort(normalised, axis=1), nan=0.0).T:
        totals += column
    index = np.full(len(normalised), np.nan)  # NaN: too few values to rank
    ranked = counts >= MIN_VALUES_TO_RANK
    index[ranked] = np.round(totals[ranked] / counts[ranked], COMPARISON_DECIMALS)
    return index


def cut_bands(index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return masks of the bottom and top cuts among the ranked (non-NaN) entries of index.

    The cuts may overlap (one school; many tied indices): the caller decides which band such a
    school takes. Indices are compared rounded to COMPARISON_DECIMALS places.
    """
    ranked = ~np.isnan(index)
    values = np.round(index[ranked], COMPARISON_DECIMALS)
    bottom = np.zeros(index.shape, dtype=bool)
    top = np.zeros(index.shape, dtype=bool)
    if values.size:
        k = math.ceil(BAND_SHARE * values.size)
        ordered = np.sort(values)
        bottom[ranked] = values <= ordered[k - 1]
        top[ranked] = values >= ordered[values.size - k]
    return bottom, top
