"""Score attempts: item scores, competence scores, levels and deficits (docs/instrument-format.md).

Answers of a batch of attempts are encoded into arrays per item type and scored with array
operations; competence scores of the whole batch are one matrix product with the item weights.
A single attempt (the submit path) is scored item by item from the same prepared tables, as
arrays of one row cost more to build than they save; its competence stage is the batch's.
"""

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from numbers import Integral, Real
from typing import Any

import numpy as np

SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
LIKERT = "likert"
SITUATIONAL = "situational"
NUMERIC = "numeric"
MATCHING = "matching"
ORDERING = "ordering"
ITEM_TYPES = (SINGLE_CHOICE, MULTIPLE_CHOICE, LIKERT, SITUATIONAL, NUMERIC, MATCHING, ORDERING)

# Decimal inputs are not exact in binary: 1.0 against answer 1.1 with tolerance 0.1 differs by
# 0.10000000000000009. A numeric answer may exceed the tolerance by this share of the answer's
# magnitude, and a score may fall short of a cut score or threshold by this many points.
NUMERIC_SLACK = 1e-9
SCORE_SLACK = 1e-9


class InvalidAnswer(ValueError):
    """An answer that does not fit its item: an unknown option, a wrong type, a bad index."""

    def __init__(self, item_id: str, problem: str) -> None:
        super().__init__(f"задание «{item_id}»: {problem}")
        self.item_id = item_id


@dataclass(frozen=True)
class ItemKey:
    """What scoring needs of an item; fields that do not apply to its type keep their defaults.

    `credit` gives, per option in `options`: 1 or 0 for the correct options of choice items,
    the weight for situational ones. `size` is the number of left entries of a matching item or
    of elements of an ordering item; `choices` counts the right entries of a matching item, pairs
    first, then distractors. `points` are the values of the Likert scale, ascending.
    """

    id: str
    type: str
    options: tuple[str, ...] = ()
    credit: tuple[float, ...] = ()
    all_or_nothing: bool = False
    points: tuple[int, ...] = ()
    reversed: bool = False
    answer: float = 0.0
    tolerance: float = 0.0
    size: int = 0
    choices: int = 0


@dataclass(frozen=True)
class ScoringKey:
    """An instrument compiled for scoring.

    `weights[i][c]` is the weight of item i for competence c (0 when not linked); `thresholds`
    are deficit thresholds per competence; `cut_scores` are where `levels` begin, ascending from 0.
    """

    items: tuple[ItemKey, ...]
    competences: tuple[str, ...]
    weights: tuple[tuple[float, ...], ...]
    thresholds: tuple[float, ...]
    levels: tuple[str, ...]
    cut_scores: tuple[float, ...]

    def __post_init__(self) -> None:
        unknown = {item.type for item in self.items} - set(ITEM_TYPES)
        if unknown:
            raise ValueError(f"unknown item types {sorted(unknown)}")
        shape = (len(self.items), len(self.competences))
        if np.shape(self.weights) != shape or len(self.thresholds) != shape[1]:
            raise ValueError(f"weights must be items x competences {shape}, thresholds one each")
        if not np.all(np.sum(self.weights, axis=0) > 0):
            raise ValueError("every competence needs an item with a positive weight")
        if len(self.cut_scores) != len(self.levels) or self.cut_scores[:1] != (0,):
            raise ValueError("cut_scores must give one start per level, the first being 0")

    @cached_property
    def item_ids(self) -> frozenset[str]:
        """Return the ids of the items."""
        return frozenset(item.id for item in self.items)

    @cached_property
    def plan(self) -> "_Plan":
        """Return the prepared arrays and scorers (built once per key)."""
        return _plan(self)


@dataclass(frozen=True)
class CompetenceResult:
    """Score (0..100), level and deficit of one competence; depth is 0 when it is no deficit."""

    competence: str
    score: float
    level: str
    deficit: bool
    depth: float


@dataclass(frozen=True)
class AttemptResult:
    """Scores of one attempt: per item (0..1, in key order), per competence, and in total."""

    item_scores: tuple[float, ...]
    competences: tuple[CompetenceResult, ...]
    total: float


