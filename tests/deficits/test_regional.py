"""The municipal and regional tables against figures computed by hand (regional_world.py)."""

import pytest
from flask_babel import gettext

from competence.accounts.reference import SUBJECTS
from competence.deficits import regional
from competence.deficits.categories import CATEGORY_LABELS
from competence.deficits.export import HIDDEN
from competence.deficits.results import instruments_with_results
from tests.deficits.regional_world import KEY, build_region

H = "hidden"


def shown(cell, part=False):
    """Return a cell as the page reads it: None, "hidden", or (per cent, n or part)."""
    if cell is None:
        return None
    if cell.suppressed:
        return H
    share = (200 * cell.with_deficit + cell.n) // (2 * cell.n)
    return (share, cell.with_deficit if part else cell.n)


def table_view(table, part=False) -> dict:
    """Return {label: [cells as shown]} of the F and A columns (the first two competences)."""
    return {
        row.label: [shown(c, part) for c in row.cells[:2]] for row in (*table.rows, *table.totals)
    }


@pytest.fixture
def world(app):
    return build_region()


def instruments(key=KEY):
    found = instruments_with_results()
    return next(ref for ref in found if ref.key == key), found


def test_municipality_deficits_by_hand(world):
    instrument, found = instruments()
    page = regional.municipality_page(world.amur, instrument, found, 5)
    table = page.table("deficits")
    assert [row.label for row in table.rows] == [
        "МБОУ СОШ A1",
        "МБОУ СОШ A2",
        "МБОУ СОШ A3",
        "МБОУ СОШ A4",
    ]
    assert table_view(table) == {
        # a2 is small; a1 is hidden beside it: 23 - 8 - 6 - 6 would give a2's 3 back.
        "МБОУ СОШ A1": [H, H],
        "МБОУ СОШ A2": [H, H],
        "МБОУ СОШ A3": [(38, 8), (50, 8)],
        "МБОУ СОШ A4": [(0, 6), (100, 6)],
        "Амурский район": [(26, 23), (57, 23)],
        gettext("Region"): [(34, 41), (59, 41)],
    }
    assert [row.category for row in table.rows] == ["low_results", "risk", "other", "other"]


def test_without_the_complementary_step_the_small_school_would_be_recovered(world):
    instrument, found = instruments()
    table = regional.municipality_page(world.amur, instrument, found, 5).table("deficits")
    cells = {row.label: row.cells[0] for row in (*table.rows, *table.totals)}
    published = [c for c in cells.values() if not c.suppressed]
    hidden = [label for label, c in cells.items() if c.suppressed]
    # Only a2 is below the minimum; a1 is hidden by the complementary step alone.
    assert cells["МБОУ СОШ A1"].n == 6 and cells["МБОУ СОШ A2"].n == 3
    assert hidden == ["МБОУ СОШ A1", "МБОУ СОШ A2"]
    municipality = cells["Амурский район"]
    schools_published = sum(c.n for c in published if c is not municipality and c.n < 41)
    # What subtraction gives now: the two hidden schools together, not either of them.
    assert municipality.n - schools_published == 6 + 3
    assert municipality.with_deficit - 3 - 0 == 2 + 1


def test_khabarovsk_and_a_school_without_indicators(world):
    instrument, found = instruments()
    table = regional.municipality_page(world.khabarovsk, instrument, found, 5).table("deficits")
    assert table_view(table) == {
        "МБОУ СОШ B1": [(100, 5), (20, 5)],
        "МБОУ СОШ B2": [(0, 7), (100, 7)],
        "МБОУ СОШ B3": [H, H],
        "МБОУ СОШ B4": [H, H],
        "МБОУ СОШ B5": [None, None],
        "г. Хабаровск": [(44, 18), (61, 18)],
        gettext("Region"): [(34, 41), (59, 41)],
    }
    categories = {row.label: row.category for row in table.rows}
    assert categories["МБОУ СОШ B1"] == "resilient"
    assert categories["МБОУ СОШ B5"] == "other"


