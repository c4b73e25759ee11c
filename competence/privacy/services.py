"""Consent withdrawal and deletion of a person's data; retention of what is kept for a while.

Deleting keeps the user row as an anonymous placeholder with the same school, position and
results, so a director's staff profile and the regional figures do not change; everything that
names or reaches the person (name, e-mail, password, evidence, letters, sign-in traces,
certificates' names and PDFs) goes.
"""

import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from competence import audit
from competence.accounts.models import AccountToken, ConsentRecord, User
from competence.accounts.passwords import hash_password
from competence.accounts.services import end_access
from competence.audit import AuditEvent
from competence.certificates.models import Certificate
from competence.database import utcnow
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.outbox.services import queue_email
from competence.privacy.models import DeletionRequest, DeletionStatus
from competence.tracks.models import (
    DevelopmentGoals,
    DevelopmentTrack,
    EvidenceFile,
    TrackModule,
)
from competence.training.enrolment import withdraw_all
from competence.tutoring.models import Consultation, EvidenceReview

ANONYMOUS_NAME = "Удалённый пользователь"
ANONYMOUS_DOMAIN = "deleted.invalid"  # RFC 2606: never delivered


class PrivacyError(Exception):
    """A refused privacy operation; the message is for the person, `status` for HTTP."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


def pending_request(user) -> DeletionRequest | None:
    """Return the person's open deletion request, if any."""
    return db.session.scalar(
        select(DeletionRequest).where(
            DeletionRequest.user_id == user.id, DeletionRequest.status == DeletionStatus.PENDING
        )
    )


def request_deletion(user, reason: str | None) -> DeletionRequest:
    """Withdraw consent and ask for the account's deletion; an administrator confirms it."""
    if pending_request(user) is not None:
        raise PrivacyError(_l("Your request to delete the account is already waiting."))
    request = DeletionRequest(user_id=user.id, reason=(reason or "").strip() or None)
    db.session.add(request)
    audit.record("deletion_requested", user, "user", user.id)
    queue_email(
        "deletion_requested",
        user.email,
        _l("Your request to delete the account"),
        "deletion_requested",
        locale=user.locale,
        user=user,
    )
    db.session.commit()
    return request


def cancel_deletion(user) -> None:
    """Take back one's own open deletion request."""
    request = pending_request(user)
    if request is None:
        raise PrivacyError(_l("There is no request to cancel."), 404)
    request.status = DeletionStatus.CANCELLED
    request.decided_at = utcnow()
    audit.record("deletion_cancelled", user, "user", user.id)
    db.session.commit()


def refuse_deletion(request: DeletionRequest, admin, note: str) -> None:
    """Refuse an open request with a reason the person is told."""
    _check_open(request)
    request.status, request.decided_at = DeletionStatus.REFUSED, utcnow()
    request.decided_by_id, request.decision_note = admin.id, note.strip()
    user = request.user
    audit.record("deletion_refused", admin, "user", user.id, note=note.strip())
    queue_email(
        "deletion_refused",
        user.email,
        _l("Your request to delete the account"),
        "deletion_refused",
        locale=user.locale,
        user=user,
        note=note.strip(),
    )
    db.session.commit()


def confirm_deletion(request: DeletionRequest, admin) -> None:
    """Delete or anonymise everything of the person of an open request; tell them once more."""
    _check_open(request)
    user = request.user
    # The last letter goes to the address before it is erased; the outbox forgets it by retention.
    queue_email(
        "deletion_done",
        user.email,
        _l("Your account has been deleted"),
        "deletion_done",
        locale=user.locale,
        user=user,
    )
    db.session.flush()
    anonymise(user)
    request.status, request.decided_at, request.decided_by_id = (
        DeletionStatus.DONE,
        utcnow(),
        admin.id,
    )
    request.reason = None
    audit.record("deletion_done", admin, "user", user.id)
    db.session.commit()


def anonymise(user: User) -> None:
    """Erase what names or reaches a person; keep school, position and results for aggregates."""
    old_email = user.email
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.recipient == old_email, OutboxMessage.kind != "deletion_done"
        )
    )
    db.session.execute(delete(AccountToken).where(AccountToken.user_id == user.id))
    db.session.execute(
        update(ConsentRecord)
        .where(ConsentRecord.user_id == user.id)
        .values(ip_address="", user_agent="")
    )
    modules = (
        select(TrackModule.id).join(DevelopmentTrack).where(DevelopmentTrack.user_id == user.id)
    )
    db.session.execute(delete(EvidenceFile).where(EvidenceFile.track_module_id.in_(modules)))
    db.session.execute(
        update(TrackModule)
        .where(TrackModule.id.in_(modules))
        .values(evidence_note=None, evidence_link=None)
    )
    # Returned evidence kept by the tutor's review, and the tutor's notes of consultations.
    db.session.execute(
        update(EvidenceReview)
        .where(EvidenceReview.track_module_id.in_(modules))
        .values(evidence_note=None, evidence_link=None, evidence_filename=None)
    )
    db.session.execute(delete(Consultation).where(Consultation.teacher_id == user.id))
    # The teacher's own goals for the years are their words: they go too.
    db.session.execute(delete(DevelopmentGoals).where(DevelopmentGoals.user_id == user.id))
    # A nameless account holds no course place and waits for no release.
    withdraw_all(user, None)
    now = utcnow()
    for certificate in db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id)
    ):
        certificate.holder_name = ANONYMOUS_NAME
        certificate.pdf = b""
        if certificate.revoked_at is None:
            certificate.revoked_at = now
            certificate.revoke_reason = "Удалён по запросу владельца"
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.object_type == "user", AuditEvent.object_id == str(user.id))
        .values(ip_address=None)
    )
    db.session.execute(
        update(AuditEvent).where(AuditEvent.actor_id == user.id).values(ip_address=None)
    )
    user.full_name = f"{ANONYMOUS_NAME} № {user.id}"
    user.email = f"deleted-{user.id}-{secrets.token_hex(6)}@{ANONYMOUS_DOMAIN}"
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.active = False
    user.locale = None
    user.email_confirmed_at = None
    # Every session ends on the server and every e-mail link sent before dies.
    end_access(user)


def _check_open(request: DeletionRequest) -> None:
    """Refuse to decide a request twice."""
    if request.status != DeletionStatus.PENDING:
        raise PrivacyError(_l("This request has already been decided."))


def purge_expired(settings: dict, now=None) -> dict[str, int]:
    """Delete what is past its retention period; return how many rows of each kind went."""
    now = now or utcnow()
    counts = {}
    audit_cutoff = now - timedelta(days=settings["AUDIT_RETENTION_DAYS"])
    counts["audit_events"] = db.session.execute(
        delete(AuditEvent).where(AuditEvent.created_at < audit_cutoff)
    ).rowcount
    letters_cutoff = now - timedelta(days=settings["OUTBOX_RETENTION_DAYS"])
    counts["outbox_messages"] = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.sent_at.is_not(None), OutboxMessage.sent_at < letters_cutoff
        )
    ).rowcount
    evidence_cutoff = now - timedelta(days=settings["EVIDENCE_RETENTION_DAYS"])
    counts["evidence_files"] = db.session.execute(
        delete(EvidenceFile).where(EvidenceFile.uploaded_at < evidence_cutoff)
    ).rowcount
    counts["account_tokens"] = db.session.execute(
        delete(AccountToken).where(AccountToken.expires_at < now)
    ).rowcount
    db.session.commit()
    return counts
