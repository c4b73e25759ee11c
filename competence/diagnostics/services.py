"""Starting, saving, submitting and scoring attempts; retake rules; who is offered what."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from blinker import Namespace
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from competence.accounts.models import Role, User
from competence.analytics.scoring import score_attempt
from competence.database import utcnow
from competence.diagnostics.answers import AnswerError, item_by_id, parse_answer, raw_from_form
from competence.diagnostics.models import (
    Attempt,
    AttemptAnswer,
    AttemptStatus,
    CompetenceScore,
    SubmitReason,
)
from competence.extensions import db
from competence.instruments import spec
from competence.instruments.library import (
    CompiledInstrument,
    compiled,
    compiled_version,
    latest_published_versions,
)
from competence.instruments.models import ContentDocument, ContentKind, ContentVersion
from competence.instruments.presentation import shuffled_layout
from competence.outbox.services import external_url, queue_email

# Sent inside the transaction that stores a result, so other domains (development tracks)
# can record what it means for them atomically; receivers get the attempt.
signals = Namespace()
attempt_submitted = signals.signal("attempt-submitted")
# Sent after that transaction is committed, for work that must not hold it back or undo it
# (issuing a certificate).
attempt_recorded = signals.signal("attempt-recorded")

# A save that left the browser just before the deadline may arrive a moment after it: the
# page's countdown starts when the page arrives (late by its transfer time), and the last save
# then travels too. Three seconds cover both on a slow mobile connection.
DEADLINE_GRACE = timedelta(seconds=3)
# Sequence numbers are stored as 32-bit integers; a save naming one beyond is refused.
MAX_SEQUENCE = 2**31 - 2
# Diagnostics are taken by school staff; the institute's staff see instruments as previews.
TAKER_ROLES = frozenset({Role.TEACHER, Role.DIRECTOR})
# Attempts per year are counted over this sliding window.
YEAR = timedelta(days=365)


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


class RetakeRefused(Exception):
    """The instrument's retake rules do not allow a new attempt yet; the message says when."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class RetakeStatus:
    """Whether a new attempt may start now, and if not, why and from when."""

    allowed: bool
    message: str | None = None
    available_from: datetime | None = None


@dataclass(frozen=True)
class Offer:
    """A diagnostic offered to a user, with its state for that user."""

    document: ContentDocument
    version: ContentVersion
    instrument: spec.Instrument
    open_attempt: Attempt | None
    last_submitted: Attempt | None
    retake: RetakeStatus


def takes_diagnostics(user: User) -> bool:
    """Tell whether the user's role is one that takes diagnostics (teachers and directors)."""
    return user.role in TAKER_ROLES


def offered_to(instrument: spec.Instrument, user: User) -> bool:
    """Tell whether an instrument's audience includes the user (role, position and subjects)."""
    if not takes_diagnostics(user):
        return False
    audience = instrument.audience
    if user.position not in audience.positions:
        return False
    return not audience.subjects or bool(set(audience.subjects) & set(user.subjects))


