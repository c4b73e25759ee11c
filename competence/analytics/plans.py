"""Progress of an improvement plan's goals (план-программа) towards their targets.

A goal has a baseline and a target value. At each monitoring point (входной, промежуточный,
итоговый) a value is recorded; progress is (value - baseline) / (target - baseline), capped to
0..1. The formula needs no sign convention: for an indicator where lower is better the target
lies below the baseline and both differences are negative. The direction of an indicator is
still needed to check that a target means improvement and to judge a goal that only keeps a
level (target equal to baseline).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from competence.analytics.indicators import INDICATORS_BY_CODE, SOCIAL_CODES, Effect

# Progress is shown as a share of the way to the target: beyond the target counts as reached,
# below the baseline as no progress (the goal is then flagged as regressed).
PROGRESS_FLOOR: Final = 0.0
PROGRESS_CAP: Final = 1.0


class Direction(StrEnum):
    """Which way a value must move to improve."""

    INCREASE = "increase"
    DECREASE = "decrease"


@dataclass(frozen=True)
class Progress:
    """Where a recorded value stands between a goal's baseline and target."""

    share: float  # PROGRESS_FLOOR..PROGRESS_CAP
    reached: bool  # at or beyond the target
    regressed: bool  # worse than the baseline


def indicator_direction(code: str) -> Direction:
    """Return which way an indicator of the identification improves."""
    indicator = INDICATORS_BY_CODE[code]
    # Social indicators are "worse when higher" although their effect on the index is direct.
    if code in SOCIAL_CODES or indicator.effect is Effect.INVERSE:
        return Direction.DECREASE
    return Direction.INCREASE  # direct educational shares and mean scores


def direction_between(baseline: float, target: float) -> Direction | None:
    """Return the direction a target sets from the baseline, None when they are equal."""
    if target == baseline:
        return None
    return Direction.INCREASE if target > baseline else Direction.DECREASE


def target_improves(baseline: float, target: float, direction: Direction) -> bool:
    """Tell whether the target is no worse than the baseline for this direction."""
    return target >= baseline if direction is Direction.INCREASE else target <= baseline


def progress_to_target(
    baseline: float, target: float, value: float, direction: Direction | None = None
) -> Progress:
    """Compute the progress of a recorded value; direction is required to keep a level."""
    for number in (baseline, target, value):
        if not math.isfinite(number):
            raise ValueError("значения цели должны быть конечными числами")
    if direction is None:
        direction = direction_between(baseline, target)
        if direction is None:
            raise ValueError("цель удержать уровень требует направления улучшения")
    elif not target_improves(baseline, target, direction):
        raise ValueError("целевое значение хуже исходного")
    better = (lambda a, b: a >= b) if direction is Direction.INCREASE else (lambda a, b: a <= b)
    reached = better(value, target)
    regressed = not better(value, baseline)
    if target == baseline:  # keeping a level: held or not
        return Progress(PROGRESS_CAP if reached else PROGRESS_FLOOR, reached, regressed)
    raw = (value - baseline) / (target - baseline)
    share = PROGRESS_CAP if reached else min(max(raw, PROGRESS_FLOOR), PROGRESS_CAP)
    return Progress(share, reached, regressed)


def mean_progress(progresses: Sequence[Progress]) -> float | None:
    """Return the plan's progress: the mean share over goals that have a recorded value."""
    if not progresses:
        return None
    return math.fsum(p.share for p in progresses) / len(progresses)
