"""Partner schools for schools with low results: who may be a partner and in which order.

A school with low results (ШНРО) or of the risk group is offered partners that show high results:
stable-high schools and resilient ones (high results in unfavourable conditions), of the same school
group, those of the same municipality first, then those whose social index is closest, so that
the partner works in similar conditions. docs/identification.md, Part 4.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from competence.analytics.identification import Category

# Categories of the schools that are offered partners.
SUPPORTED_CATEGORIES: Final = frozenset({Category.LOW_RESULTS, Category.RISK})
# Educational categories that make a school a partner (besides being resilient).
PARTNER_CATEGORIES: Final = frozenset({Category.STABLE_HIGH})


@dataclass(frozen=True)
class SchoolStanding:
    """What the choice of partners needs to know about one school."""

    school_id: str
    group: str
    municipality: str
    category: str | None
    resilient: bool
    social_index: float | None  # None: not ranked in the years looked at


def needs_partner(school: SchoolStanding) -> bool:
    """Tell whether the school is one that partners are suggested for."""
    return school.category in SUPPORTED_CATEGORIES


def can_be_partner(school: SchoolStanding) -> bool:
    """Tell whether the school shows the results a partner must show."""
    return school.category in PARTNER_CATEGORIES or school.resilient


def latest_index(by_year: Mapping[int, float | None]) -> float | None:
    """Return the index of the latest year in which the school was ranked."""
    ranked = [year for year, value in by_year.items() if value is not None]
    return by_year[max(ranked)] if ranked else None


def suggest_partners(
    school: SchoolStanding, candidates: Iterable[SchoolStanding], limit: int | None = None
) -> list[SchoolStanding]:
    """Order possible partners: same group; same municipality first, then closest social index."""

    def order(candidate: SchoolStanding) -> tuple[bool, float, str]:
        if school.social_index is None or candidate.social_index is None:
            distance = math.inf  # unknown conditions come after every known distance
        else:
            distance = abs(candidate.social_index - school.social_index)
        return candidate.municipality != school.municipality, distance, candidate.school_id

    eligible = [
        candidate
        for candidate in candidates
        if candidate.school_id != school.school_id
        and candidate.group == school.group
        and can_be_partner(candidate)
    ]
    eligible.sort(key=order)
    return eligible if limit is None else eligible[:limit]
