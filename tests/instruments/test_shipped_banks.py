"""The shipped instruments are item banks: at least 10 items per competence, 6 per sitting."""

from pathlib import Path

import pytest

from competence.instruments.validation import validate_tree

INSTRUMENTS = Path(__file__).resolve().parents[2] / "instruments"


def shipped():
    result = validate_tree(INSTRUMENTS)
    assert result.errors == ()
    return [obj for obj in result.objects if hasattr(obj, "items_per_competence")]


@pytest.mark.parametrize("instrument", shipped(), ids=lambda obj: obj.id)
def test_every_competence_has_a_bank_of_ten_and_a_form_of_six(instrument):
    assert instrument.items_per_competence is not None and instrument.items_per_competence >= 6
    for competence in instrument.competences:
        linked = [item for item in instrument.items if competence in dict(item.competences)]
        assert len(linked) >= 10, competence
        # Forms are matched on difficulty: every bank states it for every item.
        assert all(item.difficulty in ("easy", "medium", "hard") for item in linked)
