"""The display rule: scores rounded once, differences between the numbers as shown."""

import pytest

from competence.analytics.figures import (
    ShownChange,
    shown_band,
    shown_change,
    shown_depth,
    shown_difference,
    shown_reliable_change,
    shown_score,
    shown_sem,
)
from competence.analytics.reliability import DECLINE, GROWTH, WITHIN_ERROR


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


@pytest.mark.parametrize(("sem", "shown"), [(8.5, 9), (8.49, 8), (12.0, 12), (0.2, 1)])
def test_a_standard_error_shows_whole_points_never_zero(sem, shown):
    assert shown_sem(sem) == shown


@pytest.mark.parametrize(
    ("score", "sem", "threshold", "limits"),
    [
        (72.4, 8.6, None, (63, 81)),  # 72 ± 9
        (96.0, 9.0, None, (87, 100)),  # clipped at the top
        (3.0, 9.0, None, (0, 12)),  # and at the bottom
        (64.6, 10.0, 65, (54, 74)),  # around the score as shown (64, a deficit), not 65
    ],
)
def test_the_band_is_the_shown_score_plus_minus_the_shown_sem(score, sem, threshold, limits):
    assert shown_band(score, sem, threshold) == limits
    low, high = limits
    shown, half = shown_score(score, threshold), shown_sem(sem)
    assert low == max(0, shown - half) and high == min(100, shown + half)


def test_the_reliable_change_shows_the_smallest_whole_change_beyond_it():
    assert shown_reliable_change(3, 4) == 10  # 1.96 * 5 = 9.8
    assert shown_reliable_change(5, 5) == 14  # 1.96 * sqrt(50) = 13.86
    assert shown_reliable_change(10, 10) == 28  # 27.72


@pytest.mark.parametrize(
    ("before", "after", "difference", "kind"),
    [
        (70.6, 81.4, 10, GROWTH),  # 71 -> 81
        (70.6, 80.4, 9, WITHIN_ERROR),  # 71 -> 80
        # Unrounded 9.85 exceeds 9.8, but the page says 71 -> 80, +9, "counts from 10":
        # the shown difference is judged, so the verdict agrees with the figures beside it.
        (70.6, 80.45, 9, WITHIN_ERROR),
        (81.4, 70.6, -10, DECLINE),
        (50.0, 50.0, 0, WITHIN_ERROR),
    ],
)
def test_a_change_is_judged_as_shown(before, after, difference, kind):
    change = shown_change(after, before, 3, 4)
    assert change == ShownChange(difference, 10, kind)
    assert change.difference == shown_difference(after, before)


def test_the_verdict_agrees_with_the_needed_points_for_every_whole_change():
    for sem_before, sem_after in [(3, 4), (5, 5), (10, 10), (16.67, 25.0), (7.0, 7.0)]:
        needed = shown_reliable_change(sem_before, sem_after)
        for after in range(101):
            change = shown_change(after, 50, sem_after, sem_before)
            expected = (
                GROWTH
                if change.difference >= needed
                else DECLINE
                if change.difference <= -needed
                else WITHIN_ERROR
            )
            assert change.kind == expected and change.needed == needed


def test_no_change_without_an_earlier_score():
    assert shown_change(70.0, None, 5, 5) is None
