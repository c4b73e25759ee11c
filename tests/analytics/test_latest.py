import numpy as np

from competence.analytics.latest import deficit_counts, newest_rows


def test_newest_rows_keep_each_owners_last_attempt():
    # Teacher 1 sat attempts 10 then 12; teacher 2 only 11. Two competence rows each.
    owner = [1, 1, 2, 2, 1, 1]
    attempt = [10, 10, 11, 11, 12, 12]
    assert newest_rows(owner, attempt).tolist() == [False, False, True, True, True, True]
    assert newest_rows([], []).tolist() == []


def test_newest_rows_per_year_keep_one_attempt_a_year():
    owner = np.array([1, 1, 1, 2])
    year = np.array([2025, 2025, 2026, 2026])
    attempt = np.array([1, 2, 3, 4])
    assert newest_rows(owner * 10_000 + year, attempt).tolist() == [False, True, True, True]


def test_deficit_counts():
    n, with_deficit = deficit_counts([0, 0, 1, 1, 1], [0, 1, 0, 0, 1], [1, 0, 1, 0, 0], (2, 2))
    assert n.tolist() == [[1, 1], [2, 1]]
    assert with_deficit.tolist() == [[1, 0], [1, 0]]
