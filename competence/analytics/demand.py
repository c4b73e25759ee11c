"""Course groups from training demand: what the teachers who still need a module add up to.

Pure numpy, no Flask: the service (competence/deficits/demand.py) counts the teachers by SQL and
hides small groups; here those counts become course groups and academic hours, ordered for the
page and the XLSX. One module's row: teachers who need it (mandatory in some current track, or
optional only), `ceil(teachers / size)` groups for all of them and for the mandatory ones alone,
and teachers x the module's hours.
"""

from dataclasses import dataclass
from typing import Final

import numpy as np

# The group sizes a methodist may try: one teacher (individual study) to a lecture hall.
GROUP_SIZE_MIN: Final = 1
GROUP_SIZE_MAX: Final = 200


class GroupSizeError(ValueError):
    """A group size that is not a whole number of teachers within the allowed range."""


def parse_group_size(text: str | None, default: int) -> int:
    """Return the group size written in a query string; nothing written means `default`."""
    if text is None or not text.strip():
        return default
    text = text.strip()
    # int() would also take "+25", " 2_5" or "٢٥"; a size is plain ASCII digits.
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise GroupSizeError(text[:20])
    size = int(text)
    if not GROUP_SIZE_MIN <= size <= GROUP_SIZE_MAX:
        raise GroupSizeError(text)
    return size


def course_groups(teachers, size: int):
    """Return how many groups of at most `size` the teachers make: ceil(teachers / size)."""
    if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 1:
        raise ValueError(f"group size must be a positive integer, got {size!r}")
    teachers = np.asarray(teachers, dtype=np.int64)
    if (teachers < 0).any():
        raise ValueError("teachers must not be negative")
    groups = -(-teachers // size)
    return int(groups) if groups.ndim == 0 else groups


@dataclass(frozen=True)
class DemandPlan:
    """The rows of a demand table in the order shown, with what they make.

    Every array is in the shown order; `order` maps it back to the input's rows. A hidden row's
    figures are computed like the others but must never be shown (the caller writes HIDDEN).
    """

    order: np.ndarray
    mandatory: np.ndarray
    optional: np.ndarray
    total: np.ndarray
    groups: np.ndarray
    mandatory_groups: np.ndarray
    hours: np.ndarray  # teachers x the module's hours
    hidden: np.ndarray  # bool

    @property
    def totals(self) -> dict[str, int] | None:
        """Return the column sums, or None when a row is hidden (a partial sum would mislead,
        and the full one would give the hidden rows away)."""
        if self.hidden.any():
            return None
        names = ("mandatory", "optional", "total", "groups", "mandatory_groups", "hours")
        return {name: int(getattr(self, name).sum()) for name in names}


def plan_demand(total, mandatory, module_hours, hidden, group_size: int) -> DemandPlan:
    """Turn per-module counts into groups and hours, published rows by total descending.

    `total` teachers need each module, `mandatory` of them as a mandatory module; rows come in
    the caller's order (by title), which breaks ties; hidden rows go last.
    """
    total = np.asarray(total, dtype=np.int64)
    mandatory = np.asarray(mandatory, dtype=np.int64)
    module_hours = np.asarray(module_hours, dtype=np.int64)
    hidden = np.asarray(hidden, dtype=bool)
    if not len(total) == len(mandatory) == len(module_hours) == len(hidden):
        raise ValueError("total, mandatory, hours and hidden differ in length")
    if ((mandatory < 0) | (mandatory > total)).any():
        raise ValueError("counts must satisfy 0 <= mandatory <= total")
    # A hidden row's true total must not order it, or the order would tell it.
    order = np.lexsort((np.arange(len(total)), np.where(hidden, 0, -total), hidden))
    total, mandatory = total[order], mandatory[order]
    return DemandPlan(
        order=order,
        mandatory=mandatory,
        optional=total - mandatory,
        total=total,
        groups=np.asarray(course_groups(total, group_size)).reshape(-1),
        mandatory_groups=np.asarray(course_groups(mandatory, group_size)).reshape(-1),
        hours=total * module_hours[order],
        hidden=hidden[order],
    )
