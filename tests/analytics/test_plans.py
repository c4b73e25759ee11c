"""Progress of improvement-plan goals towards their targets, on hand-computed cases."""

import ast
import math
import sys
from pathlib import Path

import pytest

from competence.analytics import plans
from competence.analytics.plans import (
    Direction,
    Progress,
    direction_between,
    indicator_direction,
    mean_progress,
    progress_to_target,
    target_improves,
)


def test_imports_only_the_standard_library_and_analytics():
    tree = ast.parse(Path(plans.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            assert name.split(".")[0] in sys.stdlib_module_names or name.startswith(
                "competence.analytics"
            ), name


@pytest.mark.parametrize(
    ("code", "direction"),
    [
        ("ege_no_cert", Direction.DECREASE),  # inverse
        ("oge_math_grade2", Direction.DECREASE),  # inverse
        ("vpr_rus_grade5", Direction.INCREASE),  # direct
        ("ege_math_80plus", Direction.INCREASE),  # direct
        ("oge_rus_mean", Direction.INCREASE),  # a mean grade: higher is better
        ("deviant", Direction.DECREASE),  # social: higher is worse
        ("free_meals", Direction.DECREASE),
    ],
)
def test_indicator_direction(code, direction):
    assert indicator_direction(code) is direction


def test_progress_towards_a_higher_target():
    # baseline 20, target 40: 25 is a quarter of the way, 30 half
    assert progress_to_target(20, 40, 25) == Progress(0.25, reached=False, regressed=False)
    assert progress_to_target(20, 40, 30, Direction.INCREASE).share == 0.5
    assert progress_to_target(20, 40, 40) == Progress(1.0, reached=True, regressed=False)
    assert progress_to_target(20, 40, 55) == Progress(1.0, reached=True, regressed=False)  # capped
    assert progress_to_target(20, 40, 20) == Progress(0.0, reached=False, regressed=False)
    assert progress_to_target(20, 40, 15) == Progress(0.0, reached=False, regressed=True)  # floor


def test_progress_of_an_inverse_indicator_towards_a_lower_target():
    # share of grade "2": baseline 12 %, target 4 %; 10 % is (10 - 12) / (4 - 12) = 0.25
    assert progress_to_target(12, 4, 10, Direction.DECREASE) == Progress(0.25, False, False)
    assert progress_to_target(12, 4, 6).share == 0.75
    assert progress_to_target(12, 4, 3) == Progress(1.0, reached=True, regressed=False)
    assert progress_to_target(12, 4, 15) == Progress(0.0, reached=False, regressed=True)


def test_keeping_a_level_needs_the_direction():
    assert progress_to_target(30, 30, 31, Direction.INCREASE) == Progress(1.0, True, False)
    assert progress_to_target(30, 30, 30, Direction.INCREASE) == Progress(1.0, True, False)
    assert progress_to_target(30, 30, 29, Direction.INCREASE) == Progress(0.0, False, True)
    assert progress_to_target(5, 5, 6, Direction.DECREASE) == Progress(0.0, False, True)
    with pytest.raises(ValueError, match="направления"):
        progress_to_target(30, 30, 31)


def test_a_target_worse_than_the_baseline_is_refused():
    with pytest.raises(ValueError, match="хуже исходного"):
        progress_to_target(12, 20, 15, Direction.DECREASE)
    with pytest.raises(ValueError, match="конечными"):
        progress_to_target(12, math.nan, 15)


def test_direction_helpers():
    assert direction_between(10, 20) is Direction.INCREASE
    assert direction_between(20, 10) is Direction.DECREASE
    assert direction_between(10, 10) is None
    assert target_improves(10, 10, Direction.DECREASE)
    assert target_improves(10, 5, Direction.DECREASE)
    assert not target_improves(10, 5, Direction.INCREASE)


def test_mean_progress_over_goals():
    assert mean_progress([]) is None
    progresses = [
        progress_to_target(0, 10, 5),
        progress_to_target(12, 4, 3),
        progress_to_target(1, 2, 0),
    ]
    assert mean_progress(progresses) == pytest.approx((0.5 + 1.0 + 0.0) / 3)
