"""Identification of ШНРО / ШНСУ: every rule of docs/identification.md on hand-computed cases."""

import ast
import importlib.util
import json
import math
import random
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from competence.analytics import identification, indicators, indices
from competence.analytics.identification import (
    Category,
    EduBand,
    SchoolYearRecord,
    SocialBand,
    identify,
    result_to_json,
)
from competence.analytics.indicators import (
    EDUCATIONAL_INDICATORS,
    GAP_CODES,
    SOCIAL_CODES,
    Effect,
)
from competence.analytics.indices import composite_index, cut_bands, gap_flags, normalise_min_max

REPO_ROOT = Path(__file__).resolve().parents[2]
YEARS = (2022, 2023, 2024)
NAN = math.nan


def school(school_id, values, *, year=2024, group="secondary", excluded=None, name=None):
    """Build one school-year record."""
    name = name or f"МБОУ СОШ № {school_id}"
    return SchoolYearRecord(year, school_id, name, "г. Хабаровск", group, values, excluded)


def every_year(*records):
    """Repeat records over the three analysed years."""
    return [replace(record, year=year) for year in YEARS for record in records]


def by_id(result):
    """Map school_id to its SchoolIdentification."""
    return {s.school_id: s for s in result.schools}


# --- indicator definitions ------------------------------------------------------------------


def test_indicator_effects_follow_the_seed_table():
    effects = {i.code: i.effect for i in EDUCATIONAL_INDICATORS}
    direct = {code for code, effect in effects.items() if effect is Effect.DIRECT}
    inverse = {code for code, effect in effects.items() if effect is Effect.INVERSE}
    assert direct == {
        "ege_rus_80plus",
        "ege_math_80plus",
        "oge_rus_grade5",
        "oge_math_grade5",
        "vpr_rus_grade5",
        "vpr_math_grade5",
    }
    assert inverse == {
        "ege_no_cert",
        "ege_rus_below_min",
        "ege_math_below_min",
        "oge_no_cert",
        "oge_rus_grade2",
        "oge_math_grade2",
        "vpr_rus_grade2",
        "vpr_math_grade2",
    }
    thresholds = [i.gap_threshold for i in EDUCATIONAL_INDICATORS if i.effect is Effect.GAP]
    assert GAP_CODES == (
        "ege_rus_mean",
        "ege_math_profile_mean",
        "ege_math_base_mean",
        "oge_rus_mean",
        "oge_math_mean",
        "vpr_rus_mean",
        "vpr_math_mean",
    )
    assert thresholds == [20, 20, 4, 1, 1, 1, 1]
    assert len(SOCIAL_CODES) == 11


def test_analytics_modules_import_only_numpy_and_the_standard_library():
    for module in (identification, indicators, indices):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                allowed = top in sys.stdlib_module_names or top == "numpy"
                assert allowed or name.startswith("competence.analytics"), (module, name)


# --- normalisation and the index ------------------------------------------------------------


