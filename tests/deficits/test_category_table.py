"""The category cross-table never gives a hidden school back (found by an attacker review)."""

import pytest

from competence.analytics.suppression import suppress_counts
from competence.deficits.regional_tables import category_table
from competence.deficits.results import InstrumentRef, RegionCells

INSTRUMENT = InstrumentRef(1, "x", "X", (("c", "C"),))

# (school, municipality, n, with a deficit, category)
# 1: risk would be hidden beside its small school and low_results hidden beside it; low_results
#    has no hidden school, so region - low_results - other gave school 1 back.
FIRST = [
    (1, 1, 3, 2, "risk"),
    (2, 1, 4, 1, "other"),
    (3, 1, 10, 5, "risk"),
    (6, 2, 2, 1, "other"),
    (7, 2, 8, 3, "other"),
    (4, 2, 20, 7, "low_results"),
    (5, 2, 30, 9, "other"),
]
# 2: the hidden schools of municipality 1 and of the risk category differ by one school.
SECOND = [
    (1, 1, 2, 1, "risk"),
    (2, 1, 3, 2, "risk"),
    (3, 1, 4, 3, "other"),
    (4, 1, 20, 5, "other"),
    (5, 2, 3, 1, "other"),
    (6, 2, 2, 0, "other"),
    (7, 2, 15, 4, "risk"),
    (8, 2, 30, 6, "other"),
]


@pytest.mark.parametrize("schools", [FIRST, SECOND])
def test_a_shown_category_is_the_sum_of_its_shown_schools(schools):
    cells = RegionCells(
        INSTRUMENT,
        suppress_counts(
            [str(m) for _s, m, *_ in schools],
            [str(s) for s, *_ in schools],
            ["c"] * len(schools),
            [n for _s, _m, n, _d, _c in schools],
            [d for _s, _m, _n, d, _c in schools],
            5,
        ),
    )
    categories = {s: c for s, _m, _n, _d, c in schools}
    table = category_table(INSTRUMENT, cells, categories, 5)
    for row in table.rows:
        cell = row.cells[0]
        if cell is None or cell.suppressed:
            continue
        shown = [cells.school(s, "c") for s, *_ in schools if categories[s] == row.category]
        shown = [c for c in shown if not c.suppressed]
        # Nothing beyond the published schools: subtracting them leaves nothing to recover.
        assert (cell.n, cell.with_deficit) == (
            sum(c.n for c in shown),
            sum(c.with_deficit for c in shown),
        )
    assert any(row.cells[0] and not row.cells[0].suppressed for row in table.rows)
