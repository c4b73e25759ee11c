"""Attempts at a diagnostic, their saved answers and their stored results."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.database import UTCDateTime, utcnow
from competence.extensions import db


class AttemptStatus(StrEnum):
    """An attempt is in progress until it is submitted (by the taker or by the clock)."""

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class SubmitReason(StrEnum):
    """Who ended the attempt."""

    TAKER = "taker"
    TIMEOUT = "timeout"


class Attempt(db.Model):
    """One sitting of a diagnostic on one published instrument version."""

    __tablename__ = "attempts"
    __table_args__ = (
        CheckConstraint("status IN ('in_progress', 'submitted')", name="status"),
        Index("ix_attempts_user_document", "user_id", "document_id"),
        # The analytics find each teacher's newest submitted attempt of an instrument.
        Index(
            "ix_attempts_document_status_user", "document_id", "status", "user_id", "submitted_at"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The instrument (across versions), for retake rules and growth.
    document_id: Mapped[int] = mapped_column(ForeignKey("content_documents.id"))
    # The exact published version taken; results always refer to it.
    version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.id"))
    status: Mapped[str] = mapped_column(String(12), default=AttemptStatus.IN_PROGRESS, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submit_reason: Mapped[str | None] = mapped_column(String(10))
    # The shuffled order of items and options this taker sees on every visit.
    layout: Mapped[dict] = mapped_column(JSON)
    # Bumped by every accepted save: a save must name the current value (compare-and-set),
    # so a stale tab or a replayed request cannot overwrite a newer answer.
    sequence: Mapped[int] = mapped_column(default=0)
    # Stored results (set once, on submission).
    total_score: Mapped[float | None]
    item_scores: Mapped[dict | None] = mapped_column(JSON)

    user = relationship("User")
    document = relationship("ContentDocument")
    version = relationship("ContentVersion")
    answers: Mapped[list["AttemptAnswer"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan"
    )
    competence_scores: Mapped[list["CompetenceScore"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="CompetenceScore.id"
    )

    @property
    def is_submitted(self) -> bool:
        """Tell whether the attempt is over."""
        return self.status == AttemptStatus.SUBMITTED


class AttemptAnswer(db.Model):
    """The latest answer to one item of an attempt."""

    __tablename__ = "attempt_answers"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The answer in the scoring format (option id, list of ids, number, indices).
    value: Mapped[object] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


class CompetenceScore(db.Model):
    """The stored result of an attempt for one competence."""

    __tablename__ = "competence_scores"
    __table_args__ = (
        Index("ix_competence_scores_competence", "competence", "deficit"),
        # Growth joins a teacher's first and latest scores competence by competence.
        Index("ix_competence_scores_attempt_competence", "attempt_id", "competence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), index=True
    )
    competence: Mapped[str] = mapped_column(String(64))
    score: Mapped[float]
    level: Mapped[str] = mapped_column(String(64))
    threshold: Mapped[float]
    deficit: Mapped[bool]
    depth: Mapped[float]

    attempt: Mapped[Attempt] = relationship(back_populates="competence_scores")