def test_min_max_normalisation_direct_and_inverse():
    values = np.array([[10.0, 10.0], [20.0, 30.0], [30.0, 50.0]])
    normalised = normalise_min_max(values, np.array([False, True]))
    # direct (x - 10) / 20 -> 0, 0.5, 1; inverse (50 - x) / 40 -> 1, 0.5, 0
    np.testing.assert_array_equal(normalised, [[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])


def test_constant_or_empty_indicator_is_left_out_and_missing_stays_missing():
    values = np.array([[5.0, NAN, NAN, 7.0], [5.0, 4.0, NAN, NAN], [5.0, 8.0, NAN, NAN]])
    normalised = normalise_min_max(values, np.zeros(4, dtype=bool))
    # column 0 constant -> dropped; column 1 (x - 4) / 4 over present values; column 2 empty;
    # column 3 has one value, so max == min -> dropped
    np.testing.assert_array_equal(
        normalised, [[NAN, NAN, NAN, NAN], [NAN, 0.0, NAN, NAN], [NAN, 1.0, NAN, NAN]]
    )


def test_constant_indicator_is_dropped_for_that_year_and_group_only():
    records = every_year(
        school("a", {"oge_rus_grade5": 10, "vpr_rus_grade5": 7}),
        school("b", {"oge_rus_grade5": 20, "vpr_rus_grade5": 7}),
        school("c", {"oge_rus_grade5": 10, "vpr_rus_grade5": 3}, group="basic"),
        school("d", {"oge_rus_grade5": 20, "vpr_rus_grade5": 9}, group="basic"),
    )
    result = identify(records)
    # secondary: vpr 7 == 7 is constant and left out, so a = 0 and b = 1 (not 0.5 / 0.5 + ...);
    # basic keeps vpr: c = (0 + 0) / 2 = 0, d = (1 + 1) / 2 = 1
    assert result.indicator_profile("a")[2024] == {"oge_rus_grade5": 0.0}
    assert result.indicator_profile("c")[2024] == {"oge_rus_grade5": 0.0, "vpr_rus_grade5": 0.0}
    schools = by_id(result)
    assert [schools[s].edu_index[2024] for s in "abcd"] == [0.0, 1.0, 0.0, 1.0]


def test_missing_value_is_left_out_of_the_mean_not_counted_as_zero():
    records = every_year(
        school("x", {"oge_rus_grade5": 30}),
        school("y", {"oge_rus_grade5": 10, "vpr_rus_grade5": 20}),
        school("z", {"oge_rus_grade5": 20, "vpr_rus_grade5": 40}),
    )
    schools = by_id(identify(records))
    # oge: (x - 10) / 20 -> x 1, y 0, z 0.5; vpr: (v - 20) / 20 -> y 0, z 1
    # x = 1 / 1 = 1 (not (1 + 0) / 2), y = 0 / 2 = 0, z = (0.5 + 1) / 2 = 0.75
    assert [schools[s].edu_index[2023] for s in "xyz"] == [1.0, 0.0, 0.75]


def test_school_without_any_value_in_a_year_is_not_ranked_that_year():
    records = every_year(
        school("a", {"oge_rus_grade5": 10, "deviant": 1}),
        school("b", {"oge_rus_grade5": 20, "deviant": 2}),
        school("c", {"oge_rus_grade5": 30, "deviant": 3}),
    )
    records[0] = replace(records[0], values={"deviant": 1})  # school a in 2022: no result
    a = by_id(identify(records))["a"]
    assert a.edu_index == {2022: None, 2023: 0.0, 2024: 0.0}
    assert a.edu_band == {2022: None, 2023: EduBand.LOW, 2024: EduBand.LOW}
    assert a.social_index[2022] == 0.0  # the social index does not need educational values
    assert a.category is Category.RISK  # unranked 2022 counts as "not low"


def test_index_is_exactly_equal_for_the_same_values_under_different_indicators():
    normalised = np.array([[0.1, 0.2, 0.3], [0.2, 0.3, 0.1], [0.3, NAN, 0.1]])
    index = composite_index(normalised)
    # left to right 0.1 + 0.2 + 0.3 = 0.6000000000000001 but 0.2 + 0.3 + 0.1 = 0.6: the
    # ascending-order sum and the rounding give both rows the same float
    assert index[0] == index[1] == 0.2
    assert index[2] == (0.1 + 0.3) / 2


def test_schools_with_permuted_values_tie_at_the_cut():
    def values(a, b, c):
        return {"oge_rus_grade5": a, "oge_math_grade5": b, "vpr_rus_grade5": c}

    records = every_year(
        school("a", values(1, 2, 3)),  # normalised 0.1, 0.2, 0.3 (min 0, max 10)
        school("b", values(2, 3, 1)),  # the same multiset in other columns
        school("c", values(10, 10, 10)),
        school("d", values(0, 0, 0)),
        school("e", values(5, 5, 5)),
    )
    schools = by_id(identify(records))
    # n = 5, k = ceil(1.25) = 2; sorted d 0, a = b = 0.2, e 0.5, c 1 -> low {d, a, b}, high {e, c}
    assert schools["a"].edu_index[2024] == schools["b"].edu_index[2024]
    assert {s for s, v in schools.items() if v.edu_band[2024] is EduBand.LOW} == {"a", "b", "d"}
    assert {s for s, v in schools.items() if v.edu_band[2024] is EduBand.HIGH} == {"c", "e"}


# --- gap flags and region means -------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "threshold", "region_mean"),
    [
        ("ege_rus_mean", 20, 60.0),
        ("ege_math_profile_mean", 20, 60.0),
        ("ege_math_base_mean", 4, 15.0),
        ("oge_rus_mean", 1, 4.0),
        ("oge_math_mean", 1, 4.0),
        ("vpr_rus_mean", 1, 4.0),
        ("vpr_math_mean", 1, 4.0),
    ],
)
def test_gap_flag_is_zero_only_when_more_than_the_threshold_below_the_region(
    code, threshold, region_mean
):
    records = every_year(
        school("far", {code: region_mean - threshold - 0.5}),  # 0.5 more than allowed -> 0
        school("edge", {code: region_mean - threshold}),  # exactly the threshold -> 1
        school("above", {code: region_mean + 1}),  # -> 1
    )
    result = identify(records, region_means={(year, code): region_mean for year in YEARS})
    profiles = {s: result.indicator_profile(s)[2024] for s in ("far", "edge", "above")}
    assert profiles == {"far": {code: 0.0}, "edge": {code: 1.0}, "above": {code: 1.0}}
    # [resolved] 0 marks the bad school, so it has the lowest educational index
    schools = by_id(result)
    assert schools["far"].edu_band[2024] is EduBand.LOW
    assert schools["far"].edu_index[2024] == 0.0
    assert result.region_means[2024, code] == region_mean


