"""Identification from the stored values: windows, a school missing a year, register exclusions."""

from sqlalchemy import delete

from competence.analytics.identification import Category, EduBand
from competence.extensions import db
from competence.schools.dataset import load_dataset
from competence.schools.imports import import_indicators
from competence.schools.models import SchoolIndicators
from competence.schools.overview import Scope, overview
from tests.schools.helpers import csv_file, load_region, make_region, region_rows


def test_windows_are_three_adjacent_stored_years(app):
    make_region()
    import_indicators("i.csv", csv_file(region_rows((2020, 2021, 2022, 2023, 2024))))
    dataset = load_dataset()
    assert dataset.windows == ((2020, 2021, 2022), (2021, 2022, 2023), (2022, 2023, 2024))
    assert dataset.window() == (2022, 2023, 2024)
    assert dataset.window(2023) == (2021, 2022, 2023)
    assert dataset.window(1999) == (2022, 2023, 2024)  # unknown: the latest
    assert dataset.previous((2021, 2022, 2023)) == (2020, 2021, 2022)
    assert dataset.previous((2020, 2021, 2022)) is None


def test_a_window_never_spans_a_year_missing_for_everyone(app):
    make_region()
    import_indicators("i.csv", csv_file(region_rows((2020, 2021, 2022, 2023, 2024))))
    # stored before the import refused gaps: 2021 removed behind the import's back
    db.session.execute(delete(SchoolIndicators).where(SchoolIndicators.year == 2021))
    db.session.commit()
    dataset = load_dataset()
    assert dataset.years == (2020, 2022, 2023, 2024)
    assert dataset.windows == ((2022, 2023, 2024),)


def test_fewer_than_three_years_give_no_window(app):
    make_region()
    import_indicators("i.csv", csv_file(region_rows((2023, 2024))))
    dataset = load_dataset()
    assert dataset.windows == () and dataset.window() is None


def test_a_school_missing_one_year(app):
    make_region()
    rows = [r for r in region_rows() if not (r["school_id"] == "a1" and r["year"] == 2023)]
    import_indicators("i.csv", csv_file(rows))
    dataset = load_dataset()
    a1 = dataset.identification(dataset.window(), "a1")
    # a1 has no row in 2023: not ranked that year, so "low in all three years" fails -> not ШНРО;
    # it is not low in both of the last two years either -> middle
    assert a1.edu_index == {2022: 0.0, 2023: None, 2024: 0.0}
    assert a1.edu_band == {2022: EduBand.LOW, 2023: None, 2024: EduBand.LOW}
    assert a1.category is Category.MIDDLE
    # 2023 without a1: n = 7, k = 2: a2 15 and b2 30 are the low band
    a2 = dataset.identification(dataset.window(), "a2")
    b2 = dataset.identification(dataset.window(), "b2")
    assert a2.edu_band[2023] is EduBand.LOW and b2.edu_band[2023] is EduBand.LOW
    # the card's history has the gap too
    years, categories = dataset.history("a1")
    assert [(y.year, y.edu_index) for y in years] == [(2022, 0.0), (2023, None), (2024, 0.0)]
    assert [(w, c.category) for w, c in categories] == [((2022, 2023, 2024), Category.MIDDLE)]


def test_a_school_excluded_by_the_register_is_excluded_in_every_year(app):
    schools = load_region()
    schools["a1"].excluded_reason = "только адаптированные программы"
    db.session.commit()
    dataset = load_dataset()
    a1 = dataset.identification(dataset.window(), "a1")
    assert a1.excluded == "только адаптированные программы"
    assert a1.edu_index == {2022: None, 2023: None, 2024: None}
    # without a1, n = 7 and k = 2: 2022 low b4 20, b2 30; 2023 and 2024 low a2 15, b2 30
    b2 = dataset.identification(dataset.window(), "b2")
    a2 = dataset.identification(dataset.window(), "a2")
    assert b2.category is Category.LOW_RESULTS
    assert a2.edu_band == {2022: EduBand.MIDDLE, 2023: EduBand.LOW, 2024: EduBand.LOW}
    assert a2.category is Category.RISK
    data = overview(dataset, dataset.window(), Scope())
    assert [s.school.code for s in data.excluded] == ["a1"]
    assert [s.school.code for s in data.members("low_results")] == ["b2"]


def test_scope_narrows_what_is_shown_not_the_ranking(app):
    schools = load_region()
    dataset = load_dataset()
    window = dataset.window()
    khabarovsk = overview(dataset, window, Scope(municipality_id=schools["b1"].municipality_id))
    assert sorted(s.school.code for s in khabarovsk.schools) == ["b1", "b2", "b3", "b4"]
    assert [s.school.code for s in khabarovsk.members("stable_high")] == ["b1"]
    assert khabarovsk.counts()["low_results"] == 0  # a1 is in the other municipality
    # ranked within Амурский район alone (n = 4, k = 1), a2 (15) would be above a1 (10) and not
    # low; over the region it is low in 2023 and 2024, so the risk group keeps it
    amur = overview(dataset, window, Scope(municipality_id=schools["a1"].municipality_id))
    assert [s.school.code for s in amur.members("risk")] == ["a2"]
    assert overview(dataset, window, Scope(group="basic")).schools == []
