"""The display rule: scores rounded once, differences between the numbers as shown."""

import pytest

from competence.analytics.figures import shown_depth, shown_difference, shown_score


@pytest.mark.parametrize(
    ("score", "threshold", "shown", "depth"),
    [
        (45.6, 65, 46, 19),
        (64.6, 65, 64, 1),
        (64.4, 65, 64, 1),
        (65.0, 65, 65, 0),
        (65.4, 65, 65, 0),
        (0.0, 65, 0, 65),
        (99.5, 65, 100, 0),
        (12.5, 65, 13, 52),
        (64.9999999999, 65, 65, 0),  # at the threshold within the scoring slack: no deficit
    ],
)
def test_shown_scores_and_depths_add_up(score, threshold, shown, depth):
    assert shown_score(score, threshold) == shown
    assert shown_depth(score, threshold) == depth
    if depth:
        assert shown + depth == shown_score(threshold)


@pytest.mark.parametrize(
    ("before", "after", "change"),
    [
        (84.6, 92.4, 7),  # 85 -> 92; the unrounded difference 7.8 would read +8
        (80.6, 69.4, -12),  # 81 -> 69; the unrounded -11.2 would read -11
        (84.5, 85.4, 0),  # half up: 85 -> 85
        (50.0, 50.0, 0),
    ],
)
def test_a_difference_is_between_the_scores_as_shown(before, after, change):
    assert shown_difference(after, before) == change
    assert shown_score(after) - shown_score(before) == change


def test_a_difference_respects_each_scores_threshold():
    # 64.6 against 65 shows 64 (a deficit), 70.4 against 60 shows 70: +6, not +5.8 -> +6 by luck
    assert shown_difference(70.4, 64.6, 60, 65) == 6
    assert shown_difference(70.0, None) is None


def test_no_score_reads_as_reaching_its_threshold_when_below_it():
    assert shown_score(69.5, 70) == 69
    assert shown_score(69.5) == 70