@pytest.mark.parametrize(
    ("region_mean", "school_mean", "threshold"),
    [
        # decimal differences of exactly the threshold that binary floats overshoot
        (4.4, 3.4, 1),  # 4.4 - 3.4 = 1.0000000000000004
        (4.9, 3.9, 1),
        (64.4, 44.4, 20),
        (9.3, 5.3, 4),
    ],
)
def test_gap_of_exactly_the_threshold_in_decimals_is_not_more_than_it(
    region_mean, school_mean, threshold
):
    assert region_mean - school_mean > threshold  # the float trap the rounding removes
    flags = gap_flags(
        np.array([[school_mean], [school_mean - 0.1], [NAN]]),
        np.array([region_mean]),
        np.array([threshold]),
    )
    # exactly the threshold -> 1; 0.1 more -> 0; missing -> NaN
    assert flags[:2, 0].tolist() == [1.0, 0.0]
    assert math.isnan(flags[2, 0])


def test_schools_at_exactly_the_gap_threshold_tie_with_the_others():
    records = every_year(
        *(school(s, {"oge_rus_mean": v}) for s, v in zip("ABCD", (3.4, 4.5, 4.6, 4.7), strict=True))
    )
    result = identify(records, region_means={(year, "oge_rus_mean"): 4.4 for year in YEARS})
    # 4.4 - 3.4 = 1, not more than 1: every school gets the flag 1 and all four tie
    assert {s: result.indicator_profile(s)[2024] for s in "ABCD"} == {
        s: {"oge_rus_mean": 1.0} for s in "ABCD"
    }
    schools = by_id(result)
    assert {schools[s].edu_index[2024] for s in "ABCD"} == {1.0}
    assert len({schools[s].category for s in "ABCD"}) == 1  # A is not singled out


def test_fallback_region_mean_gap_of_exactly_the_threshold():
    # region mean (4.9 + 4.9 + 3.4) / 3 = 13.2 / 3 = 4.4 over all groups; 4.4 - 3.4 = 1 -> flag 1
    records = every_year(
        *(school(s, {"oge_math_mean": 4.9}) for s in ("a", "b")),
        school("x", {"oge_math_mean": 3.4}, group="basic"),
    )
    result = identify(records)
    assert result.region_means[2024, "oge_math_mean"] == 4.4
    assert result.indicator_profile("x")[2024] == {"oge_math_mean": 1.0}


