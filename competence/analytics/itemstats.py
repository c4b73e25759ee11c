"""Classical item analysis of a persons x items matrix of scores 0..1 (docs/measurement.md).

A missing score (np.nan: the item was not answered, or not in the person's sitting) is left out
pairwise: an item's statistics use the persons who answered it, and the covariance of two items
the persons who answered both. A person's total is the mean of the items they answered times
the number of items, which is the plain sum when nothing is missing; grouping by it keeps a
person who sat a smaller form out of the lower group for that reason alone. Cronbach's alpha
comes from the pairwise-complete covariance matrix C: alpha = k/(k-1) * (1 - trace C / sum C),
and the variance of the total is sum C, so SEM = sqrt(sum C) * sqrt(1 - alpha). A covariance of
two items never answered together is taken as the mean of the known ones; an item answered
fewer than twice is left out of alpha and SEM.
"""

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

# Flag rules of the issue (14): facility above or below these, discrimination below these.
TOO_EASY_ABOVE = 0.9
TOO_HARD_BELOW = 0.2
WEAK_DISCRIMINATION_BELOW = 0.2
# Share of persons in the upper and the lower group (Kelley's 27 %).
GROUP_SHARE = 0.27

TOO_EASY = "too_easy"
TOO_HARD = "too_hard"
WEAK_DISCRIMINATION = "weak_discrimination"
NEGATIVE_DISCRIMINATION = "negative_discrimination"
DISTRACTOR_UPPER = "distractor_upper"
FLAGS = (TOO_EASY, TOO_HARD, WEAK_DISCRIMINATION, NEGATIVE_DISCRIMINATION, DISTRACTOR_UPPER)


@dataclass(frozen=True)
class ItemStatistics:
    """Classical statistics of one item; nan where a value is undefined (too few answers)."""

    n: int
    facility: float
    discrimination: float
    upper_lower: float
    alpha_if_deleted: float
    flags: tuple[str, ...]


@dataclass(frozen=True)
class ScaleAnalysis:
    """The item analysis of one scale: reliability of its total and statistics per item."""

    n_persons: int
    n_missing: int
    alpha: float
    sd_total: float
    sem: float
    items: tuple[ItemStatistics, ...]
    covariance: np.ndarray


@dataclass(frozen=True)
class OptionShare:
    """How often one option was chosen, overall and in the upper and lower groups."""

    option: str
    correct: bool
    share: float
    share_upper: float
    share_lower: float
    flagged: bool


@dataclass(frozen=True)
class DistractorAnalysis:
    """Option choice of one choice item; `omitted` is the share of persons who chose nothing."""

    n: int
    options: tuple[OptionShare, ...]
    omitted: float
    flags: tuple[str, ...]


def check_scores(scores: np.ndarray) -> np.ndarray:
    """Return the scores as a float matrix, or raise ValueError if they are not one of 0..1."""
    matrix = np.asarray(scores, dtype=float)
    if matrix.ndim != 2:
        raise ValueError("scores must be a persons x items matrix")
    observed = matrix[~np.isnan(matrix)]
    if np.any((observed < 0) | (observed > 1)):
        raise ValueError("scores must lie between 0 and 1")
    return matrix


def person_totals(scores: np.ndarray) -> np.ndarray:
    """Return each person's mean over answered items times the item count (nan: none answered)."""
    answered = ~np.isnan(scores)
    counts = answered.sum(axis=1)
    sums = np.where(answered, scores, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts * scores.shape[1], np.nan)


