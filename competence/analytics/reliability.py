"""How precise a competence score is, and when a change between two scores is more than noise.

A competence score is a percentage (0..100) of a handful of items, so it carries a standard error
of measurement (SEM) in score points. Two sources, best first:

- calibrated: the item analysis of the published version wrote `ScaleStatistics.sem`
  (SD · √(1 − α), Cronbach's alpha of the scale over its submitted attempts); it is used once it
  rests on at least MIN_CALIBRATION_ATTEMPTS attempts, as alpha from fewer is too unstable;
- estimated from the number of items: Lord's binomial error model. A teacher with true
  proportion p on k items scored 0/1 gets a number right with binomial error, estimated without
  bias as √(x(k − x)/(k − 1)) items; in per cent of k items at x = k/2 (p = 0.5, where it is
  largest) that is 100 · √(0.25 / (k − 1)). It needs nothing but k, so it holds before any
  attempts are analysed, and it is conservative: any item scored within 0..1 (partial credit,
  Likert) has a variance of at most 0.25, and a true score away from 50 has a smaller error.
  It is capped at MAX_SEM, the largest standard deviation a score bounded by 0..100 can have.

A change is reliable (Jacobson and Truax's reliable change index) when it exceeds
Z_95 · √(SEM₁² + SEM₂²): the 95 % bound of the difference of two independent errors. With the
same SEM on both sides that is the familiar 1.96 · √2 · SEM; attempts on two versions with
different SEMs combine theirs. Rounding for display lives in `analytics.figures`.
"""

import math
from dataclasses import dataclass

# Fewer attempts than this leave Cronbach's alpha (and so the SEM) too unstable to trust.
MIN_CALIBRATION_ATTEMPTS = 30
# Two-sided 95 % of the normal distribution.
Z_95 = 1.96
# The largest standard deviation of a score confined to 0..100 (half at 0, half at 100).
MAX_SEM = 50.0

CALIBRATED = "calibrated"
ESTIMATED = "estimated"

GROWTH = "growth"
DECLINE = "decline"
WITHIN_ERROR = "within_error"


@dataclass(frozen=True)
class Precision:
    """The SEM of one competence score in points, where it came from, and the items behind it."""

    sem: float
    source: str  # CALIBRATED or ESTIMATED
    n_items: int
    n_attempts: int | None = None  # of the calibration, when calibrated


def binomial_sem(n_items: int) -> float:
    """Return Lord's binomial SEM at p = 0.5 of a percentage of n_items items, in points."""
    if n_items < 2:
        return MAX_SEM  # one item (or none) says nothing finer than "all or nothing"
    return min(MAX_SEM, 100.0 * math.sqrt(0.25 / (n_items - 1)))


def scale_precision(
    n_items: int, calibrated_sem: float | None = None, n_attempts: int | None = None
) -> Precision:
    """Return the calibrated SEM when it rests on enough attempts, else the binomial estimate."""
    if (
        calibrated_sem is not None
        and math.isfinite(calibrated_sem)
        and calibrated_sem >= 0
        and n_attempts is not None
        and n_attempts >= MIN_CALIBRATION_ATTEMPTS
    ):
        return Precision(min(MAX_SEM, calibrated_sem), CALIBRATED, n_items, n_attempts)
    return Precision(binomial_sem(n_items), ESTIMATED, n_items)


def reliable_change(sem_before: float, sem_after: float) -> float:
    """Return the change in points that two scores must differ by to be beyond their errors."""
    return Z_95 * math.sqrt(sem_before**2 + sem_after**2)


def classify_change(change: float, threshold: float) -> str:
    """Call a change growth or decline only beyond the threshold, else within the error."""
    if change > threshold:
        return GROWTH
    if change < -threshold:
        return DECLINE
    return WITHIN_ERROR


def band(score: float, sem: float) -> tuple[float, float]:
    """Return score ± SEM, clipped to the 0..100 scale."""
    return max(0.0, score - sem), min(100.0, score + sem)