def test_region_mean_comes_from_the_table_else_from_all_groups_without_excluded_schools():
    def year_records(year):
        return [school(s, {"oge_rus_mean": 4.6}, year=year) for s in ("s1", "s2", "s3")] + [
            school("b1", {"oge_rus_mean": 3.0}, year=year, group="basic"),
            school("b2", {"oge_rus_mean": 3.4}, year=year, group="basic"),
            school("out", {"oge_rus_mean": 2.0}, year=year, group="basic", excluded="колония"),
        ]

    records = [r for year in YEARS for r in year_records(year)]
    result = identify(records, region_means={(2023, "oge_rus_mean"): 3.9})
    # 2024 fallback: (4.6 * 3 + 3.0 + 3.4) / 5 = 20.2 / 5 = 4.04; b1: 4.04 - 3.0 = 1.04 > 1 -> 0.
    # The basic group alone would give 3.2 (flag 1); with the excluded 2.0 it would be 3.7 (flag 1).
    assert result.region_means[2024, "oge_rus_mean"] == pytest.approx(4.04)
    assert result.indicator_profile("b1")[2024] == {"oge_rus_mean": 0.0}
    assert result.indicator_profile("b2")[2024] == {"oge_rus_mean": 1.0}  # 4.04 - 3.4 = 0.64
    # 2023 table mean 3.9: 3.9 - 3.0 = 0.9 -> 1
    assert result.region_means[2023, "oge_rus_mean"] == 3.9
    assert result.indicator_profile("b1")[2023] == {"oge_rus_mean": 1.0}


# --- bands ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "bottom", "top"),
    [
        # n = 9, k = ceil(2.25) = 3
        ([0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.6, 0.4, 0.5], [1, 3, 5], [0, 2, 4]),
        # n = 8, k = 2; three schools tied with the 2nd lowest value 0.2 all join the bottom
        ([0.1, 0.2, 0.2, 0.2, 0.5, 0.6, 0.7, 0.8], [0, 1, 2, 3], [6, 7]),
        # n = 8, k = 2; three schools tied with the 2nd highest value 0.9 all join the top
        ([0.1, 0.2, 0.3, 0.4, 0.5, 0.9, 0.9, 0.9], [0, 1], [5, 6, 7]),
        # unranked (NaN) entries do not count: n = 4, k = 1
        ([NAN, 0.4, 0.1, NAN, 0.3, 0.2], [2], [1]),
        # n = 1 or everything tied: the cuts meet, every school is in both
        ([0.5], [0], [0]),
        ([0.5, 0.5, 0.5], [0, 1, 2], [0, 1, 2]),
        # n = 5, k = 2: the 2nd lowest and the 2nd highest are both 0.2
        ([0.2, 0.2, 0.2, 0.2, 0.9], [0, 1, 2, 3], [0, 1, 2, 3, 4]),
        # ties are compared at 9 decimals: (0 + 0.2 + 0.4) / 3 = 0.20000000000000004 ties 0.2
        ([0.1, 0.2, (0 + 0.2 + 0.4) / 3, 0.6, 0.7], [0, 1, 2], [3, 4]),
        ([0.1, 0.2, 0.2 + 1e-8, 0.6, 0.7], [0, 1], [3, 4]),  # a real difference stays one
        ([], [], []),
    ],
)
def test_cut_bands(index, bottom, top):
    low, high = cut_bands(np.array(index, dtype=float))
    assert np.flatnonzero(low).tolist() == bottom
    assert np.flatnonzero(high).tolist() == top


def test_composite_index_is_rounded_so_that_decimal_ties_are_ties():
    index = composite_index(np.array([[0.0, 0.2, 0.4], [0.2, NAN, NAN], [0.1, 0.3, NAN]]))
    # (0 + 0.2 + 0.4) / 3 = 0.20000000000000004 in floats
    assert index.tolist() == [0.2, 0.2, 0.2]