def test_a_filter_narrows_rows_and_never_changes_what_is_hidden(world):
    instrument, found = instruments()
    full = regional.municipality_page(world.amur, instrument, found, 5)
    other = regional.municipality_page(world.amur, instrument, found, 5, category="other")
    low = regional.municipality_page(world.amur, instrument, found, 5, category="low_results")
    assert [row.label for row in other.table("deficits").rows] == ["МБОУ СОШ A3", "МБОУ СОШ A4"]
    # a1 alone in its category is still hidden: the filter does not recount it.
    assert table_view(low.table("deficits")) == {
        "МБОУ СОШ A1": [H, H],
        "Амурский район": [(26, 23), (57, 23)],
        gettext("Region"): [(34, 41), (59, 41)],
    }
    whole = table_view(full.table("deficits"))
    for page in (other, low):
        for label, cells in table_view(page.table("deficits")).items():
            assert whole[label] == cells
        assert [r.label for r in page.table("participation").rows] == [
            r.label for r in page.table("deficits").rows
        ]
    assert (
        regional.municipality_page(world.amur, instrument, found, 5, category="unfavourable")
        .table("deficits")
        .rows
        == ()
    )


def test_sort_by_a_competence_puts_hidden_cells_last_by_name(world):
    instrument, found = instruments()
    by_f = regional.municipality_page(world.amur, instrument, found, 5, sort="fgos-planning")
    assert [row.label for row in by_f.table("deficits").rows] == [
        "МБОУ СОШ A3",  # 38 %
        "МБОУ СОШ A4",  # 0 %
        "МБОУ СОШ A1",
        "МБОУ СОШ A2",
    ]
    by_a = regional.municipality_page(world.amur, instrument, found, 5, sort="formative-assessment")
    assert [row.label for row in by_a.table("deficits").rows] == [
        "МБОУ СОШ A4",  # 100 %
        "МБОУ СОШ A3",  # 50 %
        "МБОУ СОШ A1",
        "МБОУ СОШ A2",
    ]
    # Empty competences (nobody has a result) leave the order by name.
    by_empty = regional.municipality_page(world.amur, instrument, found, 5, sort="differentiation")
    assert [row.label for row in by_empty.table("deficits").rows][0] == "МБОУ СОШ A1"


def test_municipality_participation_and_tracks_by_hand(world):
    instrument, found = instruments()
    assert [ref.key for ref in found] == ["soft-skills", KEY]  # by title: Latin first
    page = regional.municipality_page(world.amur, instrument, found, 5)
    participation = page.table("participation")
    assert participation.columns == tuple(ref.title for ref in found)
    view = {
        row.label: (row.size, [shown(c, part=True) for c in row.cells])
        for row in (*participation.rows, *participation.totals)
    }
    hidden = HIDDEN
    assert view == {
        "МБОУ СОШ A1": (hidden, [H, H]),
        "МБОУ СОШ A2": (hidden, [H, H]),
        "МБОУ СОШ A3": (10, [(0, 0), (80, 8)]),
        "МБОУ СОШ A4": (6, [(0, 0), (100, 6)]),
        "Амурский район": (25, [(0, 0), (92, 23)]),
        gettext("Region"): (44, [(16, 7), (93, 41)]),
    }
    tracks = page.table("tracks")
    assert table_view(tracks, part=True) == {
        "МБОУ СОШ A1": [None],
        "МБОУ СОШ A2": [None],
        "МБОУ СОШ A3": [(50, 3)],
        "МБОУ СОШ A4": [None],
        "Амурский район": [(50, 3)],
        gettext("Region"): [(38, 5)],
    }
    khabarovsk = regional.municipality_page(world.khabarovsk, instrument, found, 5)
    assert table_view(khabarovsk.table("tracks"), part=True) == {
        "МБОУ СОШ B1": [H],  # two tracks
        "МБОУ СОШ B2": [H],  # five, hidden beside b1: 7 - 5 would give b1 back
        "МБОУ СОШ B3": [None],
        "МБОУ СОШ B4": [None],
        "МБОУ СОШ B5": [None],
        "г. Хабаровск": [(29, 2)],
        gettext("Region"): [(38, 5)],
    }
    view = table_view(khabarovsk.table("participation"), part=True)
    assert view["МБОУ СОШ B2"] == [(88, 7), (88, 7)]
    assert view["г. Хабаровск"] == [(37, 7), (95, 18)]
    assert view["МБОУ СОШ B3"] == [H, H] and view["МБОУ СОШ B5"] == [None, None]