@dataclass(frozen=True, eq=False)
class BatchResult:
    """Scores of many attempts as read-only arrays with one row per attempt.

    `levels` holds indices into `key.levels`; the total of an attempt is the mean of its
    competence scores.
    """

    key: ScoringKey
    item_scores: np.ndarray
    competence_scores: np.ndarray
    levels: np.ndarray
    deficits: np.ndarray
    depths: np.ndarray
    totals: np.ndarray

    def attempt(self, index: int) -> AttemptResult:
        """Return the result of one attempt of the batch."""
        competences = tuple(
            CompetenceResult(
                competence,
                float(self.competence_scores[index, c]),
                self.key.levels[self.levels[index, c]],
                bool(self.deficits[index, c]),
                float(self.depths[index, c]),
            )
            for c, competence in enumerate(self.key.competences)
        )
        scores = tuple(float(score) for score in self.item_scores[index])
        return AttemptResult(scores, competences, float(self.totals[index]))


def is_strength(score: float, threshold: float, level_start: float) -> bool:
    """Tell whether a competence is a strength: not a deficit, at a level no deficit can reach.

    A level whose range begins below the deficit threshold holds deficits too (with the
    threshold at 65, "basic" runs from 50 and a 61 is a deficit there); calling a 68 of that
    same level a strength beside the 61 contradicts the profile. So a strength is at or above
    its threshold and at a level that starts at or above it.
    """
    return score >= threshold - SCORE_SLACK and level_start >= threshold - SCORE_SLACK


def _check_items(key: ScoringKey, attempts: list[Mapping[str, Any]]) -> None:
    """Refuse an answer to an item the key does not have."""
    known = key.item_ids
    for answers in attempts:
        if unknown := answers.keys() - known:
            raise InvalidAnswer(str(next(iter(unknown))), "такого задания нет в инструменте")


def score_attempt(key: ScoringKey, answers: Mapping[str, Any]) -> AttemptResult:
    """Score one attempt given as item id -> answer."""
    _check_items(key, [answers])
    plan = key.plan
    item_scores = [0.0] * len(key.items)
    for columns, score_one in plan.singles:
        for column, score in zip(columns, score_one(answers), strict=True):
            item_scores[column] = score
    competences = []
    for competence, terms, weight_sum, threshold in plan.competence_terms:
        score = sum(item_scores[i] * weight for i, weight in terms) / weight_sum * 100
        level = bisect_right(key.cut_scores, score + SCORE_SLACK) - 1
        deficit = score < threshold - SCORE_SLACK
        depth = threshold - score if deficit else 0.0
        competences.append(CompetenceResult(competence, score, key.levels[level], deficit, depth))
    total = sum(c.score for c in competences) / len(competences)
    return AttemptResult(tuple(map(float, item_scores)), tuple(competences), total)


def score_attempts(key: ScoringKey, answers_list: Iterable[Mapping[str, Any]]) -> BatchResult:
    """Score many attempts of one instrument at once."""
    attempts = list(answers_list)
    _check_items(key, attempts)
    plan = key.plan
    item_scores = np.zeros((len(attempts), len(key.items)))
    for columns, scorer in plan.groups:
        item_scores[:, columns] = scorer(attempts)
    return _competence_stage(key, item_scores)


def _competence_stage(key: ScoringKey, item_scores: np.ndarray) -> BatchResult:
    """Turn item scores (attempts x items) into competence scores, levels and deficits."""
    plan = key.plan
    competence_scores = item_scores @ plan.weights / plan.weight_sums * 100
    levels = np.searchsorted(plan.cut_scores, competence_scores + SCORE_SLACK, side="right") - 1
    deficits = competence_scores < plan.thresholds - SCORE_SLACK
    depths = np.where(deficits, plan.thresholds - competence_scores, 0.0)
    totals = competence_scores.mean(axis=1)
    arrays = (item_scores, competence_scores, levels, deficits, depths, totals)
    for array in arrays:
        array.flags.writeable = False
    return BatchResult(key, *arrays)


@dataclass(frozen=True)
class _Plan:
    """What scoring needs of a key as arrays, and a prepared scorer per item type."""

    groups: tuple[tuple[np.ndarray, Callable[[list], np.ndarray]], ...]
    # The same per item type for one attempt: key columns and a function giving their scores.
    singles: tuple[tuple[tuple[int, ...], Callable[[Mapping], list[float]]], ...]
    # Per competence for one attempt: its id, (item column, weight) of linked items, the sum of
    # the weights and the threshold.
    competence_terms: tuple[tuple[str, tuple[tuple[int, float], ...], float, float], ...]
    weights: np.ndarray
    weight_sums: np.ndarray
    cut_scores: np.ndarray
    thresholds: np.ndarray