def test_schools_tied_at_the_cut_in_exact_arithmetic_are_all_in_the_band():
    # /tmp/a7/tie.csv of the audit: min 0 and max 50 in every column, values / 50
    rows = {
        "S": (5, 0, 0),  # (0.1 + 0 + 0) / 3 = 0.0333
        "P": (10, None, None),  # 0.2
        "Q": (0, 10, 20),  # (0 + 0.2 + 0.4) / 3 = 0.2
        "T": (40, 40, 40),  # 0.8
        "R": (50, 50, 50),  # 1
    }
    codes = ("vpr_rus_grade5", "vpr_math_grade5", "oge_rus_grade5")
    records = every_year(*(school(s, dict(zip(codes, v, strict=True))) for s, v in rows.items()))
    schools = by_id(identify(records))
    # n = 5, k = 2: sorted S, P = Q, T, R -> low S, P, Q; high T, R
    assert schools["P"].edu_index[2024] == schools["Q"].edu_index[2024] == 0.2
    assert {s for s, v in schools.items() if v.edu_band[2024] is EduBand.LOW} == {"S", "P", "Q"}
    assert {s for s, v in schools.items() if v.category is Category.LOW_RESULTS} == {"S", "P", "Q"}
    assert {s for s, v in schools.items() if v.edu_band[2024] is EduBand.HIGH} == {"T", "R"}


def test_meeting_cuts_give_the_band_that_calls_for_support():
    values = {
        "lone": {"oge_rus_grade5": 30, "deviant": 5},  # the only basic school: both cuts
        # secondary: n = 5, k = 2, educational indices 0, 0, 0, 0, 1 (2nd lowest = 2nd highest)
        **{s: {"oge_rus_grade5": 10, "deviant": 1} for s in ("a", "b", "c", "d")},
        "e": {"oge_rus_grade5": 60, "deviant": 9},
    }
    records = every_year(
        *(school(s, v, group="basic" if s == "lone" else "secondary") for s, v in values.items())
    )
    schools = by_id(identify(records))
    # a lone school is ranked with itself (max == min leaves no min-max value: not ranked)
    assert schools["lone"].edu_band[2024] is None
    # the four tied lowest are in both cuts -> low; e is only in the top cut
    assert {s: schools[s].edu_band[2024] for s in "abcde"} == {
        **dict.fromkeys("abcd", EduBand.LOW),
        "e": EduBand.HIGH,
    }
    assert {schools[s].category for s in "abcd"} == {Category.LOW_RESULTS}
    # social indices 0, 0, 0, 0, 1: every school is in the top cut, the four also in the bottom
    assert {schools[s].social_band[2024] for s in "abcde"} == {SocialBand.UNFAVOURABLE}
    assert identification.MEETING_CUTS_EDU_BAND is EduBand.LOW
    assert identification.MEETING_CUTS_SOCIAL_BAND is SocialBand.UNFAVOURABLE


def test_a_lone_school_in_its_group_is_in_both_cuts():
    records = every_year(
        school("lone", {"oge_rus_mean": 4.0, "deviant": 5}, group="basic"),
        school("s1", {"oge_rus_mean": 4.2, "deviant": 1}),
        school("s2", {"oge_rus_mean": 4.4, "deviant": 2}),
    )
    schools = by_id(identify(records))
    # the gap flag (1) ranks it; k = 1 of n = 1: the lowest and the highest band
    assert schools["lone"].edu_index[2024] == 1.0
    assert schools["lone"].edu_band[2024] is EduBand.LOW
    assert schools["lone"].category is Category.LOW_RESULTS


def test_groups_are_ranked_separately():
    records = every_year(
        *(school(f"s{v}", {"oge_rus_grade5": v}) for v in (10, 20, 30, 40)),
        *(school(f"b{v}", {"oge_rus_grade5": v}, group="basic") for v in (1, 2, 3, 4)),
    )
    schools = by_id(identify(records))
    # each group: n = 4, k = 1; min-max within the group gives 0, 1/3, 2/3, 1 in both
    assert schools["b4"].edu_band[2024] is EduBand.HIGH
    assert schools["s10"].edu_band[2024] is EduBand.LOW
    assert schools["b4"].edu_index[2024] == schools["s40"].edu_index[2024] == 1.0
    assert schools["b2"].edu_index[2024] == schools["s20"].edu_index[2024] == 0.333333333


