"""Group means beside a teacher's scores: small groups and differences that single one out."""

import numpy as np

from competence.analytics.comparison import MIN_GROUP, group_means


def masks(total, *sizes):
    """Nested groups: the first `size` teachers of `total`, for each size."""
    return [(f"g{size}", np.arange(total) < size) for size in sizes]


def test_a_group_of_fewer_than_five_is_suppressed():
    scores = np.arange(12, dtype=float).reshape(12, 1) * 10
    school, municipality, region = group_means(scores, masks(12, 4, 6, 12))
    assert school.means == (None,)
    assert MIN_GROUP == 5
    assert municipality.means == (25.0,)  # mean of 0..50; the suppressed school says nothing
    assert region.means == (55.0,)  # six more than the municipality: no one singled out


def test_a_wider_group_that_adds_only_a_few_teachers_is_suppressed():
    scores = np.arange(6, dtype=float).reshape(6, 1)
    school, region = group_means(scores, masks(6, 5, 6))
    # Both shown, the sixth teacher's score would be 6 * region - 5 * school.
    assert school.means == (2.0,) and region.means == (None,)
    same = group_means(scores, masks(6, 6, 6))
    assert same[0].means == same[1].means == (2.5,)  # the same teachers: nothing new learnt


def test_teachers_without_a_score_in_a_competence_are_not_counted_in_it():
    scores = np.array([[50.0, np.nan]] * 4 + [[70.0, 80.0]] * 4)
    [region] = group_means(scores, [("region", np.ones(8, dtype=bool))])
    assert region.means == (60.0, None)
    assert region.counts == (8, 4)