def _plan(key: "ScoringKey") -> _Plan:
    """Prepare the constant arrays of a key once, so scoring one attempt stays cheap."""
    groups, singles = [], []
    for item_type, prepare in _SCORERS.items():
        columns = [i for i, item in enumerate(key.items) if item.type == item_type]
        if columns:
            items = [key.items[i] for i in columns]
            score_batch, score_one = prepare(items)
            groups.append((np.array(columns, dtype=np.intp), score_batch))
            singles.append((tuple(columns), score_one))
    weights = np.array(key.weights, dtype=float).reshape(len(key.items), len(key.competences))
    return _Plan(
        groups=tuple(groups),
        singles=tuple(singles),
        competence_terms=tuple(
            (
                competence,
                tuple((i, float(w)) for i, w in enumerate(weights[:, c].tolist()) if w),
                float(weights[:, c].sum()),
                float(key.thresholds[c]),
            )
            for c, competence in enumerate(key.competences)
        ),
        weights=weights,
        weight_sums=weights.sum(axis=0),
        cut_scores=np.array(key.cut_scores, dtype=float),
        thresholds=np.array(key.thresholds, dtype=float),
    )


def _is_index(value: Any) -> bool:
    # The exact-type test first: the abstract-class checks are slow over large batches.
    return type(value) is int or (isinstance(value, Integral) and not isinstance(value, bool))


def _are_indices(values: list) -> bool:
    return set(map(type, values)) <= {int} or all(map(_is_index, values))


def _is_list(value: Any) -> bool:
    return type(value) is list or (isinstance(value, Sequence) and not isinstance(value, str))


def _columns(
    items: Sequence[ItemKey], encoders: list[Callable[[Any], Any]]
) -> list[tuple[str, Callable[[Any], Any]]]:
    """Pair each item id with the function encoding its answers."""
    return [(item.id, encode) for item, encode in zip(items, encoders, strict=True)]


Scorers = tuple[Callable[[list], np.ndarray], Callable[[Mapping], list[float]]]


def _cells(
    attempts: list[Mapping[str, Any]],
    columns: list[tuple[str, Callable[[Any], Any]]],
    empty: Any,
) -> list[list[Any]]:
    """Encode the answers to the items, attempt by attempt, with `empty` for unanswered ones."""
    return [
        [
            empty if (answer := answers.get(item_id)) is None else encode(answer)
            for item_id, encode in columns
        ]
        for answers in attempts
    ]


def _option_index(item: ItemKey, index: Mapping[str, int], answer: Any) -> int:
    try:
        return index[answer]  # option ids are texts, so only a text can be found
    except (KeyError, TypeError):
        raise InvalidAnswer(
            item.id, f"ожидается идентификатор варианта, получено {answer!r}"
        ) from None


def _option_indices(item: ItemKey) -> dict[str, int]:
    return {option: k for k, option in enumerate(item.options)}


def _prepare_choice(items: Sequence[ItemKey]) -> Scorers:
    """Score single choice and situational items: the credit of the chosen option."""
    width = max(len(item.options) for item in items)
    # The extra last column holds 0 for unanswered items, which are encoded as index -1.
    credit = np.zeros((len(items), width + 1))
    for row, item in enumerate(items):
        credit[row, : len(item.options)] = item.credit
    columns = _columns(items, [partial(_option_index, i, _option_indices(i)) for i in items])
    rows = np.arange(len(items))

    def score(attempts: list) -> np.ndarray:
        chosen = np.array(_cells(attempts, columns, -1), dtype=np.intp)
        return credit[rows, chosen.reshape(len(attempts), len(items))]

    credit_rows = list(zip(columns, credit.tolist(), strict=True))

    def score_one(answers: Mapping) -> list[float]:
        return [
            0.0 if (answer := answers.get(item_id)) is None else row[encode(answer)]
            for (item_id, encode), row in credit_rows
        ]

    return score, score_one


def _chosen_options(item: ItemKey, index: Mapping[str, int], width: int, answer: Any) -> list:
    if not _is_list(answer):
        raise InvalidAnswer(item.id, f"ожидается список вариантов, получено {answer!r}")
    chosen = [False] * width
    for option in answer:
        position = _option_index(item, index, option)
        if chosen[position]:
            raise InvalidAnswer(item.id, f"вариант «{option}» выбран дважды")
        chosen[position] = True
    return chosen