def test_each_year_uses_its_own_group_and_the_latest_group_is_reported():
    records = every_year(
        *(school(f"s{v}", {"oge_rus_grade5": v}) for v in (10, 20, 30, 40)),
        *(school(f"b{v}", {"oge_rus_grade5": v}, group="basic") for v in (1, 2, 3, 4)),
    )
    # "moved" is the best secondary school in 2022 and the worst basic school afterwards
    records += [
        school("moved", {"oge_rus_grade5": 50}, year=2022),
        school("moved", {"oge_rus_grade5": 0}, year=2023, group="basic"),
        school("moved", {"oge_rus_grade5": 0}, year=2024, group="basic"),
    ]
    moved = by_id(identify(records))["moved"]
    assert moved.group == "basic"
    assert moved.edu_band == {2022: EduBand.HIGH, 2023: EduBand.LOW, 2024: EduBand.LOW}
    assert moved.category is Category.RISK


def test_excluded_school_takes_no_part_in_ranking_or_normalisation():
    records = every_year(
        school("a", {"oge_rus_grade5": 10}),
        school("b", {"oge_rus_grade5": 20}),
        school("c", {"oge_rus_grade5": 30}),
        school("d", {"oge_rus_grade5": 100}, excluded="только адаптированные программы"),
    )
    records.append(school("e", {"oge_rus_grade5": 5}, year=2022, excluded="начальная школа"))
    records += [school("e", {"oge_rus_grade5": 25}, year=year) for year in (2023, 2024)]
    result = identify(records)
    schools = by_id(result)
    # 2022 without d and e: (x - 10) / 20 -> c = 1.0 (with d it would be 20 / 90)
    assert schools["c"].edu_index[2022] == 1.0
    d = schools["d"]
    assert d.excluded == "только адаптированные программы"
    assert d.edu_index == {2022: None, 2023: None, 2024: None}
    assert (d.category, d.social_category, d.resilient) == (None, None, False)
    assert "d" not in result.normalised[2024].rows
    # e was excluded only in 2022: it is reported as a regular school, unranked that year
    e = schools["e"]
    assert e.excluded is None
    assert e.edu_index == {2022: None, 2023: 0.75, 2024: 0.75}  # (25 - 10) / 20
    assert e.category is Category.MIDDLE


# --- categories -----------------------------------------------------------------------------


def category_records():
    """Five secondary schools: n = 5, k = 2; one educational and one social indicator."""
    edu = {  # oge_rus_grade5 in 2022, 2023, 2024
        "A": (10, 10, 10),
        "R": (50, 20, 20),
        "H": (90, 90, 90),
        "M": (40, 50, 60),
        "S": (80, 40, 70),
    }
    social = {  # free_meals in 2022, 2023, 2024
        "A": (80, 90, 80),
        "R": (10, 10, 50),
        "H": (20, 20, 10),
        "M": (50, 80, 20),
        "S": (90, 30, 90),
    }
    return [
        school(s, {"oge_rus_grade5": edu[s][i], "free_meals": social[s][i]}, year=year)
        for i, year in enumerate(YEARS)
        for s in edu
    ]


def test_educational_bands_and_categories():
    schools = by_id(identify(category_records()))
    # 2022 sorted A 10, M 40, R 50, S 80, H 90 -> low A, M; high S, H
    # 2023 sorted A 10, R 20, S 40, M 50, H 90 -> low A, R; high M, H
    # 2024 sorted A 10, R 20, M 60, S 70, H 90 -> low A, R; high S, H
    assert schools["A"].category is Category.LOW_RESULTS  # low in all three years
    assert schools["R"].category is Category.RISK  # low in 2023 and 2024 only
    assert schools["H"].category is Category.STABLE_HIGH
    assert schools["M"].category is Category.MIDDLE  # low, high, middle
    assert schools["S"].category is Category.MIDDLE  # high, middle, high
    # (x - 10) / 80 in 2022
    assert [schools[s].edu_index[2022] for s in "AMRSH"] == [0.0, 0.375, 0.5, 0.875, 1.0]
    assert schools["M"].edu_band == {
        2022: EduBand.LOW,
        2023: EduBand.HIGH,
        2024: EduBand.MIDDLE,
    }


