"""Standard-setting rounds: a panel of methodists rates the items of one competence scale."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.database import UTCDateTime, utcnow
from competence.extensions import db


class RoundStatus(StrEnum):
    """An open round takes ratings; a closed one has had its cut adopted."""

    OPEN = "open"
    CLOSED = "closed"


class StandardRound(db.Model):
    """A modified-Angoff round for one competence of one published instrument version."""

    __tablename__ = "standard_rounds"
    __table_args__ = (CheckConstraint("status IN ('open', 'closed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("content_documents.id", ondelete="CASCADE"), index=True
    )
    # The published version whose items are rated; a later version does not change the round.
    version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.id", ondelete="CASCADE"))
    competence: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=RoundStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What was adopted, kept as the cut's provenance: the cut, the panel, the draft it went into.
    adopted_cut: Mapped[float | None] = mapped_column(Float)
    panel_size: Mapped[int | None]
    adopted_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_versions.id", ondelete="SET NULL")
    )

    document = relationship("ContentDocument")
    version = relationship("ContentVersion", foreign_keys=[version_id])
    adopted_version = relationship("ContentVersion", foreign_keys=[adopted_version_id])
    created_by = relationship("User")
    panellists: Mapped[list["Panellist"]] = relationship(
        back_populates="round", order_by="Panellist.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        """Tell whether the round still takes ratings."""
        return self.status == RoundStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        """Tell whether an open round has passed its deadline (ratings are still taken)."""
        return self.is_open and self.deadline < date.today()


class Panellist(db.Model):
    """A methodist invited to a round, and when they declared their ratings finished."""

    __tablename__ = "standard_panellists"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("standard_rounds.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    round: Mapped[StandardRound] = relationship(back_populates="panellists")
    user = relationship("User")
    ratings: Mapped[list["Rating"]] = relationship(
        back_populates="panellist", cascade="all, delete-orphan"
    )


class Rating(db.Model):
    """A panellist's probability (0..1) that a minimally competent teacher answers an item."""

    __tablename__ = "standard_ratings"
    __table_args__ = (
        UniqueConstraint("panellist_id", "item_id"),
        CheckConstraint("value >= 0 AND value <= 1", name="value_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panellist_id: Mapped[int] = mapped_column(
        ForeignKey("standard_panellists.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    panellist: Mapped[Panellist] = relationship(back_populates="ratings")
