"""Forgetting the text of delivered letters after the retention period.

A delivered letter's text is in the recipient's mailbox; the copy kept here only helps to answer
"did the letter go out?" in the first days, and it may hold personal data and links. After
OUTBOX_BODY_RETENTION_DAYS its text and attachments are removed; the envelope stays.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from competence import audit
from competence.database import utcnow
from competence.extensions import db
from competence.outbox.models import MessageStatus, OutboxAttachment, OutboxMessage


def purge_delivered(days: int | None = None) -> int:
    """Blank the bodies of letters delivered more than `days` ago; return how many."""
    days = current_app.config["OUTBOX_BODY_RETENTION_DAYS"] if days is None else days
    cutoff = utcnow() - timedelta(days=days)
    expired = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == MessageStatus.SENT,
            OutboxMessage.sent_at < cutoff,
            OutboxMessage.body_purged_at.is_(None),
        )
        .scalar_subquery()
    )
    db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(expired)))
    purged = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(expired))
        .values(body_text="", body_html="", body_purged_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if purged:
        audit.record("outbox_bodies_purged", None, "outbox", letters=purged, days=days)
    db.session.commit()
    return purged
