"""Scoring of attempts: every rule of docs/instrument-format.md on hand-computed cases."""

import ast
import random
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import scoring_reference
from competence.analytics import scoring
from competence.analytics.scoring import (
    InvalidAnswer,
    ItemKey,
    ScoringKey,
    score_attempt,
    score_attempts,
)

LEVELS = ("low", "basic", "sufficient", "high")
CUTS = (0.0, 50.0, 70.0, 85.0)


def single(item_id="s", correct="b"):
    return ItemKey(
        item_id, "single_choice", ("a", "b", "c"), tuple(float(o == correct) for o in "abc")
    )


def multiple(item_id="m", all_or_nothing=False):
    # a, b, c correct; d, e wrong
    return ItemKey(item_id, "multiple_choice", tuple("abcde"), (1, 1, 1, 0, 0), all_or_nothing)


def likert(item_id="l", reversed=False):
    return ItemKey(item_id, "likert", points=(1, 2, 3, 4, 5), reversed=reversed)


def situational(item_id="sit"):
    return ItemKey(item_id, "situational", ("a", "b", "c", "d"), (1.0, 0.5, 0.25, 0.0))


def numeric(item_id="n", answer=2.5, tolerance=0.5):
    return ItemKey(item_id, "numeric", answer=answer, tolerance=tolerance)


def matching(item_id="mt"):
    # three pairs (right entries 0, 1, 2) and two distractors (3, 4)
    return ItemKey(item_id, "matching", size=3, choices=5)


def ordering(item_id="o", size=4):
    return ItemKey(item_id, "ordering", size=size)


def key_of(*items, weights=None, competences=("c",), thresholds=None, cuts=CUTS):
    """Return a key whose items all serve one competence unless weights say otherwise."""
    weights = weights or tuple((1.0,) for _ in items)
    thresholds = thresholds or (65.0,) * len(competences)
    return ScoringKey(tuple(items), competences, weights, thresholds, LEVELS, cuts)


def item_score(item, answer):
    return score_attempt(key_of(item), {item.id: answer}).item_scores[0]


# --- item types -----------------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "expected"), [("b", 1.0), ("a", 0.0), ("c", 0.0), (None, 0.0)])
def test_single_choice_scores_the_correct_option_only(answer, expected):
    assert item_score(single(), answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (["a", "b", "c"], 1.0),
        (["a", "b"], 2 / 3),
        (["a", "b", "d"], 1 / 3),  # (2 correct - 1 wrong) / 3
        (["a", "b", "c", "d", "e"], 1 / 3),
        (["a", "d", "e"], 0.0),  # (1 - 2) / 3 is floored at 0
        (["d"], 0.0),
        ([], 0.0),
        (None, 0.0),
    ],
)
def test_multiple_choice_partial_credit(answer, expected):
    assert item_score(multiple(), answer) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [(["c", "a", "b"], 1.0), (["a", "b"], 0.0), (["a", "b", "c", "d"], 0.0), (None, 0.0)],
)
def test_multiple_choice_all_or_nothing(answer, expected):
    assert item_score(multiple(all_or_nothing=True), answer) == expected


@pytest.mark.parametrize(
    ("answer", "straight", "reversed_"),
    [(1, 0.0, 1.0), (2, 0.25, 0.75), (4, 0.75, 0.25), (5, 1.0, 0.0), (None, 0.0, 0.0)],
)
def test_likert_maps_points_to_zero_one_and_reversed_flips_them(answer, straight, reversed_):
    assert item_score(likert(), answer) == straight
    assert item_score(likert(reversed=True), answer) == reversed_


@pytest.mark.parametrize(("answer", "expected"), [("a", 1.0), ("b", 0.5), ("c", 0.25), ("d", 0.0)])
def test_situational_scores_the_weight_of_the_chosen_option(answer, expected):
    assert item_score(situational(), answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [(2.5, 1.0), (3.0, 1.0), (2.0, 1.0), (3.01, 0.0), (1.99, 0.0), (3, 1.0), (None, 0.0)],
)
def test_numeric_is_correct_within_tolerance_inclusive(answer, expected):
    assert item_score(numeric(), answer) == expected


def test_numeric_tolerance_boundary_survives_decimal_rounding():
    # abs(1.0 - 1.1) == 0.10000000000000009 in binary floating point
    assert item_score(numeric(answer=1.1, tolerance=0.1), 1.0) == 1.0
    assert item_score(numeric(answer=1.1, tolerance=0.1), 1.2) == 1.0
    assert item_score(numeric(answer=1, tolerance=0), 1.0) == 1.0
    assert item_score(numeric(answer=1, tolerance=0), 1.000001) == 0.0


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ([0, 1, 2], 1.0),
        ([0, 2, 1], 1 / 3),
        ([3, 1, None], 1 / 3),  # a distractor, a right match, one left unanswered
        ([4, 3, 0], 0.0),
        ([None, None, None], 0.0),
        (None, 0.0),
    ],
)
def test_matching_scores_the_share_of_left_entries_matched_to_their_own(answer, expected):
    assert item_score(matching(), answer) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ([0, 1, 2, 3], 1.0),
        ([3, 2, 1, 0], 0.0),
        ([1, 0, 2, 3], 5 / 6),
        ([0, 1, 3, 2], 5 / 6),
        ([1, 2, 3, 0], 3 / 6),  # the first element placed last breaks its 3 pairs
        (None, 0.0),
    ],
)
def test_ordering_scores_the_share_of_pairs_in_the_right_order(answer, expected):
    assert item_score(ordering(), answer) == pytest.approx(expected)