def extreme_groups(totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the indices of the upper and the lower 27 % of persons by total (nan left out)."""
    present = np.flatnonzero(~np.isnan(totals))
    size = int(round(GROUP_SHARE * present.size))
    if size == 0:
        empty = np.array([], dtype=int)
        return empty, empty
    # A stable sort makes the split of ties at a group's border reproducible.
    order = present[np.argsort(totals[present], kind="stable")]
    return order[-size:], order[:size]


def pairwise_covariance(scores: np.ndarray) -> np.ndarray:
    """Return the item covariances, each over the persons who answered both items (ddof 1)."""
    answered = (~np.isnan(scores)).astype(float)
    values = np.where(answered > 0, scores, 0.0)
    pairs = answered.T @ answered
    # sums[i, j]: the sum of item i's scores over the persons who answered item j as well.
    sums = values.T @ answered
    products = values.T @ values
    with np.errstate(invalid="ignore", divide="ignore"):
        covariance = (products - sums * sums.T / pairs) / (pairs - 1)
    return np.where(pairs > 1, covariance, np.nan)


def measured(covariance: np.ndarray) -> np.ndarray:
    """Return, per item, whether its variance is known (it was answered at least twice)."""
    return np.isfinite(np.diag(covariance))


def filled_covariance(covariance: np.ndarray) -> np.ndarray:
    """Return the covariances of the measured items, unknown ones replaced by the mean known one.

    Two items of a bank may never share a sitting, so their covariance is unknown; the mean of
    the others stands in for it. With every covariance known nothing changes. An item answered
    fewer than twice has no variance and is left out (its row and column are dropped).
    """
    keep = measured(covariance)
    covariance = covariance[np.ix_(keep, keep)]
    k = covariance.shape[0]
    off = ~np.eye(k, dtype=bool)
    unknown = off & np.isnan(covariance)
    if not unknown.any():
        return covariance
    known = covariance[off & ~unknown]
    mean = float(known.mean()) if known.size else math.nan
    return np.where(unknown, mean, covariance)


def alpha_from_covariance(covariance: np.ndarray) -> float:
    """Return Cronbach's alpha of the items of a covariance matrix (nan if undefined)."""
    covariance = filled_covariance(covariance)
    k = covariance.shape[0]
    total = float(np.sum(covariance))
    if k < 2 or not math.isfinite(total) or total <= 0:
        return math.nan
    return k / (k - 1) * (1 - float(np.trace(covariance)) / total)


def alpha_if_deleted(covariance: np.ndarray) -> np.ndarray:
    """Return, per item, the alpha of the other items (nan for an item without a variance)."""
    keep = measured(covariance)
    result = np.full(covariance.shape[0], np.nan)
    covariance = filled_covariance(covariance)
    k = covariance.shape[0]
    if k < 3:
        return result
    variances = np.diag(covariance)
    traces = np.trace(covariance) - variances
    totals = np.sum(covariance) - 2 * covariance.sum(axis=1) + variances
    with np.errstate(invalid="ignore", divide="ignore"):
        alphas = (k - 1) / (k - 2) * (1 - traces / totals)
    result[keep] = np.where(totals > 0, alphas, np.nan)
    return result


def form_reliability(covariance: np.ndarray, length: int) -> tuple[float, float]:
    """Return alpha and the SD of the total of a form of `length` items drawn from the bank.

    The form's items are taken to be average items of the bank (the mean variance and the mean
    covariance), which for `length` equal to the bank size gives the bank's own figures.
    """
    covariance = filled_covariance(covariance)
    k = covariance.shape[0]
    if k < 2 or length < 2 or not np.all(np.isfinite(covariance)):
        return math.nan, math.nan
    mean_variance = float(np.trace(covariance)) / k
    mean_covariance = (float(np.sum(covariance)) - mean_variance * k) / (k * (k - 1))
    variance = length * mean_variance + length * (length - 1) * mean_covariance
    if variance <= 0:
        return math.nan, math.nan
    alpha = length / (length - 1) * (1 - length * mean_variance / variance)
    return alpha, math.sqrt(variance)


def corrected_item_total(scores: np.ndarray) -> np.ndarray:
    """Return, per item, its correlation with the mean of the other items the person answered."""
    answered = ~np.isnan(scores)
    values = np.where(answered, scores, 0.0)
    others = answered.sum(axis=1, keepdims=True) - answered
    with np.errstate(invalid="ignore", divide="ignore"):
        rest = (values.sum(axis=1, keepdims=True) - values) / others
    # Only persons who answered the item and at least one other enter its correlation; the
    # rest score is proportional to the sum of the other items, so the correlation is the same.
    weight = (answered & (others > 0)).astype(float)
    rest = np.where(weight > 0, rest, 0.0)
    n = weight.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_x = (values * weight).sum(axis=0) / n
        mean_r = (rest * weight).sum(axis=0) / n
        dx = (values - mean_x) * weight
        dr = (rest - mean_r) * weight
        covariance = (dx * dr).sum(axis=0)
        correlation = covariance / np.sqrt((dx * dx).sum(axis=0) * (dr * dr).sum(axis=0))
    return np.where(n > 1, correlation, np.nan)


def _group_facility(scores: np.ndarray, group: np.ndarray) -> np.ndarray:
    part = scores[group]
    answered = ~np.isnan(part)
    n = answered.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, np.where(answered, part, 0.0).sum(axis=0) / n, np.nan)


