"""What the school card shows about indicators: which pull the school down, values by year."""

import math
from dataclasses import dataclass

from competence.analytics.indicators import (
    EDUCATIONAL_INDICATORS,
    GAP_CODES,
    SOCIAL_CODES,
    SOCIAL_INDICATORS,
    Indicator,
)
from competence.schools.dataset import Dataset, Window

# How many indicators the card lists as pulling the school down.
WEAKEST_COUNT = 5


@dataclass(frozen=True)
class IndicatorStanding:
    """One indicator of a school in a year, next to what it is compared with."""

    indicator: Indicator
    value: float
    normalised: float  # 0 = the worst of the group (or far below the region), 1 = the best
    reference: float | None  # the group's mean, or the region's mean for a mean score
    compared_with_region: bool


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator's values over the stored years."""

    indicator: Indicator
    values: dict[int, float | None]


def standings(
    dataset: Dataset, window: Window, code: str, *, social: bool = False
) -> list[IndicatorStanding]:
    """Return the school's indicators in the window's last ranked year, weakest first.

    Educational indicators are ordered by their normalised value (lowest first); social ones
    by how unfavourable they are (highest first), i.e. what makes conditions hard.
    """
    result = dataset.result(window)
    profile = result.indicator_profile(code)
    year = max(profile, default=None)
    if year is None:
        return []
    record = dataset.record(code, year)
    peers = dataset.records_of(year, record.group)
    indicators = SOCIAL_INDICATORS if social else EDUCATIONAL_INDICATORS
    found = []
    for indicator in indicators:
        normalised = profile[year].get(indicator.code)
        value = record.values.get(indicator.code)
        if normalised is None or value is None:
            continue
        if indicator.code in GAP_CODES:
            reference, region = result.region_means.get((year, indicator.code)), True
        else:
            reference, region = _mean(peers, indicator.code), False
        found.append(IndicatorStanding(indicator, value, normalised, reference, region))
    found.sort(
        key=lambda s: (-s.normalised if social else s.normalised, -_distance(s), s.indicator.code)
    )
    return found[:WEAKEST_COUNT]


def _distance(standing: IndicatorStanding) -> float:
    """Return how far the value is from its reference, in shares of the indicator's range.

    Among indicators with the same normalised value (e.g. several at 0, the worst of the group),
    the one furthest from the group's (or region's) mean pulls the school down most.
    """
    if standing.reference is None:
        return 0.0
    low, high = standing.indicator.value_range
    return abs(standing.value - standing.reference) / (high - low)


def standing_year(dataset: Dataset, window: Window, code: str) -> int | None:
    """Return the year the standings describe: the window's last year the school was ranked."""
    return max(dataset.result(window).indicator_profile(code), default=None)


def value_rows(dataset: Dataset, code: str) -> list[IndicatorRow]:
    """Return every indicator the school has a value of in some stored year, by year."""
    rows = []
    for indicator in EDUCATIONAL_INDICATORS + SOCIAL_INDICATORS:
        values = {}
        for year in dataset.years:
            record = dataset.record(code, year)
            values[year] = record.values.get(indicator.code) if record else None
        if any(value is not None for value in values.values()):
            rows.append(IndicatorRow(indicator, values))
    return rows


def is_social(indicator: Indicator) -> bool:
    """Tell whether an indicator describes social conditions."""
    return indicator.code in SOCIAL_CODES


def _mean(records, code: str) -> float | None:
    values = [r.values[code] for r in records if r.values.get(code) is not None]
    return math.fsum(values) / len(values) if values else None
