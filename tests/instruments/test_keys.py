"""Compiling a validated instrument into the scoring key, and scoring an attempt with it."""

from pathlib import Path

import pytest

from competence.analytics.scoring import ItemKey, score_attempt
from competence.instruments.keys import scoring_key
from competence.instruments.validation import validate_tree

ROOT = Path(__file__).resolve().parents[2]
SCALES = {s.id: s for s in validate_tree(ROOT / "instruments" / "scales").objects}
(_, INSTRUMENT) = validate_tree(
    Path(__file__).parent / "fixtures" / "valid", references=SCALES.values()
).objects
KEY = scoring_key(INSTRUMENT, SCALES)


def test_key_takes_cut_scores_thresholds_and_weights_from_the_instrument():
    assert KEY.levels == ("low", "basic", "sufficient", "high")
    assert KEY.cut_scores == (0, 45, 65, 85)  # basic and sufficient overridden
    assert KEY.competences == ("lesson-planning", "assessment", "motivation")
    assert KEY.thresholds == (65, 65, 60)
    assert KEY.weights[1] == (1.0, 0.5, 0.0)
    assert KEY.weights[8] == (0.5, 0.0, 1.0)


def test_item_keys_carry_what_each_type_is_scored_by():
    first, second, third, fourth, fifth, _, seventh, eighth, ninth = KEY.items
    assert first == ItemKey("st-01", "single_choice", ("a", "b", "c"), (1.0, 0.0, 0.0))
    assert (second.credit, second.all_or_nothing) == ((1.0, 1.0, 0.0, 1.0), True)
    assert (third.size, fifth.size, fifth.choices) == (4, 3, 4)
    assert (fourth.answer, fourth.tolerance) == (3.5, 0.05)
    assert (seventh.points, seventh.reversed) == ((1, 2, 3, 4, 5), False)
    assert eighth.reversed
    assert ninth.credit == (1.0, 0.5, 0.0)


def test_scoring_an_attempt_on_the_compiled_key():
    result = score_attempt(
        KEY,
        {
            "st-01": "a",  # 1
            "st-02": ["a", "b"],  # all or nothing: 0
            "st-03": [1, 0, 2, 3],  # one adjacent swap: 5/6
            "st-04": 3.55,  # at the tolerance: 1
            "st-05": [0, 3, None],  # one of three, a distractor, one left open: 1/3
            "st-06": ["a", "c"],  # partial: (1 - 1) / 2 = 0
            "st-07": 4,  # 0.75
            "st-08": 2,  # reversed: (5 - 2) / 4 = 0.75
            "st-09": "b",  # 0.5
        },
    )
    planning, assessment, motivation = result.competences
    assert planning.score == pytest.approx((1 + 0 + 5 / 6 + 0.5 * 0.5) / 3.5 * 100)  # 59.52
    assert (planning.level, planning.deficit) == ("basic", True)
    assert assessment.score == pytest.approx((0.5 * 0 + 1 + 1 / 3 + 0) / 3.5 * 100)  # 38.10
    assert assessment.depth == pytest.approx(65 - assessment.score)
    assert motivation.score == pytest.approx((0.75 + 0.5 * 0.75 + 0.5) / 2.5 * 100)  # 65
    # 65 reaches the overridden cut score of "sufficient" and the threshold of 60
    assert (motivation.level, motivation.deficit, motivation.depth) == ("sufficient", False, 0)
