"""The Wilson lower bound against values worked out by hand."""

import pytest

from competence.analytics.intervals import Z_95, wilson_lower_bound

Z2 = Z_95 * Z_95  # 3.841459


@pytest.mark.parametrize(
    ("successes", "trials", "expected"),
    [
        # Every one of n: p = 1 and the root is z/2n, so the bound is n / (n + z²).
        (1, 1, 1 / (1 + Z2)),  # 0.2066
        (2, 2, 2 / (2 + Z2)),  # 0.3424
        (3, 3, 3 / (3 + Z2)),  # 0.4385
        # 5 of 7: p = 0.714286; z²/2n = 0.274390; p(1-p)/n = 0.029155; z²/4n² = 0.019599;
        # root = 0.220803; (0.988676 - 1.959964 * 0.220803) / 1.548780 = 0.358935.
        (5, 7, 0.358935),
        # 1 of 2: p = 0.5; z²/2n = 0.960365; root = sqrt(0.125 + 0.240091) = 0.604228;
        # (1.460365 - 1.184263) / 2.920729 = 0.094532.
        (1, 2, 0.094532),
        (0, 3, 0.0),
        (0, 0, 0.0),
    ],
)
def test_wilson_lower_bound_matches_hand_computation(successes, trials, expected):
    assert wilson_lower_bound(successes, trials) == pytest.approx(expected, abs=1e-5)


def test_a_larger_group_with_a_lower_share_ranks_above_tiny_unanimous_ones():
    assert wilson_lower_bound(5, 7) > wilson_lower_bound(2, 2) > wilson_lower_bound(1, 1)


@pytest.mark.parametrize(("successes", "trials"), [(3, 2), (-1, 2), (0, -1)])
def test_impossible_counts_are_refused(successes, trials):
    with pytest.raises(ValueError):
        wilson_lower_bound(successes, trials)
