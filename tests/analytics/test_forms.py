"""Drawing a sitting's form from an item bank: sizes, matching, unseen items first, seeds."""

import random
import statistics

import pytest

from competence.analytics.forms import (
    STATED_LOGITS,
    BankItem,
    difficulties,
    draw_form,
    form_key,
    sitting_size,
    strata,
)
from competence.analytics.scoring import ItemKey, ScoringKey, score_attempt


def bank_of(competences=("a", "b"), size=12, calibrated=True):
    """Return a bank of `size` items per competence, difficulties spread from -2 to +2."""
    bank = []
    for competence in competences:
        for n in range(size):
            difficulty = -2 + 4 * n / (size - 1)
            stated = "easy" if difficulty < -0.7 else "hard" if difficulty > 0.7 else "medium"
            bank.append(
                BankItem(
                    f"{competence}-{n:02d}",
                    (competence,),
                    stated,
                    difficulty if calibrated else None,
                )
            )
    return bank


def of(bank, competence, drawn):
    return [i for i in drawn if competence in next(b for b in bank if b.id == i).competences]


def test_each_competence_gets_k_items_from_its_own_bank():
    bank = bank_of(("a", "b", "c"), size=12)
    drawn = draw_form(bank, 5, set(), random.Random(1))
    assert len(drawn) == 15
    assert len(set(drawn)) == 15
    for competence in "abc":
        assert len(of(bank, competence, drawn)) == 5


def test_drawn_ids_follow_the_bank_order():
    bank = bank_of(("a", "b"), size=10)
    drawn = draw_form(bank, 4, set(), random.Random(3))
    order = [item.id for item in bank]
    assert list(drawn) == sorted(drawn, key=order.index)


def test_a_bank_no_larger_than_k_is_drawn_whole():
    bank = bank_of(("a",), size=4)
    assert draw_form(bank, 4, set(), random.Random(0)) == tuple(item.id for item in bank)
    assert draw_form(bank, 6, set(), random.Random(0)) == tuple(item.id for item in bank)


def test_strata_split_evenly():
    assert [len(s) for s in strata(list("abcdefghij"), 3)] == [3, 3, 4]
    assert sum(strata(list("abcdefg"), 7), []) == list("abcdefg")


def test_one_item_per_stratum_keeps_the_form_matched_to_the_bank():
    bank = bank_of(("a",), size=30)
    scale = difficulties(bank, "a")
    bank_mean = statistics.mean(scale.values())
    layers = strata(sorted(scale, key=scale.get), 6)
    # The form's mean lies within the mean width of a stratum of the bank's mean.
    bound = statistics.mean(scale[layer[-1]] - scale[layer[0]] for layer in layers)
    random_means = []
    for seed in range(200):
        drawn = draw_form(bank, 6, set(), random.Random(seed))
        assert abs(statistics.mean(scale[i] for i in drawn) - bank_mean) <= bound + 1e-12
        # One item from each stratum: the easiest and the hardest sixth are both represented.
        assert all(len(set(layer) & set(drawn)) == 1 for layer in layers)
        random_means.append(
            statistics.mean(scale[i] for i in random.Random(seed).sample(list(scale), 6))
        )
    stratified = [
        statistics.mean(scale[i] for i in draw_form(bank, 6, set(), random.Random(seed)))
        for seed in range(200)
    ]
    # Stratifying makes forms more alike than drawing at random does.
    assert statistics.pstdev(stratified) < statistics.pstdev(random_means) / 2


def test_stated_difficulty_is_used_until_every_item_of_a_competence_is_calibrated():
    bank = bank_of(("a",), size=6, calibrated=False)
    assert set(difficulties(bank, "a").values()) <= set(STATED_LOGITS.values())
    bank[0] = BankItem(bank[0].id, ("a",), bank[0].stated, 3.5)
    assert 3.5 not in difficulties(bank, "a").values()  # one calibrated item is not enough
    calibrated = bank_of(("a",), size=6)
    assert difficulties(calibrated, "a")["a-00"] == -2.0


def test_stated_difficulties_match_forms_before_calibration():
    bank = [BankItem(f"e{n}", ("a",), "easy") for n in range(4)]
    bank += [BankItem(f"m{n}", ("a",), "medium") for n in range(4)]
    bank += [BankItem(f"h{n}", ("a",), "hard") for n in range(4)]
    for seed in range(50):
        drawn = draw_form(bank, 3, set(), random.Random(seed))
        assert sorted(i[0] for i in drawn) == ["e", "h", "m"]


