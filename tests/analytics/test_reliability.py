"""The standard error of a competence score and the reliable change, by hand-computed values."""

import math

import pytest

from competence.analytics.reliability import (
    CALIBRATED,
    DECLINE,
    ESTIMATED,
    GROWTH,
    MAX_SEM,
    MIN_CALIBRATION_ATTEMPTS,
    WITHIN_ERROR,
    band,
    binomial_sem,
    classify_change,
    reliable_change,
    scale_precision,
)


@pytest.mark.parametrize(
    ("n_items", "sem"),
    [
        (5, 25.0),  # 100 * sqrt(0.25 / 4) = 100 * 0.25
        (10, 100 / 6),  # 100 * sqrt(0.25 / 9) = 100 * 0.5 / 3
        (26, 10.0),  # 100 * sqrt(0.25 / 25) = 100 * 0.1
        (2, 50.0),  # 100 * sqrt(0.25 / 1): the cap itself
        (1, MAX_SEM),  # undefined for one item: the largest error a 0..100 score can have
        (0, MAX_SEM),
    ],
)
def test_binomial_sem_by_hand(n_items, sem):
    assert binomial_sem(n_items) == pytest.approx(sem)


def test_binomial_sem_shrinks_with_more_items():
    sems = [binomial_sem(k) for k in range(2, 60)]
    assert sems == sorted(sems, reverse=True)


def test_calibrated_sem_is_used_only_with_enough_attempts():
    enough = scale_precision(10, 4.2, MIN_CALIBRATION_ATTEMPTS)
    assert (enough.sem, enough.source, enough.n_items, enough.n_attempts) == (
        4.2,
        CALIBRATED,
        10,
        MIN_CALIBRATION_ATTEMPTS,
    )
    too_few = scale_precision(10, 4.2, MIN_CALIBRATION_ATTEMPTS - 1)
    assert too_few.source == ESTIMATED and too_few.sem == pytest.approx(100 / 6)
    assert too_few.n_attempts is None
    assert scale_precision(10, None, 500).source == ESTIMATED  # alpha was not computable
    assert scale_precision(10, math.nan, 500).source == ESTIMATED
    assert scale_precision(10).source == ESTIMATED


def test_reliable_change_by_hand():
    # 1.96 * sqrt(2) * SEM with equal errors.
    assert reliable_change(10, 10) == pytest.approx(1.96 * math.sqrt(2) * 10)
    assert reliable_change(10, 10) == pytest.approx(27.7186, abs=1e-4)
    # Two versions with different errors: 1.96 * sqrt(3² + 4²) = 1.96 * 5.
    assert reliable_change(3, 4) == pytest.approx(9.8)
    assert reliable_change(4, 3) == reliable_change(3, 4)


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        (10, GROWTH),
        (-10, DECLINE),
        (9, WITHIN_ERROR),
        (-9, WITHIN_ERROR),
        (0, WITHIN_ERROR),
        (9.8, WITHIN_ERROR),  # must exceed the threshold, not reach it
        (-9.8, WITHIN_ERROR),
    ],
)
def test_a_change_is_growth_or_decline_only_beyond_the_threshold(change, kind):
    assert classify_change(change, 9.8) == kind


def test_the_band_is_clipped_to_the_scale():
    assert band(72, 9) == (63, 81)
    assert band(95, 9) == (86, 100)
    assert band(4, 9) == (0, 13)
