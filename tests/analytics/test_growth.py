"""Growth of many teachers at once: the same verdicts as the scalar functions, by hand and at
random, and a change within the error is never growth."""

import numpy as np
import pytest

from competence.analytics.figures import shown_change, shown_score
from competence.analytics.growth import (
    KINDS,
    classify_changes,
    reliable_changes,
    shown_scores,
    summarise_growth,
)
from competence.analytics.reliability import (
    DECLINE,
    GROWTH,
    WITHIN_ERROR,
    classify_change,
    reliable_change,
)


def test_shown_scores_round_half_up_and_never_reach_a_missed_threshold():
    scores = [64.5, 64.6, 65.0, 72.5, 0.4, 99.5]
    assert shown_scores(scores).tolist() == [65, 65, 65, 73, 0, 100]
    assert shown_scores(scores, [65.0] * 6).tolist() == [64, 64, 65, 73, 0, 100]
    # NaN: no threshold for that score.
    assert shown_scores([64.6], [np.nan]).tolist() == [65]


def test_a_change_within_the_error_is_not_growth():
    # SEM 5 on both sides: the reliable change is 1.96 * sqrt(50) = 13.86 points.
    assert reliable_changes(5.0, 5.0) == pytest.approx(13.859, abs=1e-3)
    kinds = classify_changes(
        after=[60.0, 74.0, 73.0, 46.0, 47.0],
        before=[50.0, 60.0, 60.0, 60.0, 60.0],
        sem_after=5.0,
        sem_before=5.0,
    )
    # +10 and +13 are noise; +14 is growth; -14 decline; -13 noise.
    assert [KINDS[k] for k in kinds] == [WITHIN_ERROR, GROWTH, WITHIN_ERROR, DECLINE, WITHIN_ERROR]


def test_the_shown_difference_is_judged_not_the_unrounded_one():
    # 59.6 -> 73.4 is 13.8 unrounded (within 13.86) but shows 60 -> 73 = +13: within.
    # 59.5 -> 73.5 shows 60 -> 74 = +14: growth, as the result page says beside "+14".
    kinds = classify_changes([73.4, 73.5], [59.6, 59.5], 5.0, 5.0)
    assert [KINDS[k] for k in kinds] == [WITHIN_ERROR, GROWTH]


def test_vectorised_verdicts_agree_with_the_scalar_functions():
    rng = np.random.default_rng(15)
    size = 5000
    before = rng.uniform(0, 100, size)
    after = np.clip(before + rng.normal(0, 15, size), 0, 100)
    # Whole and half scores too, where rounding and thresholds bite.
    before[:500] = rng.integers(0, 201, 500) / 2
    after[:500] = rng.integers(0, 201, 500) / 2
    sem_before = rng.uniform(1, 20, size)
    sem_after = rng.uniform(1, 20, size)
    threshold_before = rng.choice([50.0, 65.0, 70.0], size)
    threshold_after = rng.choice([50.0, 65.0, 70.0], size)

    kinds = classify_changes(
        after, before, sem_after, sem_before, threshold_after, threshold_before
    )
    limits = reliable_changes(sem_before, sem_after)
    shown_after = shown_scores(after, threshold_after)
    for i in range(size):
        expected = shown_change(
            after[i],
            before[i],
            sem_after[i],
            sem_before[i],
            threshold_after[i],
            threshold_before[i],
        )
        assert KINDS[kinds[i]] == expected.kind
        assert limits[i] == reliable_change(sem_before[i], sem_after[i])
        assert shown_after[i] == shown_score(after[i], threshold_after[i])
        assert KINDS[kinds[i]] == classify_change(expected.difference, limits[i])
    assert set(kinds.tolist()) == {0, 1, 2}


def test_summary_counts_per_group_with_weights():
    summary = summarise_growth(
        [0, 0, 0, 1, 1],
        3,
        before=[50.0, 60.0, 40.0, 70.0, 30.0],
        after=[80.0, 62.0, 20.0, 72.0, 70.0],
        sem_before=5.0,
        sem_after=5.0,
        threshold_before=65.0,
        threshold_after=65.0,
        deficit_before=[True, True, True, False, True],
        deficit_after=[False, True, True, False, False],
        weight=[2, 3, 1, 4, 1],
    )
    # Group 0: +30 growth (2 teachers), +2 within (3), -20 decline (1); closed: the 2 of 50 -> 80.
    # Group 1: +2 within (4), +40 growth (1), closed 1. Group 2: nobody.
    assert summary.n.tolist() == [6, 5, 0]
    assert summary.growth.tolist() == [2, 1, 0]
    assert summary.within_error.tolist() == [3, 4, 0]
    assert summary.decline.tolist() == [1, 0, 0]
    assert summary.had_deficit.tolist() == [6, 1, 0]
    assert summary.closed.tolist() == [2, 1, 0]


def test_summary_of_nobody():
    summary = summarise_growth(
        [],
        2,
        before=[],
        after=[],
        sem_before=[],
        sem_after=[],
        threshold_before=[],
        threshold_after=[],
        deficit_before=[],
        deficit_after=[],
    )
    assert summary.n.tolist() == [0, 0]
    assert summary.growth.tolist() == [0, 0]