def test_a_retake_gets_unseen_items_when_the_bank_has_them():
    bank = bank_of(("a", "b"), size=12)
    first = draw_form(bank, 6, set(), random.Random(7))
    second = draw_form(bank, 6, set(first), random.Random(8))
    assert not set(first) & set(second)
    for competence in "ab":
        assert len(of(bank, competence, second)) == 6


def test_unseen_items_come_before_difficulty_matching():
    bank = bank_of(("a",), size=12)
    # The teacher has seen the easiest four: strata without unseen items borrow the nearest.
    seen = {"a-00", "a-01", "a-02", "a-03"}
    for seed in range(30):
        drawn = draw_form(bank, 6, seen, random.Random(seed))
        assert len(drawn) == 6
        assert not seen & set(drawn)
        # The nearest unseen items stand in for the easy strata.
        assert "a-04" in drawn and "a-05" in drawn


def test_seen_items_fill_in_only_when_the_bank_runs_out_of_unseen_ones():
    bank = bank_of(("a",), size=10)
    seen = {item.id for item in bank[:7]}
    for seed in range(30):
        drawn = draw_form(bank, 6, seen, random.Random(seed))
        assert len(drawn) == 6
        assert {"a-07", "a-08", "a-09"} <= set(drawn)
        assert len(set(drawn) & seen) == 3
    everything = {item.id for item in bank}
    assert len(draw_form(bank, 6, everything, random.Random(0))) == 6


def test_an_item_of_two_competences_counts_for_both():
    bank = [BankItem(f"x{n}", ("a", "b")) for n in range(6)]
    bank += [BankItem(f"b{n}", ("b",)) for n in range(6)]
    for seed in range(30):
        drawn = draw_form(bank, 4, set(), random.Random(seed))
        # Four shared items serve a, and with them b is full: b draws nothing of its own.
        assert len(drawn) == 4
        assert all(i.startswith("x") for i in drawn)


def test_shared_items_count_towards_the_later_competence():
    bank = [BankItem(f"a{n}", ("a",)) for n in range(6)]
    bank += [BankItem(f"x{n}", ("a", "b")) for n in range(2)]
    bank += [BankItem(f"b{n}", ("b",)) for n in range(6)]
    for seed in range(50):
        drawn = draw_form(bank, 4, set(), random.Random(seed))
        assert len(of(bank, "a", drawn)) == 4
        shared = len([i for i in drawn if i.startswith("x")])
        # b counts the shared items a drew and draws only the rest of its k.
        assert len(of(bank, "b", drawn)) == 4
        assert len([i for i in drawn if i.startswith("b")]) == 4 - shared


def test_the_same_seed_draws_the_same_form():
    bank = bank_of(("a", "b", "c"), size=15)
    seen = {"a-03", "b-07", "c-11"}
    first = draw_form(bank, 6, seen, random.Random(42))
    assert draw_form(bank, 6, seen, random.Random(42)) == first
    others = {draw_form(bank, 6, seen, random.Random(seed)) for seed in range(10)}
    assert len(others) > 1


def test_the_form_key_scores_only_drawn_items():
    items = tuple(
        ItemKey(f"i{n}", "single_choice", ("a", "b", "c"), (1.0, 0.0, 0.0)) for n in range(6)
    )
    key = ScoringKey(
        items=items,
        competences=("c1",),
        weights=tuple((1.0,) for _ in items),
        thresholds=(65.0,),
        levels=("low", "high"),
        cut_scores=(0.0, 50.0),
    )
    sitting = form_key(key, {"i1", "i3", "i4"})
    assert [item.id for item in sitting.items] == ["i1", "i3", "i4"]
    result = score_attempt(sitting, {"i1": "a", "i3": "a", "i4": "a"})
    assert result.total == pytest.approx(100.0)  # the undrawn items do not count as 0
    assert score_attempt(key, {"i1": "a", "i3": "a", "i4": "a"}).total == pytest.approx(50.0)


def test_sitting_size():
    assert sitting_size([("a",)] * 10, None) == (10, True)
    assert sitting_size([("a",)] * 10 + [("b",)] * 10, 6) == (12, True)
    assert sitting_size([("a",)] * 4 + [("b",)] * 10, 6) == (10, True)
    assert sitting_size([("a", "b")] + [("a",)] * 9 + [("b",)] * 9, 6) == (12, False)
