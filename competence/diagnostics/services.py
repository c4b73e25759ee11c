"""Offers and starting attempts, the results so far; the diagnostics' operations in one place.

The work is split by topic: `rules` (who is offered what, retakes), `saving` (answers) and
`submission` (scoring and closing attempts); their names are available from here too.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from competence.accounts.models import User
from competence.database import utcnow
from competence.diagnostics import sittings
from competence.diagnostics.models import Attempt, AttemptStatus
from competence.diagnostics.rules import (
    TAKER_ROLES,
    YEAR,
    RetakeStatus,
    attempts_of,
    offered_to,
    retake_status,
    takes_diagnostics,
)
from competence.diagnostics.saving import (
    MAX_SEQUENCE,
    AttemptClosed,
    Progress,
    StaleSequence,
    UnknownItem,
    check_sequence,
    count_answers,
    progress,
    save_answer,
    save_form,
    save_page_answer,
)
from competence.diagnostics.sittings import attempt_items
from competence.diagnostics.submission import (
    DEADLINE_GRACE,
    answers_of,
    attempt_recorded,
    attempt_submitted,
    close_expired,
    close_if_expired,
    instrument_of,
    submit,
)
from competence.extensions import db
from competence.instruments import spec
from competence.instruments.library import compiled, latest_published_versions
from competence.instruments.models import ContentDocument, ContentKind, ContentVersion
from competence.instruments.presentation import shuffled_layout

__all__ = [
    "DEADLINE_GRACE",
    "MAX_SEQUENCE",
    "TAKER_ROLES",
    "YEAR",
    "AttemptClosed",
    "Offer",
    "Progress",
    "RetakeRefused",
    "RetakeStatus",
    "StaleSequence",
    "UnknownItem",
    "answers_of",
    "attempt_items",
    "attempt_recorded",
    "attempt_submitted",
    "check_sequence",
    "close_expired",
    "close_if_expired",
    "count_answers",
    "count_in_progress",
    "history",
    "instrument_of",
    "offered_to",
    "offers_for",
    "progress",
    "retake_status",
    "save_answer",
    "save_form",
    "save_page_answer",
    "start",
    "submit",
    "submitted_before",
    "takes_diagnostics",
]


class RetakeRefused(Exception):
    """The instrument's retake rules do not allow a new attempt yet; the message says when."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Offer:
    """A diagnostic offered to a user, with its state for that user."""

    document: ContentDocument
    version: ContentVersion
    instrument: spec.Instrument
    open_attempt: Attempt | None
    last_submitted: Attempt | None
    retake: RetakeStatus

    @property
    def questions(self) -> tuple[int, bool]:
        """Return how many questions a sitting shows and whether that number is exact."""
        if self.open_attempt is not None:
            return len(self.open_attempt.layout["items"]), True
        return sittings.questions_per_sitting(self.instrument)


def offers_for(user: User) -> list[Offer]:
    """Return the diagnostics offered to the user, with open attempts and retake states."""
    offers = []
    for version in latest_published_versions(ContentKind.INSTRUMENT):
        if version.document.retired:
            continue
        instrument = compiled(version).instrument
        if not offered_to(instrument, user):
            continue
        attempts = attempts_of(user, version.document_id)
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
    attempts = attempts_of(user, document.id)
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
    rng = random.SystemRandom()
    drawn = sittings.draw(instrument, document.id, attempts, rng)
    now = utcnow()
    attempt = Attempt(
        user_id=user.id,
        document_id=document.id,
        version_id=version.id,
        started_at=now,
        deadline_at=now + timedelta(minutes=instrument.time_limit_minutes),
        layout=shuffled_layout(instrument, rng, drawn),
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt


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
        for other in attempts_of(attempt.user, attempt.document_id)
        if other.is_submitted and other.submitted_at < attempt.submitted_at
    ]


def count_in_progress() -> int:
    """Return the number of attempts in progress now."""
    return db.session.scalar(
        select(func.count(Attempt.id)).where(Attempt.status == AttemptStatus.IN_PROGRESS)
    )