def test_ordering_items_of_different_sizes_in_one_batch():
    key = key_of(ordering("o3", 3), ordering("o5", 5))
    result = score_attempt(key, {"o3": [2, 1, 0], "o5": [0, 1, 2, 4, 3]})
    assert result.item_scores == pytest.approx((0.0, 9 / 10))


# --- competences, levels, deficits ----------------------------------------------------------


def test_competence_score_is_the_weighted_mean_of_linked_items():
    items = (single("i1"), single("i2"), single("i3"))
    weights = ((1.0, 0.0), (0.5, 1.0), (0.0, 0.5))
    key = key_of(*items, weights=weights, competences=("c1", "c2"))
    result = score_attempt(key, {"i1": "b", "i2": "a", "i3": "b"})
    c1, c2 = result.competences
    assert c1.score == pytest.approx((1 * 1 + 0.5 * 0) / 1.5 * 100)  # 66.67
    assert c2.score == pytest.approx((1 * 0 + 0.5 * 1) / 1.5 * 100)  # 33.33
    assert result.total == pytest.approx(50.0)


@pytest.mark.parametrize(
    ("correct", "level"),
    [(0, "low"), (9, "low"), (10, "basic"), (13, "basic"), (14, "sufficient"), (17, "high")],
)
def test_level_is_the_highest_whose_cut_score_is_reached(correct, level):
    # 20 items: 10 -> 50, 14 -> 70, 17 -> 85 exactly at the cut scores
    items = [single(f"i{n}") for n in range(20)]
    answers = {f"i{n}": "b" if n < correct else "a" for n in range(20)}
    (result,) = score_attempt(key_of(*items), answers).competences
    assert result.score == pytest.approx(correct * 5)
    assert result.level == level


def test_cut_score_and_threshold_are_reached_despite_float_rounding():
    # nine of ten items of weight 0.1 give 89.99999999999999, not 90
    items = [single(f"i{n}") for n in range(10)]
    key = key_of(*items, weights=((0.1,),) * 10, thresholds=(90.0,), cuts=(0, 50, 70, 90))
    (result,) = score_attempt(key, {f"i{n}": "b" for n in range(9)}).competences
    assert result.level == "high"
    assert not result.deficit


def test_deficit_depth_uses_the_competence_threshold_or_the_default():
    items = (single("i1"), single("i2"))
    key = key_of(
        *items, weights=((1.0, 0.0), (0.0, 1.0)), competences=("c1", "c2"), thresholds=(65, 40)
    )
    c1, c2 = score_attempt(key, {"i1": "a", "i2": "a"}).competences
    assert (c1.deficit, c1.depth) == (True, 65.0)
    assert (c2.deficit, c2.depth) == (True, 40.0)
    c1, c2 = score_attempt(key, {"i1": "b"}).competences
    assert (c1.deficit, c1.depth, c1.level) == (False, 0.0, "high")
    assert (c2.deficit, c2.depth, c2.level) == (True, 40.0, "low")


def test_score_exactly_at_the_threshold_is_no_deficit():
    items = (single("i1"), single("i2"))
    (result,) = score_attempt(key_of(*items, thresholds=(50,)), {"i1": "b"}).competences
    assert (result.score, result.deficit, result.depth) == (50.0, False, 0.0)


def test_unanswered_attempt_scores_zero_everywhere():
    key = key_of(single(), multiple(), likert(reversed=True), numeric(), matching(), ordering())
    result = score_attempt(key, {})
    assert result.item_scores == (0.0,) * 6
    assert result.total == 0.0
    assert result.competences[0].depth == 65.0


def test_batch_arrays_are_read_only():
    batch = score_attempts(key_of(single()), [{"s": "b"}])
    with pytest.raises(ValueError, match="read-only"):
        batch.item_scores[0, 0] = 0.0


# --- invalid answers and keys ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "answer"),
    [
        (single(), "z"),
        (single(), 1),
        (multiple(), "a"),
        (multiple(), ["a", "a"]),
        (multiple(), ["a", "z"]),
        (likert(), 6),
        (likert(), 3.0),
        (likert(), True),
        (situational(), ["a"]),
        (numeric(), "2.5"),
        (numeric(), True),
        (numeric(), float("nan")),
        (matching(), [0, 1]),
        (matching(), [0, 1, 5]),
        (matching(), [0, 1, "2"]),
        (ordering(), [0, 1, 2]),
        (ordering(), [0, 1, 1, 2]),
        (ordering(), [0, 1, 2, "3"]),
    ],
)
def test_invalid_answers_raise_naming_the_item(item, answer):
    with pytest.raises(InvalidAnswer, match=f"«{item.id}»") as error:
        score_attempt(key_of(item), {item.id: answer})
    assert error.value.item_id == item.id


