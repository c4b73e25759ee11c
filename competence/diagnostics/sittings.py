"""Which items one sitting shows: the whole instrument, or a form drawn from its item bank.

An instrument with `form: {items_per_competence: k}` draws a form when an attempt starts
(competence.analytics.forms); the drawn ids are stored in the attempt's layout under "form",
and from then on only they are shown, counted, accepted, scored and reviewed. An attempt
without "form" in its layout shows every item of its version, as attempts always did.
"""

import random

from sqlalchemy import select

from competence.analytics.forms import BankItem, draw_form, form_key, sitting_size
from competence.analytics.reliability import MIN_CALIBRATION_ATTEMPTS
from competence.analytics.scoring import ScoringKey
from competence.diagnostics.models import Attempt
from competence.extensions import db
from competence.instruments import spec
from competence.instruments.itemspec import Item
from competence.measurement.models import ItemCalibration


def calibrated_difficulties(document_id: int) -> dict[str, float]:
    """Return the Rasch difficulty of each item from its latest calibration, where it has one.

    Only calibrations over enough attempts count: one recomputed on a handful of attempts
    (an old version, say) must not reshape the forms every later teacher sits.
    """
    rows = db.session.execute(
        select(ItemCalibration.item_id, ItemCalibration.rasch_difficulty)
        .where(
            ItemCalibration.document_id == document_id,
            ItemCalibration.n_attempts >= MIN_CALIBRATION_ATTEMPTS,
        )
        .order_by(ItemCalibration.computed_at, ItemCalibration.id)
    )
    latest: dict[str, float | None] = {}
    for item_id, difficulty in rows:
        latest[item_id] = difficulty  # a later calibration replaces an earlier one
    return {item_id: d for item_id, d in latest.items() if d is not None}


def seen_items(earlier: list[Attempt]) -> set[str]:
    """Return the ids of the items shown in earlier attempts (of any version)."""
    return {item_id for attempt in earlier for item_id in attempt.layout.get("items", ())}


def bank_of(instrument: spec.Instrument, document_id: int) -> list[BankItem]:
    """Return the instrument's items as the draw sees them, with their latest calibrations."""
    calibrated = calibrated_difficulties(document_id)
    return [
        BankItem(
            item.id,
            tuple(competence for competence, _weight in item.competences),
            item.stated_difficulty,
            calibrated.get(item.id),
        )
        for item in instrument.items
    ]


def draw(
    instrument: spec.Instrument, document_id: int, earlier: list[Attempt], rng: random.Random
) -> tuple[str, ...] | None:
    """Return the ids drawn for a new sitting, or None when the instrument has no form."""
    if instrument.items_per_competence is None:
        return None
    bank = bank_of(instrument, document_id)
    return draw_form(bank, instrument.items_per_competence, seen_items(earlier), rng)


def attempt_items(attempt: Attempt, instrument: spec.Instrument) -> tuple[Item, ...]:
    """Return the items of an attempt in written order: its form, or every item."""
    drawn = attempt.layout.get("form")
    if drawn is None:
        return instrument.items
    drawn = set(drawn)
    return tuple(item for item in instrument.items if item.id in drawn)


def attempt_item(attempt: Attempt, instrument: spec.Instrument, item_id) -> Item | None:
    """Return the item with this id if the attempt shows it."""
    if not isinstance(item_id, str):
        return None
    return next((item for item in attempt_items(attempt, instrument) if item.id == item_id), None)


def attempt_key(attempt: Attempt, key: ScoringKey) -> ScoringKey:
    """Return the key that scores an attempt: over its form only, when it has one."""
    drawn = attempt.layout.get("form")
    return key if drawn is None else form_key(key, drawn)


def questions_per_sitting(instrument: spec.Instrument) -> tuple[int, bool]:
    """Return how many items one sitting shows (at most) and whether that number is exact."""
    links = [
        tuple(competence for competence, _weight in item.competences) for item in instrument.items
    ]
    return sitting_size(links, instrument.items_per_competence)