def _prepare_multiple(items: Sequence[ItemKey]) -> Scorers:
    """Score multiple choice items: partial credit or all-or-nothing."""
    width = max(len(item.options) for item in items)
    correct = np.zeros((len(items), width), dtype=bool)
    for row, item in enumerate(items):
        correct[row, : len(item.options)] = np.array(item.credit) > 0
    columns = _columns(
        items, [partial(_chosen_options, i, _option_indices(i), width) for i in items]
    )
    correct_counts = correct.sum(axis=1)
    all_or_nothing = np.array([item.all_or_nothing for item in items])

    def score(attempts: list) -> np.ndarray:
        chosen = np.array(_cells(attempts, columns, [False] * width), dtype=bool)
        chosen = chosen.reshape(len(attempts), len(items), width)
        hits = (chosen & correct).sum(axis=2)
        misses = (chosen & ~correct).sum(axis=2)
        partial_credit = np.maximum(0.0, (hits - misses) / correct_counts)
        exact = (chosen == correct).all(axis=2)
        return np.where(all_or_nothing, exact.astype(float), partial_credit)

    tables = list(
        zip(
            columns, correct.tolist(), correct_counts.tolist(), all_or_nothing.tolist(), strict=True
        )
    )
    nothing = [False] * width

    def score_one(answers: Mapping) -> list[float]:
        scores = []
        for (item_id, encode), right, count, exact_only in tables:
            answer = answers.get(item_id)
            chosen = nothing if answer is None else encode(answer)
            if exact_only:
                scores.append(float(chosen == right))
                continue
            hits = sum(c and r for c, r in zip(chosen, right, strict=True))
            misses = sum(c and not r for c, r in zip(chosen, right, strict=True))
            scores.append(max(0.0, (hits - misses) / count))
        return scores

    return score, score_one


def _likert_value(item: ItemKey, answer: Any) -> int:
    # Points are consecutive, so the first and the last bound them.
    if not _is_index(answer) or not item.points[0] <= answer <= item.points[-1]:
        expected = f"одно из значений {list(item.points)}"
        raise InvalidAnswer(item.id, f"ожидается {expected}, получено {answer!r}")
    return answer


def _prepare_likert(items: Sequence[ItemKey]) -> Scorers:
    """Score Likert statements: the position of the value on the scale, reversed if asked."""
    columns = _columns(items, [partial(_likert_value, item) for item in items])
    low = np.array([item.points[0] for item in items], dtype=float)
    span = np.array([item.points[-1] for item in items], dtype=float) - low
    reversed_ = np.array([item.reversed for item in items])

    def score(attempts: list) -> np.ndarray:
        values = np.array(_cells(attempts, columns, np.nan), dtype=float)
        share = (values.reshape(len(attempts), len(items)) - low) / span
        return np.nan_to_num(np.where(reversed_, 1.0 - share, share), nan=0.0)

    tables = list(zip(columns, low.tolist(), span.tolist(), reversed_.tolist(), strict=True))

    def score_one(answers: Mapping) -> list[float]:
        scores = []
        for (item_id, encode), bottom, width, backwards in tables:
            answer = answers.get(item_id)
            if answer is None:
                scores.append(0.0)
                continue
            share = (float(encode(answer)) - bottom) / width
            scores.append(1.0 - share if backwards else share)
        return scores

    return score, score_one


def _number(item: ItemKey, answer: Any) -> float:
    is_number = type(answer) in (float, int) or (
        isinstance(answer, Real) and not isinstance(answer, bool)
    )
    if not is_number or not math.isfinite(answer):
        raise InvalidAnswer(item.id, f"ожидается число, получено {answer!r}")
    return answer


def _prepare_numeric(items: Sequence[ItemKey]) -> Scorers:
    """Score numeric items: 1 within the tolerance (plus decimal slack), else 0."""
    columns = _columns(items, [partial(_number, item) for item in items])
    answer = np.array([item.answer for item in items])
    tolerance = np.array([item.tolerance for item in items])
    allowed = tolerance + NUMERIC_SLACK * np.maximum(1.0, np.abs(answer))

    def score(attempts: list) -> np.ndarray:
        given = np.array(_cells(attempts, columns, np.nan), dtype=float)
        # NaN (unanswered) compares false and scores 0.
        return (np.abs(given.reshape(len(attempts), len(items)) - answer) <= allowed).astype(float)

    tables = list(zip(columns, answer.tolist(), allowed.tolist(), strict=True))

    def score_one(answers: Mapping) -> list[float]:
        return [
            0.0
            if (given := answers.get(item_id)) is None
            else float(abs(float(encode(given)) - right) <= slack)
            for (item_id, encode), right, slack in tables
        ]

    return score, score_one


