"""Saving answers: one at a time from the page's script, or all at once from a plain form.

Every accepted save moves the attempt's sequence number on (compare-and-set), so a stale tab
or a replayed request cannot overwrite a newer answer.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from competence.database import utcnow
from competence.diagnostics.answers import AnswerError, parse_answer, raw_from_form
from competence.diagnostics.models import Attempt, AttemptAnswer, AttemptStatus
from competence.diagnostics.pagetokens import attempt_tokens, from_page
from competence.diagnostics.sittings import attempt_item, attempt_items
from competence.diagnostics.submission import answers_of, close_if_expired, instrument_of
from competence.extensions import db

# Sequence numbers are stored as 32-bit integers; a save naming one beyond is refused.
MAX_SEQUENCE = 2**31 - 2


class AttemptClosed(Exception):
    """The attempt is submitted or its time is up: nothing more can be saved (409)."""


class StaleSequence(Exception):
    """A save named an old sequence number: a newer save came first (409).

    For a form post, `values` and `errors` hold what the post carried, so the page can show it
    again instead of losing it.
    """

    def __init__(self, current: int, values: dict | None = None, errors: dict | None = None):
        super().__init__(f"current sequence is {current}")
        self.current = current
        self.values = values or {}
        self.errors = errors or {}


class UnknownItem(Exception):
    """A save named an item that is not part of the attempt (400)."""


def count_answers(attempt: Attempt) -> int:
    """Return how many items of an attempt have an answer."""
    return db.session.scalar(
        select(func.count())
        .select_from(AttemptAnswer)
        .where(AttemptAnswer.attempt_id == attempt.id)
    )


def _claim_sequence(attempt: Attempt, sequence: int) -> int:
    """Take the next sequence number if `sequence` is the current one; raise otherwise."""
    if close_if_expired(attempt) or attempt.is_submitted:
        raise AttemptClosed()
    claimed = db.session.execute(
        update(Attempt)
        .where(
            Attempt.id == attempt.id,
            Attempt.sequence == sequence,
            Attempt.status == AttemptStatus.IN_PROGRESS,
        )
        .values(sequence=sequence + 1)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        db.session.refresh(attempt)
        if attempt.is_submitted:
            raise AttemptClosed()
        raise StaleSequence(attempt.sequence)
    return sequence + 1


UPSERTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


def _store(attempt: Attempt, item_id: str, value) -> None:
    """Write (or clear) one answer in the current transaction, in one statement."""
    key = (AttemptAnswer.attempt_id == attempt.id) & (AttemptAnswer.item_id == item_id)
    if value is None:
        db.session.execute(delete(AttemptAnswer).where(key))
        return
    insert = UPSERTS[db.session.get_bind().dialect.name](AttemptAnswer).values(
        attempt_id=attempt.id, item_id=item_id, value=value, saved_at=utcnow()
    )
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=[AttemptAnswer.attempt_id, AttemptAnswer.item_id],
            set_={"value": insert.excluded.value, "saved_at": insert.excluded.saved_at},
        )
    )


@dataclass(frozen=True)
class Progress:
    """What the taker's page shows after a save."""

    sequence: int
    answered: int
    total: int
    remaining: int


def progress(attempt: Attempt) -> Progress:
    """Return the sequence, answered items and seconds left of an attempt."""
    left = (attempt.deadline_at - utcnow()).total_seconds()
    return Progress(
        attempt.sequence, count_answers(attempt), len(attempt.layout["items"]), max(0, int(left))
    )


def check_sequence(sequence) -> None:
    """Refuse a sequence number that is missing, not a whole number or out of range."""
    if not isinstance(sequence, int) or isinstance(sequence, bool):
        raise AnswerError(_l("The request has no sequence number."))
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise AnswerError(_l("The request has an invalid sequence number."))


def save_answer(attempt: Attempt, item_id, raw, sequence) -> Progress:
    """Save one answer if `sequence` is current; return the progress after it."""
    if close_if_expired(attempt) or attempt.is_submitted:
        raise AttemptClosed()
    ready = instrument_of(attempt)
    # An item of the bank that this sitting did not draw is as unknown as a made-up id.
    item = attempt_item(attempt, ready.instrument, item_id)
    if item is None:
        raise UnknownItem()
    check_sequence(sequence)
    value = parse_answer(item, ready.scales, raw)  # before claiming: a bad answer changes nothing
    new_sequence = _claim_sequence(attempt, sequence)
    _store(attempt, item.id, value)
    db.session.flush()
    after = progress(attempt)
    db.session.commit()
    return Progress(new_sequence, after.answered, after.total, after.remaining)


def save_page_answer(attempt: Attempt, item_id, raw, sequence) -> Progress:
    """Save one answer as the attempt page sends it (options named by the attempt's tokens)."""
    if close_if_expired(attempt) or attempt.is_submitted:
        raise AttemptClosed()
    ready = instrument_of(attempt)
    # An item of the bank that this sitting did not draw is as unknown as a made-up id.
    item = attempt_item(attempt, ready.instrument, item_id)
    if item is None:
        raise UnknownItem()
    check_sequence(sequence)
    return save_answer(attempt, item_id, from_page(item, attempt_tokens(attempt), raw), sequence)


def save_form(attempt: Attempt, form, sequence: int) -> tuple[int, dict[str, str]]:
    """Save every answer of a plain form post; return the new sequence and per-item errors.

    Answers that fit are saved; an answer that does not is reported and the previously saved
    answer of that item is kept. A post naming an old sequence is stale (StaleSequence) unless
    it would change nothing: the autosave of the same page may have saved the same answers
    first (the last one typed is sent as the button is clicked).
    """
    check_sequence(sequence)
    ready = instrument_of(attempt)
    tokens = attempt_tokens(attempt)
    values, errors = {}, {}
    for item in attempt_items(attempt, ready.instrument):
        try:
            raw = from_page(item, tokens, raw_from_form(item, form, tokens))
            values[item.id] = parse_answer(item, ready.scales, raw)
        except AnswerError as exc:
            errors[item.id] = str(exc.message)
    try:
        new_sequence = _claim_sequence(attempt, sequence)
    except StaleSequence as exc:
        saved = answers_of(attempt)
        if all(saved.get(item_id) == value for item_id, value in values.items()):
            return exc.current, errors
        raise StaleSequence(exc.current, values, errors) from None
    for item_id, value in values.items():
        _store(attempt, item_id, value)
    db.session.commit()
    return new_sequence, errors