def test_social_bands_categories_and_resilience():
    schools = by_id(identify(category_records()))
    # 2022 sorted R 10, H 20, M 50, A 80, S 90 -> favourable R, H; unfavourable A, S
    # 2023 sorted R 10, H 20, S 30, M 80, A 90 -> favourable R, H; unfavourable M, A
    # 2024 sorted H 10, M 20, R 50, A 80, S 90 -> favourable H, M; unfavourable A, S
    assert schools["A"].social_category is SocialBand.UNFAVOURABLE  # three years
    assert schools["S"].social_category is SocialBand.UNFAVOURABLE  # 2022 and 2024
    assert schools["R"].social_category is SocialBand.FAVOURABLE  # 2022 and 2023
    assert schools["H"].social_category is SocialBand.FAVOURABLE
    assert schools["M"].social_category is SocialBand.NEUTRAL  # neutral, unfav., favourable
    assert [schools[s].social_index[2022] for s in "RHMAS"] == [0.0, 0.125, 0.5, 0.875, 1.0]
    # S: unfavourable and high in 2022 and 2024; M: both only in 2023; A: unfavourable but low
    assert {s for s, v in schools.items() if v.resilient} == {"S"}


# --- years ----------------------------------------------------------------------------------


def test_default_years_are_the_three_latest_and_other_years_are_ignored():
    records = [
        school(s, {"oge_rus_grade5": v}, year=year)
        for year in (2021, *YEARS)
        for s, v in (("a", 10), ("b", 20))
    ]
    records.append(school("old", {"oge_rus_grade5": 5}, year=2021))
    result = identify(records)
    assert result.years == YEARS
    assert [s.school_id for s in result.schools] == ["a", "b"]
    assert identify(records, years=[2023, 2021, 2022]).years == (2021, 2022, 2023)


@pytest.mark.parametrize(
    ("years", "message"),
    [
        ([2023, 2024], "Нужно указать 3 разных года"),
        ([2022, 2022, 2024], "Нужно указать 3 разных года"),
        ([2020, 2023, 2024], "Нет данных за год: 2020"),
    ],
)
def test_wrong_years_are_rejected(years, message):
    records = every_year(school("a", {"deviant": 1}))
    with pytest.raises(ValueError, match=message):
        identify(records, years=years)


def test_default_years_must_follow_each_other():
    records = [school("a", {"oge_rus_grade5": 10}, year=y) for y in (2020, 2021, 2022, 2024)]
    with pytest.raises(ValueError, match="Нет данных за год: 2023"):
        identify(records)
    assert identify(records, years=(2021, 2022, 2024)).years == (2021, 2022, 2024)
    assert identify(records[:3]).years == (2020, 2021, 2022)


def test_fewer_than_three_years_of_data_are_rejected():
    records = [school("a", {"deviant": 1}, year=year) for year in (2023, 2024)]
    with pytest.raises(ValueError, match="Нужны данные за 3 года, в данных годы: 2023, 2024"):
        identify(records)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (school("a", {"deviant": 2}), "встречается дважды"),
        (school("b", {"deviant": 2}, group="primary"), "неизвестная группа «primary»"),
        (school("b", {"reading": 2}), "неизвестные показатели reading"),
    ],
)
def test_inconsistent_records_are_rejected(extra, message):
    with pytest.raises(ValueError, match=message):
        identify([*every_year(school("a", {"deviant": 1})), extra])


def test_region_means_only_for_mean_indicators():
    with pytest.raises(ValueError, match="ege_no_cert"):
        identify(every_year(school("a", {"deviant": 1})), region_means={(2024, "ege_no_cert"): 1})


# --- JSON contract --------------------------------------------------------------------------


