"""Who tutors whom, the tutor's decisions on evidence, and the log of consultations."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.database import UTCDateTime, utcnow
from competence.extensions import db


class TutorAssignment(db.Model):
    """A tutor assigned to one teacher, or to every teacher of a municipality's schools."""

    __tablename__ = "tutor_assignments"
    __table_args__ = (
        CheckConstraint(
            "(teacher_id IS NULL) <> (municipality_id IS NULL)", name="teacher_or_municipality"
        ),
        UniqueConstraint("tutor_id", "teacher_id", name="uq_tutor_assignments_tutor_teacher"),
        UniqueConstraint(
            "tutor_id", "municipality_id", name="uq_tutor_assignments_tutor_municipality"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tutor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    tutor = relationship("User", foreign_keys=[tutor_id])
    teacher = relationship("User", foreign_keys=[teacher_id])
    municipality = relationship("Municipality")
    assigned_by = relationship("User", foreign_keys=[assigned_by_id])


class ReviewOutcome(StrEnum):
    """What the tutor decided about the evidence of a module done."""

    CONFIRMED = "confirmed"
    RETURNED = "returned"


class EvidenceReview(db.Model):
    """A tutor's decision on a module's evidence; a return keeps what the evidence was."""

    __tablename__ = "evidence_reviews"
    __table_args__ = (CheckConstraint("outcome IN ('confirmed', 'returned')", name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    track_module_id: Mapped[int] = mapped_column(
        ForeignKey("track_modules.id", ondelete="CASCADE"), index=True
    )
    tutor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(12))
    comment: Mapped[str | None] = mapped_column(Text)
    # The evidence as it was when returned (the module's own evidence is cleared for a new one).
    evidence_note: Mapped[str | None] = mapped_column(Text)
    evidence_link: Mapped[str | None] = mapped_column(String(500))
    evidence_filename: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    track_module = relationship("TrackModule")
    tutor = relationship("User")


CONSULTATION_FORMS = ("in_person", "online", "phone", "email")


class Consultation(db.Model):
    """A consultation a tutor held with a teacher: when, in which form, what was discussed."""

    __tablename__ = "consultations"
    __table_args__ = (
        CheckConstraint("form IN ('in_person', 'online', 'phone', 'email')", name="form"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tutor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    form: Mapped[str] = mapped_column(String(12))
    notes: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    tutor = relationship("User", foreign_keys=[tutor_id])
    teacher = relationship("User", foreign_keys=[teacher_id])