def test_region_deficits_and_cross_tables_by_hand(world):
    instrument, found = instruments()
    page = regional.region_page(instrument, found, 5)
    assert table_view(page.table("deficits")) == {
        "Амурский район": [(26, 23), (57, 23)],
        "г. Хабаровск": [(44, 18), (61, 18)],
        gettext("Region"): [(34, 41), (59, 41)],
    }
    assert table_view(page.table("categories")) == {
        # a1 alone makes low results: published, the municipality page's a1 would follow.
        str(CATEGORY_LABELS["low_results"]): [H, H],
        str(CATEGORY_LABELS["risk"]): [H, H],
        str(CATEGORY_LABELS["resilient"]): [(100, 5), (20, 5)],
        str(CATEGORY_LABELS["unfavourable"]): [None, None],
        str(CATEGORY_LABELS["other"]): [(14, 21), (81, 21)],
        gettext("Region"): [(34, 41), (59, 41)],
    }
    assert table_view(page.table("subjects")) == {
        str(SUBJECTS["russian"]): [(17, 18), (50, 18)],
        str(SUBJECTS["mathematics"]): [(43, 21), (67, 21)],
        str(SUBJECTS["physics"]): [H, H],  # hidden beside «not stated»
        gettext("Subject not stated"): [H, H],
        gettext("Region"): [(34, 41), (59, 41)],
    }


def test_region_participation_and_tracks_by_hand(world):
    instrument, found = instruments()
    page = regional.region_page(instrument, found, 5)
    assert table_view(page.table("participation"), part=True) == {
        "Амурский район": [(0, 0), (92, 23)],
        "г. Хабаровск": [(37, 7), (95, 18)],
        gettext("Region"): [(16, 7), (93, 41)],
    }
    assert [row.size for row in page.table("participation").totals] == [44]
    assert table_view(page.table("tracks"), part=True) == {
        "Амурский район": [(50, 3)],
        "г. Хабаровск": [(29, 2)],
        gettext("Region"): [(38, 5)],
    }


def test_growth_by_hand_within_the_error_is_not_growth(world):
    instrument, found = instruments()
    rows = regional.region_page(instrument, found, 5).growth
    by_title = {row.title: row for row in rows}
    f_row = by_title[instrument.title_of("fgos-planning")]
    assert (f_row.n, f_row.growth, f_row.within_error, f_row.decline) == (6, 2, 3, 1)
    assert (f_row.had_deficit, f_row.closed) == (5, 3)
    assert by_title[instrument.title_of("formative-assessment")].hidden  # three teachers
    differentiation = by_title[instrument.title_of("differentiation")]
    assert differentiation.n == 0 and not differentiation.hidden
    # With a minimum of 3 the three show: every change of 70 -> 40 is within 46.2 points.
    a_row = {row.title: row for row in regional.region_page(instrument, found, 3).growth}[
        instrument.title_of("formative-assessment")
    ]
    assert (a_row.n, a_row.growth, a_row.within_error, a_row.decline) == (3, 0, 3, 0)


def test_the_minimum_changes_what_is_hidden(world):
    instrument, found = instruments()
    table = regional.municipality_page(world.amur, instrument, found, 2).table("deficits")
    assert table_view(table)["МБОУ СОШ A2"] == [(33, 3), (0, 3)]
    table = regional.municipality_page(world.amur, instrument, found, 42).table("deficits")
    assert set(map(tuple, table_view(table).values())) == {(H, H)}


def test_the_chart_draws_the_table_figures(world):
    instrument, found = instruments()
    page = regional.municipality_page(world.amur, instrument, found, 5)
    assert 'aria-describedby="deficits"' in page.chart
    assert ">26%<" in page.chart and ">34%<" in page.chart  # F: municipality, region
    assert ">57%<" in page.chart and ">59%<" in page.chart
    region = regional.region_page(instrument, found, 5)
    assert ">34%<" in region.chart and ">59%<" in region.chart and "Амурский" not in region.chart
