"""The modified-Angoff cut on a hand-made panel, computed by hand."""

import math

import pytest

from competence.analytics.angoff import angoff_cut, rounded_cut

# Three panellists, four items; item 3 counts twice for the competence.
RATINGS = [
    [0.8, 0.6, 0.5, 0.9],
    [0.7, 0.6, 0.3, 0.8],
    [0.9, 0.6, 0.7, 0.7],
]
WEIGHTS = [1, 1, 2, 1]


def test_each_panellists_cut_is_the_weighted_sum_of_ratings_over_the_weights():
    result = angoff_cut(RATINGS, WEIGHTS)
    # (0.8 + 0.6 + 2·0.5 + 0.9) / 5 · 100 = 66; (0.7 + 0.6 + 0.6 + 0.8) / 5 = 54;
    # (0.9 + 0.6 + 1.4 + 0.7) / 5 = 72.
    assert result.panellist_cuts == pytest.approx((66, 54, 72))
    assert result.cut == pytest.approx(64)
    assert result.panel_size == 3


def test_the_spread_of_the_panel():
    result = angoff_cut(RATINGS, WEIGHTS)
    # Deviations 2, −10, 8: squares 4 + 100 + 64 = 168, / (3 − 1) = 84.
    assert result.sd == pytest.approx(math.sqrt(84))
    assert result.se == pytest.approx(math.sqrt(84) / math.sqrt(3))
    assert (result.minimum, result.maximum) == pytest.approx((54, 72))


def test_per_item_mean_and_spread_and_the_most_disputed_items():
    result = angoff_cut(RATINGS, WEIGHTS)
    third = result.items[2]
    assert third.mean == pytest.approx(0.5)
    assert third.sd == pytest.approx(0.2)
    assert (third.minimum, third.maximum) == pytest.approx((0.3, 0.7))
    assert result.items[1].sd == 0
    # Item 3 first (SD 0.2), then items 1 and 4 (SD 0.1, same range: by position).
    assert [item.index for item in result.disputed(3)] == [2, 0, 3]
    # An item everyone rated alike is not disputed.
    assert 1 not in [item.index for item in result.disputed(10)]


def test_equal_weights_give_the_plain_mean_and_a_lone_panellist_has_no_spread():
    result = angoff_cut([[0.5, 1.0]], [1, 1])
    assert result.cut == pytest.approx(75)
    assert result.sd == 0 and result.se == 0
    assert result.disputed() == ()


def test_agreeing_panellists_have_no_spread():
    result = angoff_cut([[0.6, 0.7]] * 4, [1, 3])
    assert result.cut == pytest.approx((0.6 + 2.1) / 4 * 100)
    assert result.sd == pytest.approx(0)


@pytest.mark.parametrize(
    ("ratings", "weights"),
    [
        ([[1.5, 0.5]], [1, 1]),
        ([[-0.1, 0.5]], [1, 1]),
        ([[float("nan"), 0.5]], [1, 1]),
        ([[0.5, 0.5]], [1]),
        ([[0.5, 0.5]], [1, 0]),
        ([], []),
    ],
)
def test_bad_input_is_refused(ratings, weights):
    with pytest.raises(ValueError):
        angoff_cut(ratings, weights)


@pytest.mark.parametrize(("cut", "adopted"), [(64.0, 64), (64.49, 64), (64.5, 65), (65.5, 66)])
def test_the_adopted_cut_is_whole_points_with_halves_up(cut, adopted):
    assert rounded_cut(cut) == adopted