def _attempts(user: User, document_id: int) -> list[Attempt]:
    """Return the user's attempts at an instrument, oldest first."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user.id, Attempt.document_id == document_id)
            .order_by(Attempt.started_at, Attempt.id)
        )
    )


def retake_status(user: User, instrument: spec.Instrument, attempts: list[Attempt]) -> RetakeStatus:
    """Apply the instrument's retake rules (cool-down, attempts per year) to a user's attempts."""
    now = utcnow()
    submitted = [a for a in attempts if a.is_submitted]
    if submitted:
        ready = submitted[-1].submitted_at + timedelta(days=instrument.retake.cooldown_days)
        if now < ready:
            return RetakeStatus(
                False,
                _l("You can take it again from %(date)s.", date=format_date(ready, "long")),
                ready,
            )
    recent = sorted(a.started_at for a in attempts if a.started_at > now - YEAR)
    limit = instrument.retake.attempts_per_year
    if len(recent) >= limit:
        ready = recent[-limit] + YEAR
        return RetakeStatus(
            False,
            _l(
                "All %(limit)d attempts of the last 12 months are used; the next one opens "
                "on %(date)s.",
                limit=limit,
                date=format_date(ready, "long"),
            ),
            ready,
        )
    return RetakeStatus(True)


def offers_for(user: User) -> list[Offer]:
    """Return the diagnostics offered to the user, with open attempts and retake states."""
    offers = []
    for version in latest_published_versions(ContentKind.INSTRUMENT):
        if version.document.retired:
            continue
        instrument = compiled(version).instrument
        if not offered_to(instrument, user):
            continue
        attempts = _attempts(user, version.document_id)
        for attempt in attempts:
            close_if_expired(attempt)
        open_attempt = next((a for a in attempts if not a.is_submitted), None)
        submitted = [a for a in attempts if a.is_submitted]
        offers.append(
            Offer(
                version.document,
                version,
                instrument,
                open_attempt,
                submitted[-1] if submitted else None,
                retake_status(user, instrument, attempts),
            )
        )
    return offers


def start(user: User, document: ContentDocument) -> Attempt:
    """Resume the user's open attempt at an instrument, or start one if the rules allow."""
    attempts = _attempts(user, document.id)
    for attempt in attempts:
        close_if_expired(attempt)
        if not attempt.is_submitted:
            return attempt
    version = document.latest_published
    if version is None or document.retired:
        raise RetakeRefused(_l("This diagnostic is not available."))
    instrument = compiled(version).instrument
    if not takes_diagnostics(user):
        raise RetakeRefused(
            _l(
                "Diagnostics are taken by teachers and school leaders; the institute's staff "
                "can see an instrument through its preview."
            )
        )
    if not offered_to(instrument, user):
        raise RetakeRefused(_l("This diagnostic is meant for other positions or subjects."))
    status = retake_status(user, instrument, attempts)
    if not status.allowed:
        raise RetakeRefused(status.message)
    now = utcnow()
    attempt = Attempt(
        user_id=user.id,
        document_id=document.id,
        version_id=version.id,
        started_at=now,
        deadline_at=now + timedelta(minutes=instrument.time_limit_minutes),
        layout=shuffled_layout(instrument, random.SystemRandom()),
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt


def instrument_of(attempt: Attempt) -> CompiledInstrument:
    """Return the instrument version an attempt is taken on."""
    return compiled_version(attempt.version_id)


def count_answers(attempt: Attempt) -> int:
    """Return how many items of an attempt have an answer."""
    return db.session.scalar(
        select(func.count())
        .select_from(AttemptAnswer)
        .where(AttemptAnswer.attempt_id == attempt.id)
    )


def answers_of(attempt: Attempt) -> dict:
    """Return the saved answers of an attempt by item id."""
    return {answer.item_id: answer.value for answer in attempt.answers}


def close_if_expired(attempt: Attempt) -> bool:
    """Submit an attempt whose time ran out, with what was saved; tell whether it did."""
    if attempt.is_submitted or utcnow() <= attempt.deadline_at + DEADLINE_GRACE:
        return False
    submit(attempt, SubmitReason.TIMEOUT)
    return True


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
    item = item_by_id(ready.instrument, item_id) if isinstance(item_id, str) else None
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


def save_form(attempt: Attempt, form, sequence: int) -> tuple[int, dict[str, str]]:
    """Save every answer of a plain form post; return the new sequence and per-item errors.

    Answers that fit are saved; an answer that does not is reported and the previously saved
    answer of that item is kept. A post naming an old sequence is stale (StaleSequence) unless
    it would change nothing: the autosave of the same page may have saved the same answers
    first (the last one typed is sent as the button is clicked).
    """
    check_sequence(sequence)
    ready = instrument_of(attempt)
    values, errors = {}, {}
    for item in ready.instrument.items:
        try:
            values[item.id] = parse_answer(item, ready.scales, raw_from_form(item, form))
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


def submit(attempt: Attempt, reason: str = SubmitReason.TAKER) -> Attempt:
    """End an attempt once, score it and store the results; a second call changes nothing."""
    now = utcnow()
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.IN_PROGRESS)
        .values(status=AttemptStatus.SUBMITTED, submitted_at=now, submit_reason=reason)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        db.session.refresh(attempt)
        return attempt
    db.session.refresh(attempt)
    ready = instrument_of(attempt)
    result = score_attempt(ready.scoring_key, answers_of(attempt))
    attempt.total_score = result.total
    attempt.item_scores = {
        item.id: score
        for item, score in zip(ready.instrument.items, result.item_scores, strict=True)
    }
    for row in result.competences:
        attempt.competence_scores.append(
            CompetenceScore(
                competence=row.competence,
                score=row.score,
                level=row.level,
                threshold=ready.instrument.threshold(row.competence),
                deficit=row.deficit,
                depth=row.depth,
            )
        )
    user = attempt.user
    queue_email(
        "diagnostic_result",
        user.email,
        _l("Your diagnostic results are ready"),
        "diagnostic_result",
        locale=user.locale,
        user=user,
        title=ready.instrument.title,
        deficits=sum(1 for row in result.competences if row.deficit),
        timeout=reason == SubmitReason.TIMEOUT,
        link=external_url("diagnostics.result", attempt_id=attempt.id),
    )
    attempt_submitted.send(attempt)
    db.session.commit()
    attempt_recorded.send(attempt)
    return attempt


def close_expired() -> int:
    """Submit every attempt whose time ran out; return how many."""
    due = db.session.scalars(
        select(Attempt).where(
            Attempt.status == AttemptStatus.IN_PROGRESS,
            Attempt.deadline_at < utcnow() - DEADLINE_GRACE,
        )
    ).all()
    return sum(close_if_expired(attempt) for attempt in due)


def history(user: User) -> list[Attempt]:
    """Return the user's submitted attempts, newest first."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user.id, Attempt.status == AttemptStatus.SUBMITTED)
            .order_by(Attempt.submitted_at.desc())
        )
    )


def submitted_before(attempt: Attempt) -> list[Attempt]:
    """Return the same user's earlier submitted attempts at the same instrument, oldest first."""
    return [
        other
        for other in _attempts(attempt.user, attempt.document_id)
        if other.is_submitted and other.submitted_at < attempt.submitted_at
    ]


def count_in_progress() -> int:
    """Return the number of attempts in progress now."""
    return db.session.scalar(
        select(func.count(Attempt.id)).where(Attempt.status == AttemptStatus.IN_PROGRESS)
    )
