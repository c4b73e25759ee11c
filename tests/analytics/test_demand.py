"""Course groups from training demand: the group arithmetic, the order, the group-size input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from competence.analytics.demand import (
    GROUP_SIZE_MAX,
    GROUP_SIZE_MIN,
    GroupSizeError,
    course_groups,
    parse_group_size,
    plan_demand,
)
from competence.analytics.suppression import suppress_counts


@pytest.mark.parametrize(
    ("teachers", "groups"),
    [(0, 0), (1, 1), (24, 1), (25, 1), (26, 2), (50, 2), (51, 3), (250, 10)],
)
def test_groups_of_twenty_five(teachers, groups):
    assert course_groups(teachers, 25) == groups


def test_groups_of_arrays_and_of_one():
    assert course_groups(np.array([0, 3, 25, 26]), 25).tolist() == [0, 1, 1, 2]
    assert course_groups([7, 0], 1).tolist() == [7, 0]


@given(st.integers(0, 100_000), st.integers(GROUP_SIZE_MIN, GROUP_SIZE_MAX))
def test_groups_hold_everybody_and_none_is_empty(teachers, size):
    groups = course_groups(teachers, size)
    assert groups * size >= teachers
    assert (groups - 1) * size < teachers or groups == 0


@pytest.mark.parametrize("size", [0, -1, 2.5, True, "25"])
def test_a_bad_group_size_is_refused(size):
    with pytest.raises(ValueError):
        course_groups(10, size)


def test_negative_teachers_are_refused():
    with pytest.raises(ValueError):
        course_groups([3, -1], 25)


@pytest.mark.parametrize(
    ("text", "size"),
    [(None, 25), ("", 25), ("  ", 25), ("1", 1), ("200", 200), (" 30 ", 30), ("007", 7)],
)
def test_group_sizes_read_from_a_query_string(text, size):
    assert parse_group_size(text, 25) == size


@pytest.mark.parametrize("text", ["0", "201", "abc", "2.5", "-3", "+25", "1e2", "٢٥", "2_5"])
def test_group_sizes_that_are_refused(text):
    with pytest.raises(GroupSizeError):
        parse_group_size(text, 25)


def test_rows_ordered_by_total_ties_kept_in_the_given_order():
    plan = plan_demand(
        total=[2, 11, 4, 2],
        mandatory=[1, 4, 3, 0],
        module_hours=[16, 36, 4, 72],
        hidden=[False] * 4,
        group_size=2,
    )
    assert plan.order.tolist() == [1, 2, 0, 3]
    assert plan.total.tolist() == [11, 4, 2, 2]
    assert plan.mandatory.tolist() == [4, 3, 1, 0]
    assert plan.optional.tolist() == [7, 1, 1, 2]
    assert plan.groups.tolist() == [6, 2, 1, 1]
    assert plan.mandatory_groups.tolist() == [2, 2, 1, 0]
    assert plan.hours.tolist() == [396, 16, 32, 144]
    assert plan.totals == {
        "mandatory": 8,
        "optional": 11,
        "total": 19,
        "groups": 10,
        "mandatory_groups": 5,
        "hours": 588,
    }


def test_hidden_rows_go_last_in_the_given_order_whatever_their_totals():
    def order(total):
        return plan_demand(total, [0] * 4, [1] * 4, [True, False, True, True], 25).order.tolist()

    assert order([1, 5, 9, 3]) == order([9, 5, 1, 3]) == [1, 0, 2, 3]
    plan = plan_demand([1, 5, 9, 3], [0] * 4, [1] * 4, [True, False, True, True], 25)
    assert plan.hidden.tolist() == [False, True, True, True]
    assert plan.totals is None


def test_an_empty_table():
    plan = plan_demand([], [], [], [], 25)
    assert plan.order.tolist() == [] and plan.groups.tolist() == []
    assert plan.totals == dict.fromkeys(
        ("mandatory", "optional", "total", "groups", "mandatory_groups", "hours"), 0
    )


def test_inconsistent_counts_are_refused():
    with pytest.raises(ValueError):
        plan_demand([3], [4], [36], [False], 25)
    with pytest.raises(ValueError):
        plan_demand([3, 1], [1], [36], [False], 25)


@pytest.mark.parametrize("seed", range(25))
def test_every_module_of_a_unit_is_hidden_like_its_holders(seed):
    """The premise of the demand page: with every module's n the unit's holders, the rule hides
    each module's cells exactly where it hides the holders' own, so it runs once, on those."""
    rng = np.random.default_rng(seed)
    schools = int(rng.integers(1, 25))
    municipality = rng.integers(0, 5, schools).astype(str)
    school = np.arange(schools).astype(str)
    holders = rng.choice([1, 2, 3, 4, 5, 6, 9, 15, 40], schools)
    modules = ["holders"] + [f"module-{i}" for i in range(int(rng.integers(1, 6)))]
    width = len(modules)
    needing = rng.integers(0, holders[:, None] + 1, (schools, width))
    needing[:, 0] = 0
    cells = suppress_counts(
        np.repeat(municipality, width),
        np.repeat(school, width),
        np.tile(np.array(modules), schools),
        np.repeat(holders, width),
        needing.ravel(),
        5,
    )
    for level in cells.levels:
        assert (level.suppressed == level.suppressed[:, [0]]).all()