def test_json_contract():
    records = every_year(
        school("b", {"oge_rus_grade5": 10, "free_meals": 30}),
        school("a", {"oge_rus_grade5": 20, "free_meals": 10}),
        school("c", {"oge_rus_grade5": 40, "free_meals": 20}),
        school("z", {"oge_rus_grade5": 40}, excluded="коррекционная колония"),
    )
    records[0] = replace(records[0], values={"free_meals": 30})  # b has no result in 2022
    document = json.loads(json.dumps(result_to_json(identify(records))))
    assert document["years"] == [2022, 2023, 2024]
    assert [s["school_id"] for s in document["schools"]] == ["a", "b", "c", "z"]
    a, b, _, z = document["schools"]
    assert list(a) == [
        "school_id",
        "group",
        "edu_index",
        "edu_band",
        "social_index",
        "social_band",
        "category",
        "social_category",
        "resilient",
        "excluded",
    ]
    # 2023: (20 - 10) / 30 = 0.33333... -> 0.3333 in JSON only; free_meals (30 - 10) / 20 = 1
    assert a["edu_index"] == {"2022": 0.0, "2023": 0.3333, "2024": 0.3333}
    assert a["edu_band"] == {"2022": "low", "2023": "middle", "2024": "middle"}
    assert b["edu_index"]["2022"] is None and b["edu_band"]["2022"] is None
    assert b["social_index"] == {"2022": 1.0, "2023": 1.0, "2024": 1.0}
    assert b["social_band"]["2024"] == "unfavourable"
    assert (b["category"], b["social_category"], b["resilient"]) == (
        "risk",
        "unfavourable",
        False,
    )
    assert z == {
        "school_id": "z",
        "group": "secondary",
        "edu_index": {"2022": None, "2023": None, "2024": None},
        "edu_band": {"2022": None, "2023": None, "2024": None},
        "social_index": {"2022": None, "2023": None, "2024": None},
        "social_band": {"2022": None, "2023": None, "2024": None},
        "category": None,
        "social_category": None,
        "resilient": False,
        "excluded": "коррекционная колония",
    }
    assert by_id(identify(records))["a"].edu_index[2023] == 0.333333333  # 9 places in the result


# --- cross-check with the pure-Python reference ---------------------------------------------


@pytest.fixture(scope="module")
def reference():
    """Load benchmarks/identification_reference.py (the repository root is not on sys.path)."""
    path = REPO_ROOT / "benchmarks" / "identification_reference.py"
    spec = importlib.util.spec_from_file_location("identification_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def random_records(seed, n_schools=300):
    """Random data with missing values, exclusions, group changes, gaps and constant columns."""
    rng = random.Random(seed)
    codes = [i.code for i in EDUCATIONAL_INDICATORS] + list(SOCIAL_CODES)
    records = []
    for year in (2021, *YEARS):
        for n in range(n_schools):
            if rng.random() < 0.03:
                continue  # the school has no row this year
            group = "secondary" if n % 3 else "basic"
            if n % 50 == 0 and year == 2024:
                group = "basic"
            values = {}
            for code in codes:
                if rng.random() < 0.1:
                    continue
                if code in GAP_CODES:
                    high = 5.0 if code.startswith(("oge", "vpr")) else 100.0
                    value = rng.choice([2.0, 3.0, 4.0, 5.0]) if high == 5 else rng.randint(0, 100)
                elif code == "guardianship" and group == "basic":
                    value = 1.5  # constant in the basic group
                else:
                    value = round(rng.uniform(0, 30), rng.choice([0, 1]))  # rounding makes ties
                values[code] = float(value) if rng.random() > 0.05 else None
            excluded = "адаптированные программы" if rng.random() < 0.02 else None
            records.append(
                SchoolYearRecord(year, f"{n:04d}", f"Школа {n}", "район", group, values, excluded)
            )
    return records


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_numpy_implementation_agrees_with_the_pure_python_reference(reference, seed):
    records = random_records(seed)
    region_means = {(2023, "oge_rus_mean"): 3.5, (2024, "ege_rus_mean"): 55.0}
    result = identify(records, region_means=region_means)
    expected = reference.identify_reference(records, region_means=region_means)
    assert reference.differences(result, expected) == []
    categories = {s.category for s in result.schools}
    assert {Category.LOW_RESULTS, Category.STABLE_HIGH, Category.MIDDLE, None} <= categories
