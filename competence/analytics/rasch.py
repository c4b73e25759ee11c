"""Rasch (one-parameter logistic) calibration of dichotomous items (docs/measurement.md).

Method: joint maximum likelihood (JMLE), P(x = 1) = 1 / (1 + exp(b_i - theta_n)). Person and
item parameters are updated by alternating Newton steps (each capped at 1 logit) until no
parameter moves by more than TOLERANCE; item difficulties are centred at 0 after every step.
JMLE overstates the spread of the difficulties, by about k/(k-1) for k items, so the centred
difficulties are multiplied by (k-1)/k (Wright's correction); person measures are then
re-estimated against the corrected difficulties held fixed. Standard errors are the model ones,
1/sqrt(information) at the final estimates. Infit is the information-weighted mean square of the
residuals, outfit their plain mean square; both are near 1 for data that fit the model.

A missing score (np.nan) is left out. An item everyone answered correctly (or no one did) has no
finite difficulty, and a person with every answered item right (or wrong) no finite measure: they
are excluded from estimation and reported with their status, repeatedly until none remains.
"""

from dataclasses import dataclass

import numpy as np

TOLERANCE = 1e-5
MAX_ITERATIONS = 200
MAX_STEP = 1.0

ESTIMATED = "estimated"
ALL_CORRECT = "all_correct"
ALL_WRONG = "all_wrong"
NO_ANSWERS = "no_answers"
NOT_ESTIMATED = "not_estimated"  # fewer than two items or no person left
METHOD = "JMLE with the (k-1)/k correction"


@dataclass(frozen=True)
class RaschResult:
    """Rasch estimates; nan for items and persons not estimated (see their status)."""

    difficulty: np.ndarray
    difficulty_se: np.ndarray
    infit: np.ndarray
    outfit: np.ndarray
    item_status: tuple[str, ...]
    measure: np.ndarray
    measure_se: np.ndarray
    person_infit: np.ndarray
    person_outfit: np.ndarray
    person_status: tuple[str, ...]
    iterations: int
    converged: bool


def is_dichotomous(scores: np.ndarray) -> np.ndarray:
    """Return, per item, whether every observed score is 0 or 1 (and at least one is)."""
    matrix = np.asarray(scores, dtype=float)
    observed = ~np.isnan(matrix)
    binary = (matrix == 0) | (matrix == 1) | ~observed
    return binary.all(axis=0) & observed.any(axis=0)


def _extreme(values: np.ndarray, answered: np.ndarray, axis: int) -> np.ndarray:
    """Return statuses along an axis: no answers, all correct, all wrong or estimated."""
    n = answered.sum(axis=axis)
    right = np.where(answered, values, 0.0).sum(axis=axis)
    return np.select(
        [n == 0, right == n, right == 0], [NO_ANSWERS, ALL_CORRECT, ALL_WRONG], ESTIMATED
    )


