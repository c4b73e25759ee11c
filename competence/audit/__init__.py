"""An append-only log of what administrators and the system changed, and who did it."""

from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.database import UTCDateTime, utcnow
from competence.extensions import db


class AuditEvent(db.Model):
    """One recorded change: who, what, to which object, with which details."""

    __tablename__ = "audit_events"
    # The log is filtered by who did it and by the object (a user's history reads both).
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(60))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    actor = relationship("User")


def record(action: str, actor, object_type: str, object_id=None, /, **details) -> AuditEvent:
    """Add (not commit) an audit event for `action` done by `actor` (a user or None)."""
    event = AuditEvent(
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=details,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def note(action: str, actor, object_type: str, object_id=None, /, **details) -> AuditEvent:
    """Record an audit event and commit it at once (for reads, downloads, sign-ins)."""
    event = record(action, actor, object_type, object_id, **details)
    db.session.commit()
    return event
