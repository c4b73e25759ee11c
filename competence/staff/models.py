"""Requests of teachers to move to another school, decided by the receiving school."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.database import UTCDateTime, utcnow
from competence.extensions import db
from competence.tracks.models import RequestStatus


class SchoolMoveRequest(db.Model):
    """A teacher asks to join another school's staff; its director or an admin decides."""

    __tablename__ = "school_move_requests"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'refused', 'withdrawn')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    from_school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    to_school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=RequestStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str | None] = mapped_column(Text)

    user = relationship("User", foreign_keys=[user_id])
    from_school = relationship("School", foreign_keys=[from_school_id])
    to_school = relationship("School", foreign_keys=[to_school_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