def _positions(item: ItemKey, answer: Any) -> list:
    if not _is_list(answer) or len(answer) != item.size:
        expected = f"список из {item.size} позиций"
        raise InvalidAnswer(item.id, f"ожидается {expected}, получено {answer!r}")
    return list(answer)


def _matches(item: ItemKey, width: int, answer: Any) -> list[int]:
    # -1 marks a left entry left unmatched and pads items with fewer left entries.
    picks = [-1 if right is None else right for right in _positions(item, answer)]
    if not _are_indices(picks) or not -1 <= min(picks) <= max(picks) < item.choices:
        expected = f"номера правых частей от 0 до {item.choices - 1} или None"
        raise InvalidAnswer(item.id, f"ожидаются {expected}, получено {answer!r}")
    return picks + [-1] * (width - item.size)


def _prepare_matching(items: Sequence[ItemKey]) -> Scorers:
    """Score matching items: the share of left entries matched to their own right entry."""
    width = max(item.size for item in items)
    columns = _columns(items, [partial(_matches, item, width) for item in items])
    sizes = np.array([item.size for item in items])
    own = np.arange(width)

    def score(attempts: list) -> np.ndarray:
        picks = np.array(_cells(attempts, columns, [-1] * width), dtype=np.intp)
        matched = (picks.reshape(len(attempts), len(items), width) == own).sum(axis=2)
        return matched / sizes

    tables = list(zip(columns, sizes.tolist(), strict=True))

    def score_one(answers: Mapping) -> list[float]:
        scores = []
        for (item_id, encode), size in tables:
            answer = answers.get(item_id)
            picks = () if answer is None else encode(answer)
            scores.append(sum(pick == k for k, pick in enumerate(picks)) / size)
        return scores

    return score, score_one


def _order(item: ItemKey, width: int, answer: Any) -> list[int]:
    order = _positions(item, answer)
    if not _are_indices(order) or sorted(order) != list(range(item.size)):
        expected = f"номера элементов от 0 до {item.size - 1}, каждый по разу"
        raise InvalidAnswer(item.id, f"ожидается {expected}, получено {answer!r}")
    return order + [0] * (width - item.size)


def _prepare_ordering(items: Sequence[ItemKey]) -> Scorers:
    """Score ordering items: the share of element pairs in the right relative order."""
    width = max(item.size for item in items)
    columns = _columns(items, [partial(_order, item, width) for item in items])
    sizes = np.array([item.size for item in items])
    # Pairs of positions p < q counted for each item: both within its size.
    position = np.arange(width)
    pairs = (position[:, None] < position[None, :]) & (
        position[None, None, :] < sizes[:, None, None]
    )
    pair_counts = sizes * (sizes - 1) / 2

    def score(attempts: list) -> np.ndarray:
        # An unanswered item is a row of -1, which no answer has.
        placed = np.array(_cells(attempts, columns, [-1] * width), dtype=np.intp)
        placed = placed.reshape(len(attempts), len(items), width)
        concordant = placed[..., :, None] < placed[..., None, :]
        share = (concordant & pairs).sum(axis=(2, 3)) / pair_counts
        return np.where(placed[..., 0] >= 0, share, 0.0)

    tables = list(zip(columns, sizes.tolist(), pair_counts.tolist(), strict=True))

    def score_one(answers: Mapping) -> list[float]:
        scores = []
        for (item_id, encode), size, count in tables:
            answer = answers.get(item_id)
            if answer is None:
                scores.append(0.0)
                continue
            order = encode(answer)
            concordant = sum(order[p] < order[q] for p in range(size) for q in range(p + 1, size))
            scores.append(concordant / count)
        return scores

    return score, score_one


_SCORERS = {
    SINGLE_CHOICE: _prepare_choice,
    SITUATIONAL: _prepare_choice,
    MULTIPLE_CHOICE: _prepare_multiple,
    LIKERT: _prepare_likert,
    NUMERIC: _prepare_numeric,
    MATCHING: _prepare_matching,
    ORDERING: _prepare_ordering,
}
