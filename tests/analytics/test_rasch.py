"""Rasch calibration (JMLE with the (k-1)/k correction): known cases and recovery."""

import math

import numpy as np
import pytest

from competence.analytics.rasch import (
    ALL_CORRECT,
    ALL_WRONG,
    ESTIMATED,
    NOT_ESTIMATED,
    calibrate,
    is_dichotomous,
)


def simulate(difficulties, n_persons, seed):
    """Return 0/1 scores simulated from the Rasch model with normal abilities."""
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=n_persons)
    chance = 1 / (1 + np.exp(np.asarray(difficulties)[None, :] - ability[:, None]))
    return (rng.random(chance.shape) < chance).astype(float)


def test_two_items_give_the_conditional_estimate():
    # With two items only persons with one right answer count; JMLE doubles the log-odds of
    # "first right, second wrong" against the reverse, and the (k-1)/k correction halves it.
    rows = [[1, 0]] * 30 + [[0, 1]] * 10 + [[1, 1]] * 5 + [[0, 0]] * 5
    result = calibrate(np.array(rows, dtype=float))
    half = math.log(30 / 10) / 2
    assert result.difficulty == pytest.approx([-half, half], abs=1e-4)
    assert result.person_status.count(ALL_CORRECT) == 5
    assert result.person_status.count(ALL_WRONG) == 5
    assert result.converged


def test_difficulties_are_ordered_like_facilities_and_centred():
    scores = simulate(np.linspace(-1.5, 1.5, 8), 500, seed=2)
    result = calibrate(scores)
    facility = scores.mean(axis=0)
    assert np.argsort(result.difficulty).tolist() == np.argsort(-facility).tolist()
    assert result.difficulty.mean() == pytest.approx(0, abs=1e-9)


def test_estimates_recover_known_difficulties_within_their_errors():
    truth = np.linspace(-2, 2, 20)
    result = calibrate(simulate(truth, 3000, seed=7))
    z = (result.difficulty - (truth - truth.mean())) / result.difficulty_se
    assert np.all(np.abs(z) < 3)
    assert np.mean(np.abs(z) < 2) >= 0.85
    assert np.all(np.abs(result.infit - 1) < 0.15)
    assert np.all(np.abs(result.outfit - 1) < 0.25)
    estimated = np.array(result.person_status) == ESTIMATED
    assert np.all(result.measure_se[estimated] > 0)


def test_extreme_items_and_persons_are_excluded_and_reported():
    scores = simulate(np.linspace(-1, 1, 5), 200, seed=4)
    scores = np.column_stack([scores, np.ones(200), np.zeros(200)])
    scores[0, :5] = 1.0
    result = calibrate(scores)
    assert result.item_status[5:] == (ALL_CORRECT, ALL_WRONG)
    assert np.isnan(result.difficulty[5:]).all()
    assert np.isfinite(result.difficulty[:5]).all()
    assert result.person_status[0] == ALL_CORRECT
    assert math.isnan(result.measure[0])


def test_missing_scores_are_left_out():
    truth = np.linspace(-1.5, 1.5, 10)
    scores = simulate(truth, 2000, seed=9)
    rng = np.random.default_rng(1)
    scores[rng.random(scores.shape) < 0.3] = np.nan
    result = calibrate(scores)
    z = (result.difficulty - truth) / result.difficulty_se
    assert np.all(np.abs(z) < 3)


def test_fewer_than_two_usable_items_estimate_nothing():
    scores = np.array([[1, 1], [0, 1], [1, 1]], dtype=float)
    result = calibrate(scores)
    assert result.item_status == (NOT_ESTIMATED, ALL_CORRECT)
    assert np.isnan(result.difficulty).all()


def test_dichotomous_items_and_refusal_of_partial_scores():
    scores = np.array([[1, 0.5, np.nan], [0, 1, np.nan]])
    assert is_dichotomous(scores).tolist() == [True, False, False]
    with pytest.raises(ValueError):
        calibrate(scores)
