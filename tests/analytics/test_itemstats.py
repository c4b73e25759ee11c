"""Classical item analysis: hand-computed values on small matrices and known properties."""

import ast
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from competence.analytics import itemstats, rasch
from competence.analytics.itemstats import (
    analyse_distractors,
    analyse_items,
    form_reliability,
    pairwise_covariance,
)

nan = math.nan

# Persons with totals 3, 2, 1, 0 on items of facility 0.75, 0.5, 0.25 (a Guttman pattern).
GUTTMAN = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=float)


def test_statistics_modules_import_only_numpy_and_the_standard_library():
    for module in (itemstats, rasch):
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
                assert top in sys.stdlib_module_names or top == "numpy", (module, name)


def test_hand_computed_guttman_matrix():
    result = analyse_items(GUTTMAN)
    # Covariances (ddof 1): variances 1/4, 1/3, 1/4; covariances 1/6, 1/12, 1/6.
    # trace 5/6, sum 5/3: alpha = 3/2 * (1 - 1/2) = 0.75; SD of the totals 3, 2, 1, 0 = sqrt(5/3).
    assert result.n_persons == 4
    assert result.alpha == pytest.approx(0.75)
    assert result.sd_total == pytest.approx(math.sqrt(5 / 3))
    assert result.sem == pytest.approx(math.sqrt(5 / 3) * 0.5)
    assert [item.facility for item in result.items] == [0.75, 0.5, 0.25]
    # Item 1 against the rest 2, 1, 0, 0: r = 0.75 / sqrt(0.75 * 2.75) = sqrt(3/11).
    discrimination = [item.discrimination for item in result.items]
    assert discrimination == pytest.approx([math.sqrt(3 / 11), math.sqrt(0.5), math.sqrt(3 / 11)])
    # round(0.27 * 4) = 1 person per group: the best got everything, the worst nothing.
    assert [item.upper_lower for item in result.items] == [1.0, 1.0, 1.0]
    # Without item 1: variances 1/3, 1/4 and covariance 1/6, alpha = 2 * (1 - 7/11) = 8/11.
    if_deleted = [item.alpha_if_deleted for item in result.items]
    assert if_deleted == pytest.approx([8 / 11, 0.5, 8 / 11])
    assert [item.n for item in result.items] == [4, 4, 4]


def test_covariance_matches_numpy_on_complete_data():
    rng = np.random.default_rng(3)
    scores = rng.random((50, 6))
    assert pairwise_covariance(scores) == pytest.approx(np.cov(scores, rowvar=False))


def test_missing_scores_are_left_out_pairwise():
    scores = np.array(
        [[1, 0.5, 1], [0, nan, 0], [1, 1, nan], [0.5, 0, 0], [nan, 1, 1], [0, 0, 0.5]]
    )
    covariance = pairwise_covariance(scores)
    both = ~np.isnan(scores[:, 0]) & ~np.isnan(scores[:, 1])
    assert covariance[0, 1] == pytest.approx(np.cov(scores[both, 0], scores[both, 1])[0, 1])
    result = analyse_items(scores)
    assert result.n_missing == 3
    assert [item.n for item in result.items] == [5, 5, 5]
    assert result.items[1].facility == pytest.approx(2.5 / 5)
    k = 3
    expected = k / (k - 1) * (1 - np.trace(covariance) / covariance.sum())
    assert result.alpha == pytest.approx(expected)


def test_alpha_of_identical_items_is_one():
    column = np.array([0, 0.25, 1, 0.5, 1, 0])
    result = analyse_items(np.column_stack([column] * 4))
    assert result.alpha == pytest.approx(1.0)
    assert result.sem == pytest.approx(0.0, abs=1e-7)
    assert all(item.discrimination == pytest.approx(1.0) for item in result.items)


def test_a_reversed_item_gets_negative_discrimination_and_its_flag():
    rng = np.random.default_rng(5)
    ability = rng.normal(size=300)
    scores = (rng.random((300, 5)) < 1 / (1 + np.exp(-ability[:, None]))).astype(float)
    scores[:, 4] = 1 - scores[:, 0]
    result = analyse_items(scores)
    assert result.items[4].discrimination < 0
    assert result.items[4].upper_lower < 0
    assert "negative_discrimination" in result.items[4].flags
    assert "weak_discrimination" not in result.items[4].flags
    # Deleting the reversed item raises alpha.
    assert result.items[4].alpha_if_deleted > result.alpha


