"""Suggesting partner schools: who qualifies and in which order, on hand-made cases."""

import ast
import sys
from pathlib import Path

from competence.analytics import partners
from competence.analytics.partners import (
    SchoolStanding,
    can_be_partner,
    latest_index,
    needs_partner,
    suggest_partners,
)


def standing(
    school_id,
    category="stable_high",
    *,
    group="secondary",
    place="Амурский район",
    social=0.5,
    resilient=False,
):
    """Build one school's standing."""
    return SchoolStanding(school_id, group, place, category, resilient, social)


def ids(schools):
    """Return the ids of the schools in order."""
    return [school.school_id for school in schools]


def test_imports_only_the_standard_library_and_analytics():
    tree = ast.parse(Path(partners.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            assert name.split(".")[0] in sys.stdlib_module_names or name.startswith(
                "competence.analytics"
            ), name


def test_who_needs_a_partner_and_who_can_be_one():
    assert needs_partner(standing("a", "low_results"))
    assert needs_partner(standing("a", "risk"))
    assert not needs_partner(standing("a", "middle"))
    assert not needs_partner(standing("a", None))  # excluded from identification
    assert can_be_partner(standing("a", "stable_high"))
    assert can_be_partner(standing("a", "middle", resilient=True))
    assert not can_be_partner(standing("a", "middle"))
    assert not can_be_partner(standing("a", "low_results"))


def test_same_municipality_first_then_the_closest_social_index():
    school = standing("low", "low_results", social=0.60)
    candidates = [
        standing("far-close", social=0.58, place="г. Хабаровск"),  # |d| = 0.02, elsewhere
        standing("here-far", social=0.10),  # |d| = 0.50, same municipality
        standing("here-close", social=0.70),  # |d| = 0.10, same municipality
        standing("far-far", social=0.95, place="г. Хабаровск"),  # |d| = 0.35
    ]
    assert ids(suggest_partners(school, candidates)) == [
        "here-close",
        "here-far",
        "far-close",
        "far-far",
    ]
    assert ids(suggest_partners(school, candidates, limit=2)) == ["here-close", "here-far"]


def test_only_high_or_resilient_schools_of_the_same_group_and_never_itself():
    school = standing("s", "risk", social=0.4)
    candidates = [
        school,
        standing("middle", "middle"),
        standing("basic-high", group="basic"),
        standing("resilient", "middle", resilient=True, social=0.9),
        standing("high", social=0.1),
        standing("excluded", None),
    ]
    # |0.1 - 0.4| = 0.3 < |0.9 - 0.4| = 0.5
    assert ids(suggest_partners(school, candidates)) == ["high", "resilient"]


def test_unknown_social_index_comes_last_and_ties_go_by_id():
    school = standing("s", "low_results", social=0.5)
    candidates = [
        standing("c-unknown", social=None),
        standing("b", social=0.4),
        standing("a", social=0.6),  # the same distance as b: 0.1
    ]
    assert ids(suggest_partners(school, candidates)) == ["a", "b", "c-unknown"]
    unranked = standing("s", "low_results", social=None)
    assert ids(suggest_partners(unranked, candidates)) == ["a", "b", "c-unknown"]


def test_latest_index_is_that_of_the_latest_ranked_year():
    assert latest_index({2022: 0.2, 2023: 0.3, 2024: None}) == 0.3
    assert latest_index({2022: 0.2, 2023: None, 2024: 0.0}) == 0.0
    assert latest_index({2022: None, 2023: None, 2024: None}) is None