def test_answer_to_an_unknown_item_is_rejected():
    with pytest.raises(InvalidAnswer, match="«ghost»"):
        score_attempt(key_of(single()), {"ghost": "a"})


def test_inconsistent_keys_are_rejected():
    with pytest.raises(ValueError, match="weights"):
        key_of(single(), weights=((1.0, 1.0),))
    with pytest.raises(ValueError, match="positive weight"):
        key_of(single(), single("t"), weights=((1.0, 0.0), (1.0, 0.0)), competences=("a", "b"))
    with pytest.raises(ValueError, match="cut_scores"):
        key_of(single(), cuts=(10, 50, 70, 85))
    with pytest.raises(ValueError, match="essay"):
        key_of(ItemKey("e", "essay"))


# --- batches and the reference --------------------------------------------------------------


def generated_key(rng: random.Random, items: int = 60, competences: int = 6) -> ScoringKey:
    makers = [
        lambda i: single(i, rng.choice("abc")),
        lambda i: multiple(i, rng.random() < 0.5),
        lambda i: likert(i, rng.random() < 0.3),
        situational,
        lambda i: numeric(i, rng.choice([2.5, 10, -3.75]), rng.choice([0, 0.5, 1])),
        lambda i: ItemKey(i, "matching", size=rng.randint(3, 5), choices=7),
        lambda i: ordering(i, rng.randint(3, 6)),
    ]
    keys = tuple(makers[n % len(makers)](f"i{n}") for n in range(items))
    weights = []
    for n in range(items):
        row = [0.0] * competences
        row[n % competences] = 1.0
        if rng.random() < 0.3:
            row[rng.randrange(competences)] = rng.choice([0.25, 0.5, 1.0])
        weights.append(tuple(row))
    names = tuple(f"c{c}" for c in range(competences))
    thresholds = tuple(rng.choice([50.0, 60.0, 65.0]) for _ in names)
    return ScoringKey(keys, names, tuple(weights), thresholds, LEVELS, CUTS)


def random_answer(rng: random.Random, item: ItemKey):
    if rng.random() < 0.15:
        return None
    if item.type in ("single_choice", "situational"):
        return rng.choice(item.options)
    if item.type == "multiple_choice":
        return rng.sample(item.options, rng.randint(0, len(item.options)))
    if item.type == "likert":
        return rng.choice(item.points)
    if item.type == "numeric":
        return item.answer + rng.choice([0, 0.5, -0.5, 1, 3])
    if item.type == "matching":
        return [rng.choice([None, *range(item.choices)]) for _ in range(item.size)]
    return rng.sample(range(item.size), item.size)


def test_batch_and_single_scoring_agree():
    rng = random.Random(7)
    key = generated_key(rng)
    attempts = [{i.id: random_answer(rng, i) for i in key.items} for _ in range(50)]
    batch = score_attempts(key, attempts)
    for index, answers in enumerate(attempts):
        single_result, batch_result = score_attempt(key, answers), batch.attempt(index)
        # The matrix product may sum in another order for another batch size: equal to the ulp.
        assert batch_result.item_scores == single_result.item_scores
        assert batch_result.total == pytest.approx(single_result.total, rel=1e-12)
        for got, expected in zip(batch_result.competences, single_result.competences, strict=True):
            assert got.score == pytest.approx(expected.score, rel=1e-12)
            assert (got.competence, got.level, got.deficit) == (
                expected.competence,
                expected.level,
                expected.deficit,
            )


def test_numpy_scoring_agrees_with_the_pure_python_reference():
    rng = random.Random(2024)
    key = generated_key(rng)
    attempts = [{i.id: random_answer(rng, i) for i in key.items} for _ in range(300)]
    batch = score_attempts(key, attempts)
    for index, answers in enumerate(attempts):
        expected = scoring_reference.score_attempt(key, answers)
        result = batch.attempt(index)
        assert result.item_scores == pytest.approx(tuple(expected["items"].values()), abs=1e-12)
        assert result.total == pytest.approx(expected["total"], abs=1e-9)
        for competence in result.competences:
            reference = expected["competences"][competence.competence]
            assert competence.score == pytest.approx(reference["score"], abs=1e-9)
            assert competence.depth == pytest.approx(reference["depth"], abs=1e-9)
            assert (competence.level, competence.deficit) == (
                reference["level"],
                reference["deficit"],
            )
    assert np.isfinite(batch.competence_scores).all()


# --- layering -------------------------------------------------------------------------------


def test_analytics_imports_only_numpy_the_standard_library_and_itself():
    for path in sorted(Path(scoring.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                # `from . import x` stays in the package; `from .. import x` leaves it.
                assert node.level <= 1, (path.name, node.lineno)
                names = [node.module or ""] if node.level == 0 else []
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                inside = name == "competence.analytics" or name.startswith("competence.analytics.")
                allowed = top in sys.stdlib_module_names or top == "numpy" or inside
                assert allowed, (path.name, node.lineno, name)