def _trim(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return statuses of items and persons after removing extreme ones until none remains."""
    answered = ~np.isnan(values)
    items = np.full(values.shape[1], ESTIMATED, dtype=object)
    persons = np.full(values.shape[0], ESTIMATED, dtype=object)
    first = True
    while True:
        keep_p, keep_i = persons == ESTIMATED, items == ESTIMATED
        mask = answered & keep_p[:, None] & keep_i[None, :]
        found = _extreme(values, mask, 0)
        if not first:
            # Extreme only among the persons left: not "everyone right" in the data.
            found = np.where(found == ESTIMATED, ESTIMATED, NOT_ESTIMATED)
        first = False
        new_items = np.where(keep_i, found, items)
        new_persons = np.where(keep_p, _extreme(values, mask, 1), persons)
        # A person is judged on the items still estimated; one with none left has no answers.
        if np.array_equal(new_items, items) and np.array_equal(new_persons, persons):
            return items, persons
        items, persons = new_items, new_persons


def _probabilities(theta: np.ndarray, b: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.where(mask, 1 / (1 + np.exp(b[None, :] - theta[:, None])), 0.0)


def _person_step(
    theta: np.ndarray, b: np.ndarray, x: np.ndarray, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    p = _probabilities(theta, b, mask)
    step = np.clip((x.sum(axis=1) - p.sum(axis=1)) / (p * (1 - p)).sum(axis=1), -MAX_STEP, MAX_STEP)
    return theta + step, step


def _fit(x: np.ndarray, p: np.ndarray, mask: np.ndarray, axis: int) -> tuple[np.ndarray, ...]:
    variance = np.where(mask, p * (1 - p), 0.0)
    squared = np.where(mask, (x - p) ** 2, 0.0)
    n = mask.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        outfit = np.where(mask, squared / np.where(mask, variance, 1.0), 0.0).sum(axis=axis) / n
        infit = squared.sum(axis=axis) / variance.sum(axis=axis)
        se = 1 / np.sqrt(variance.sum(axis=axis))
    return infit, outfit, se


def calibrate(scores: np.ndarray) -> RaschResult:
    """Estimate Rasch difficulties and person measures of a persons x items 0/1 matrix."""
    values = np.asarray(scores, dtype=float)
    if values.ndim != 2:
        raise ValueError("scores must be a persons x items matrix")
    if not np.all(is_dichotomous(values) | np.isnan(values).all(axis=0)):
        raise ValueError("Rasch calibration needs scores of 0 or 1")
    item_status, person_status = _trim(values)
    keep_i = item_status == ESTIMATED
    keep_p = person_status == ESTIMATED
    k = int(keep_i.sum())
    difficulty = np.full(values.shape[1], np.nan)
    item_se, infit, outfit = (np.full(values.shape[1], np.nan) for _ in range(3))
    measure, person_se, p_infit, p_outfit = (np.full(values.shape[0], np.nan) for _ in range(4))
    iterations, converged = 0, True
    if k >= 2 and keep_p.any():
        sub = values[np.ix_(keep_p, keep_i)]
        mask = ~np.isnan(sub)
        x = np.where(mask, sub, 0.0)
        b, theta, iterations, converged = _estimate(x, mask)
        b = (b - b.mean()) * (k - 1) / k
        # Persons against the corrected difficulties held fixed.
        for _ in range(MAX_ITERATIONS):
            theta, step = _person_step(theta, b, x, mask)
            if np.max(np.abs(step)) < TOLERANCE:
                break
        p = _probabilities(theta, b, mask)
        i_infit, i_outfit, i_se = _fit(x, p, mask, axis=0)
        n_infit, n_outfit, n_se = _fit(x, p, mask, axis=1)
        difficulty[keep_i], item_se[keep_i], infit[keep_i], outfit[keep_i] = (
            b,
            i_se,
            i_infit,
            i_outfit,
        )
        measure[keep_p], person_se[keep_p] = theta, n_se
        p_infit[keep_p], p_outfit[keep_p] = n_infit, n_outfit
    else:
        # Fewer than two items, or no person, left to compare: nothing can be estimated.
        item_status = np.where(keep_i, NOT_ESTIMATED, item_status)
        person_status = np.where(keep_p, NOT_ESTIMATED, person_status)
    return RaschResult(
        difficulty=difficulty,
        difficulty_se=item_se,
        infit=infit,
        outfit=outfit,
        item_status=tuple(str(s) for s in item_status),
        measure=measure,
        measure_se=person_se,
        person_infit=p_infit,
        person_outfit=p_outfit,
        person_status=tuple(str(s) for s in person_status),
        iterations=iterations,
        converged=converged,
    )


def _estimate(x: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, int, bool]:
    """Return JMLE difficulties (centred) and measures by alternating Newton steps."""
    n_right = x.sum(axis=0)
    n_items = mask.sum(axis=1)
    n_persons = mask.sum(axis=0)
    # Start from the log-odds of the raw scores.
    b = np.log((n_persons - n_right) / n_right)
    b -= b.mean()
    theta = np.log(x.sum(axis=1) / (n_items - x.sum(axis=1)))
    for iteration in range(1, MAX_ITERATIONS + 1):
        theta, person_step = _person_step(theta, b, x, mask)
        p = _probabilities(theta, b, mask)
        item_step = np.clip(
            (p.sum(axis=0) - n_right) / (p * (1 - p)).sum(axis=0), -MAX_STEP, MAX_STEP
        )
        b = b + item_step
        b -= b.mean()
        if max(np.max(np.abs(person_step)), np.max(np.abs(item_step))) < TOLERANCE:
            return b, theta, iteration, True
    return b, theta, MAX_ITERATIONS, False
