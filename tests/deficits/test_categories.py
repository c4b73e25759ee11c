"""Each school's one analytics category from the stored identification, and its cache."""

import pytest

from competence.analytics.identification import Category, SchoolIdentification, SocialBand
from competence.deficits import categories
from competence.deficits.categories import category_of, school_categories
from competence.extensions import db
from competence.schools.imports import import_indicators
from tests.factories import make_school
from tests.schools.helpers import KHABAROVSK, csv_file, load_region, make_region, region_rows


def identification(category=None, social=None, resilient=False, excluded=None):
    return SchoolIdentification(
        school_id="x",
        school_name="x",
        municipality="m",
        group="secondary",
        edu_index={},
        edu_band={},
        social_index={},
        social_band={},
        category=category,
        social_category=social,
        resilient=resilient,
        excluded=excluded,
    )


@pytest.mark.parametrize(
    ("school", "expected"),
    [
        # ШНРО and ШНСУ at once: ШНРО comes first.
        (identification(Category.LOW_RESULTS, SocialBand.UNFAVOURABLE), "low_results"),
        (identification(Category.RISK, SocialBand.UNFAVOURABLE), "risk"),
        # Resilient schools are ШНСУ with high results: resilient before ШНСУ.
        (identification(Category.STABLE_HIGH, SocialBand.UNFAVOURABLE, True), "resilient"),
        (identification(Category.MIDDLE, SocialBand.UNFAVOURABLE), "unfavourable"),
        (identification(Category.STABLE_HIGH, SocialBand.FAVOURABLE), "other"),
        (identification(Category.MIDDLE, SocialBand.NEUTRAL), "other"),
        (identification(None, None, excluded="только адаптированные программы"), "other"),
        (None, "other"),
    ],
)
def test_category_of_takes_the_first_list_a_school_is_in(school, expected):
    assert category_of(school) == expected


def test_categories_of_the_small_region(app):
    schools = load_region()
    extra = make_school("c1", "МБОУ ООШ C1", municipality=KHABAROVSK)
    found = school_categories()
    by_code = {code: found[school.id] for code, school in schools.items()}
    assert by_code == {
        "a1": "low_results",  # ШНРО and ШНСУ
        "a2": "risk",
        "a3": "other",  # stable high, favourable
        "a4": "other",
        "b1": "resilient",  # stable high, ШНСУ
        "b2": "other",
        "b3": "other",
        "b4": "other",
    }
    assert found[extra.id] == "other"  # no indicators


def test_the_mapping_is_cached_until_the_indicators_or_the_register_change(app, monkeypatch):
    schools = load_region()
    calls = []
    identify = categories._identify
    monkeypatch.setattr(categories, "_identify", lambda: calls.append(1) or identify())
    first = school_categories()
    assert school_categories() is first and len(calls) == 1
    # The register excludes a1: its category is gone at the next call.
    schools["a1"].excluded_reason = "только адаптированные программы"
    db.session.commit()
    assert school_categories()[schools["a1"].id] == "other" and len(calls) == 2
    # A new import of the indicators: identified again.
    import_indicators("again.csv", csv_file(region_rows()))
    school_categories()
    assert len(calls) == 3


def test_without_three_years_every_school_is_other(app):
    schools = make_region()
    import_indicators("i.csv", csv_file(region_rows((2023, 2024))))
    found = school_categories()
    assert {found[school.id] for school in schools.values()} == {"other"}