def item_flags(facility: float, discrimination: float) -> tuple[str, ...]:
    """Return the flags of an item's facility and discrimination (nothing for nan)."""
    flags = []
    if facility > TOO_EASY_ABOVE:
        flags.append(TOO_EASY)
    if facility < TOO_HARD_BELOW:
        flags.append(TOO_HARD)
    if discrimination < 0:
        flags.append(NEGATIVE_DISCRIMINATION)
    elif discrimination < WEAK_DISCRIMINATION_BELOW:
        flags.append(WEAK_DISCRIMINATION)
    return tuple(flags)


def analyse_items(scores: np.ndarray) -> ScaleAnalysis:
    """Return the classical item analysis of a persons x items matrix of scores 0..1."""
    matrix = check_scores(scores)
    answered = ~np.isnan(matrix)
    n = answered.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        facility = np.where(n > 0, np.where(answered, matrix, 0.0).sum(axis=0) / n, np.nan)
    discrimination = corrected_item_total(matrix)
    upper, lower = extreme_groups(person_totals(matrix))
    upper_lower = _group_facility(matrix, upper) - _group_facility(matrix, lower)
    covariance = pairwise_covariance(matrix)
    alpha = alpha_from_covariance(covariance)
    total_variance = float(np.sum(filled_covariance(covariance)))
    sd_total = math.sqrt(total_variance) if total_variance > 0 else math.nan
    sem = sd_total * math.sqrt(1 - alpha) if alpha <= 1 else math.nan
    if_deleted = alpha_if_deleted(covariance)
    items = tuple(
        ItemStatistics(
            n=int(n[i]),
            facility=float(facility[i]),
            discrimination=float(discrimination[i]),
            upper_lower=float(upper_lower[i]),
            alpha_if_deleted=float(if_deleted[i]),
            flags=item_flags(float(facility[i]), float(discrimination[i])),
        )
        for i in range(matrix.shape[1])
    )
    return ScaleAnalysis(
        n_persons=matrix.shape[0],
        n_missing=int((~answered).sum()),
        alpha=alpha,
        sd_total=sd_total,
        sem=sem,
        items=items,
        covariance=covariance,
    )


def analyse_distractors(
    choices: Sequence[str | Collection[str] | None],
    totals: np.ndarray,
    options: Sequence[str],
    correct: Collection[str],
) -> DistractorAnalysis:
    """Return the share choosing each option overall and in the upper and lower 27 %.

    `choices` holds, per person given the item, the chosen option id, a collection of ids (a
    multiple choice item) or None; `totals` the same persons' totals. A wrong option chosen more
    often in the upper than in the lower group is flagged.
    """
    if len(choices) != len(totals):
        raise ValueError("one total per person's choice is needed")
    index = {option: column for column, option in enumerate(options)}
    chosen = np.zeros((len(choices), len(options)), dtype=bool)
    omitted = np.zeros(len(choices), dtype=bool)
    for row, choice in enumerate(choices):
        picked = [] if choice is None else [choice] if isinstance(choice, str) else list(choice)
        omitted[row] = not picked
        for option in picked:
            if option in index:
                chosen[row, index[option]] = True
    upper, lower = extreme_groups(np.asarray(totals, dtype=float))

    def shares(rows: np.ndarray | slice) -> np.ndarray:
        part = chosen[rows]
        return part.mean(axis=0) if len(part) else np.full(len(options), np.nan)

    overall, upper_shares, lower_shares = shares(slice(None)), shares(upper), shares(lower)
    rows = []
    for column, option in enumerate(options):
        is_correct = option in correct
        flagged = bool(not is_correct and upper_shares[column] > lower_shares[column])
        rows.append(
            OptionShare(
                option=option,
                correct=is_correct,
                share=float(overall[column]),
                share_upper=float(upper_shares[column]),
                share_lower=float(lower_shares[column]),
                flagged=flagged,
            )
        )
    flags = (DISTRACTOR_UPPER,) if any(row.flagged for row in rows) else ()
    return DistractorAnalysis(
        n=len(choices),
        options=tuple(rows),
        omitted=float(omitted.mean()) if len(choices) else math.nan,
        flags=flags,
    )