@pytest.mark.parametrize(
    ("facility", "discrimination", "flags"),
    [
        (0.95, 0.5, ("too_easy",)),
        (0.9, 0.2, ()),
        (0.1, 0.1, ("too_hard", "weak_discrimination")),
        (0.2, -0.01, ("negative_discrimination",)),
        (nan, nan, ()),
    ],
)
def test_flags(facility, discrimination, flags):
    assert itemstats.item_flags(facility, discrimination) == flags


def test_an_item_nobody_answered_has_no_statistics():
    scores = np.array([[1, 0, nan], [0, 1, nan], [1, 1, nan]])
    item = analyse_items(scores).items[2]
    assert item.n == 0
    assert math.isnan(item.facility) and math.isnan(item.discrimination)
    assert item.flags == ()


def test_scores_outside_zero_to_one_are_refused():
    with pytest.raises(ValueError):
        analyse_items(np.array([[0.5, 1.5], [0, 1]]))


def test_form_reliability_of_the_whole_bank_is_the_bank_alpha():
    result = analyse_items(GUTTMAN)
    alpha, sd = form_reliability(result.covariance, 3)
    assert alpha == pytest.approx(result.alpha)
    assert sd == pytest.approx(result.sd_total)
    shorter, _ = form_reliability(result.covariance, 2)
    assert shorter < alpha


def test_distractor_analysis_by_hand():
    # Totals 10..1: upper group (round(2.7) = 3) are the first three, lower the last three.
    choices = ["a", "a", "c", "a", "b", "b", None, "c", "b", "b"]
    totals = np.arange(10, 0, -1, dtype=float)
    result = analyse_distractors(choices, totals, ["a", "b", "c"], {"a"})
    shares = {o.option: (o.share, o.share_upper, o.share_lower, o.flagged) for o in result.options}
    assert shares["a"] == pytest.approx((0.3, 2 / 3, 0, False))
    assert shares["b"] == pytest.approx((0.4, 0, 2 / 3, False))
    # "c" is wrong and chosen by one of the upper three and one of the lower three: not more.
    assert shares["c"] == pytest.approx((0.2, 1 / 3, 1 / 3, False))
    assert result.omitted == pytest.approx(0.1)
    assert result.flags == ()

    choices[0] = "c"
    result = analyse_distractors(choices, totals, ["a", "b", "c"], {"a"})
    assert [o.option for o in result.options if o.flagged] == ["c"]
    assert result.flags == ("distractor_upper",)


def test_distractor_analysis_of_multiple_choice():
    choices = [["a", "b"], ["a"], ["b", "c"], []]
    result = analyse_distractors(choices, np.array([4.0, 3, 2, 1]), ["a", "b", "c"], {"a", "b"})
    assert [o.share for o in result.options] == [0.5, 0.5, 0.25]
    assert result.omitted == 0.25


def test_items_never_answered_together_get_the_mean_covariance():
    rng = np.random.default_rng(11)
    ability = rng.normal(size=400)
    scores = (rng.random((400, 4)) < 1 / (1 + np.exp(-ability[:, None]))).astype(float)
    # Items 0 and 3 never share a sitting: half the persons saw 0, the other half 3.
    scores[:200, 3] = nan
    scores[200:, 0] = nan
    covariance = pairwise_covariance(scores)
    assert math.isnan(covariance[0, 3])
    result = analyse_items(scores)
    known = [
        covariance[i, j]
        for i in range(4)
        for j in range(4)
        if i != j and (i, j) not in {(0, 3), (3, 0)}
    ]
    filled = covariance.copy()
    filled[0, 3] = filled[3, 0] = np.mean(known)
    assert result.alpha == pytest.approx(4 / 3 * (1 - np.trace(filled) / filled.sum()))
    assert math.isfinite(result.sem)
    assert all(math.isfinite(item.alpha_if_deleted) for item in result.items)
    alpha, sd = form_reliability(covariance, 3)
    assert math.isfinite(alpha) and math.isfinite(sd)


def test_an_item_answered_once_is_left_out_of_alpha():
    scores = np.column_stack([GUTTMAN, [1, nan, nan, nan]])
    result = analyse_items(scores)
    assert result.alpha == pytest.approx(0.75)
    assert result.sem == pytest.approx(math.sqrt(5 / 3) * 0.5)
    assert [item.alpha_if_deleted for item in result.items][:3] == pytest.approx(
        [8 / 11, 0.5, 8 / 11]
    )
    assert math.isnan(result.items[3].alpha_if_deleted)
