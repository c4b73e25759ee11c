"""Submitting and scoring attempts, by the taker or by the clock."""

from datetime import timedelta

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from competence.analytics.scoring import score_attempt
from competence.database import utcnow
from competence.diagnostics.models import Attempt, AttemptStatus, CompetenceScore, SubmitReason
from competence.diagnostics.sittings import attempt_key
from competence.extensions import db
from competence.instruments.library import CompiledInstrument, compiled_version
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


def instrument_of(attempt: Attempt) -> CompiledInstrument:
    """Return the instrument version an attempt is taken on."""
    return compiled_version(attempt.version_id)


def answers_of(attempt: Attempt) -> dict:
    """Return the saved answers of an attempt by item id."""
    return {answer.item_id: answer.value for answer in attempt.answers}


def close_if_expired(attempt: Attempt) -> bool:
    """Submit an attempt whose time ran out, with what was saved; tell whether it did."""
    if attempt.is_submitted or utcnow() <= attempt.deadline_at + DEADLINE_GRACE:
        return False
    submit(attempt, SubmitReason.TIMEOUT)
    return True


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
    # A sitting drawn from an item bank is scored over its form: an item it never showed is
    # not a wrong answer.
    key = attempt_key(attempt, ready.scoring_key)
    answers = {k: v for k, v in answers_of(attempt).items() if k in key.item_ids}
    result = score_attempt(key, answers)
    attempt.total_score = result.total
    attempt.item_scores = {
        item.id: score for item, score in zip(key.items, result.item_scores, strict=True)
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
