"""The identification pages: lists per window and municipality, cross-table, movement.

Ranking is always done over the whole region (bands are quarters of each group in the region);
a municipality or a group only narrows what is shown.
"""

from collections import Counter
from dataclasses import dataclass, field

from competence.analytics.identification import Category, SchoolIdentification, SocialBand
from competence.analytics.partners import latest_index
from competence.schools.dataset import Dataset, Window
from competence.schools.models import School

LISTS = ("low_results", "risk", "stable_high", "unfavourable", "favourable", "resilient")
CATEGORIES = tuple(Category)
SOCIAL_CATEGORIES = (SocialBand.UNFAVOURABLE, SocialBand.NEUTRAL, SocialBand.FAVOURABLE)


@dataclass(frozen=True)
class Scope:
    """Which schools a page shows: a municipality (None: the region) and a group (None: both)."""

    municipality_id: int | None = None
    group: str | None = None

    def includes(self, school: School, identification: SchoolIdentification) -> bool:
        """Tell whether a school is shown."""
        if self.municipality_id is not None and school.municipality_id != self.municipality_id:
            return False
        return self.group is None or identification.group == self.group


@dataclass(frozen=True)
class ListedSchool:
    """A school in a list: its identification over the window and over the window before."""

    school: School
    now: SchoolIdentification
    before: SchoolIdentification | None

    @property
    def edu_index(self) -> float | None:
        """Return the index of results of the latest ranked year of the window."""
        return latest_index(self.now.edu_index)

    @property
    def social_index(self) -> float | None:
        """Return the index of social conditions of the latest ranked year of the window."""
        return latest_index(self.now.social_index)


@dataclass
class Overview:
    """Everything the lists page shows for one window and scope."""

    window: Window
    previous: Window | None
    schools: list[ListedSchool] = field(default_factory=list)
    excluded: list[ListedSchool] = field(default_factory=list)

    def members(self, key: str, social: str | None = None) -> list[ListedSchool]:
        """Return the schools of a list (optionally also of a social category), ordered."""
        chosen = [s for s in self.schools if in_list(s.now, key)]
        if social:
            chosen = [s for s in chosen if s.now.social_category == social]
        return sorted(chosen, key=_ORDER[key])

    def counts(self) -> dict[str, int]:
        """Return how many schools each list holds."""
        return {key: sum(in_list(s.now, key) for s in self.schools) for key in LISTS}

    def cross_table(self) -> dict[tuple[str, str], int]:
        """Count schools by educational category x social category."""
        counts = Counter((s.now.category, s.now.social_category) for s in self.schools)
        return {(c, s): counts[c, s] for c in CATEGORIES for s in SOCIAL_CATEGORIES}

    def movement(self) -> dict[tuple[str | None, str], int]:
        """Count schools by category in the window before (None: not identified) x now."""
        counts = Counter(
            (s.before.category if s.before else None, s.now.category) for s in self.schools
        )
        return {(b, n): counts[b, n] for b in (*CATEGORIES, None) for n in CATEGORIES}


def in_list(school: SchoolIdentification, key: str) -> bool:
    """Tell whether an identified school belongs to one of the LISTS."""
    if key == "resilient":
        return school.resilient
    if key in (SocialBand.UNFAVOURABLE, SocialBand.FAVOURABLE):
        return school.social_category == key
    return school.category == key


def _ascending(value: float | None) -> float:
    return value if value is not None else float("inf")


def _descending(value: float | None) -> float:
    return -value if value is not None else float("inf")


# The weakest first in the lists of concern, the strongest first in the lists of examples.
_ORDER = {
    "low_results": lambda s: (_ascending(s.edu_index), s.school.name),
    "risk": lambda s: (_ascending(s.edu_index), s.school.name),
    "stable_high": lambda s: (_descending(s.edu_index), s.school.name),
    "unfavourable": lambda s: (_descending(s.social_index), s.school.name),
    "favourable": lambda s: (_ascending(s.social_index), s.school.name),
    "resilient": lambda s: (_descending(s.edu_index), s.school.name),
}


def overview(dataset: Dataset, window: Window, scope: Scope) -> Overview:
    """Collect the identified schools of the scope over a window and the window before."""
    previous = dataset.previous(window)
    result = Overview(window, previous)
    for now in dataset.result(window).schools:
        school = dataset.schools[now.school_id]
        if not scope.includes(school, now):
            continue
        before = dataset.identification(previous, now.school_id) if previous else None
        listed = ListedSchool(school, now, before)
        (result.excluded if now.excluded else result.schools).append(listed)
    return result
