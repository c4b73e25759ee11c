"""A person's request to withdraw consent and delete the account, and its outcome."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.database import UTCDateTime, utcnow
from competence.extensions import db


class DeletionStatus(StrEnum):
    """Where a deletion request stands."""

    PENDING = "pending"  # waits for an administrator
    DONE = "done"  # the person's data was deleted or anonymised
    REFUSED = "refused"  # an administrator refused, with a reason
    CANCELLED = "cancelled"  # the person took it back


class DeletionRequest(db.Model):
    """Consent withdrawn and the account's deletion asked for; an administrator confirms it."""

    __tablename__ = "deletion_requests"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'done', 'refused', 'cancelled')", name="deletion_status"
        ),
        # One open request per person.
        Index(
            "uq_deletion_requests_pending",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The user row stays (anonymised) after deletion, so aggregates keep their counts.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=DeletionStatus.PENDING, index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_note: Mapped[str | None] = mapped_column(Text)

    user = relationship("User", foreign_keys=[user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
