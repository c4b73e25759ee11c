"""Versioned content: scales, frameworks and instruments, as drafts and published versions."""

from datetime import datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.database import UTCDateTime, utcnow
from competence.extensions import db


class ContentKind(StrEnum):
    """What a content document describes; the first key of its YAML file."""

    SCALE = "scale"
    FRAMEWORK = "framework"
    INSTRUMENT = "instrument"


class VersionStatus(StrEnum):
    """A draft is edited by methodists; a published version never changes."""

    DRAFT = "draft"
    PUBLISHED = "published"


class ContentDocument(db.Model):
    """A scale, framework or instrument, identified by its kind and key across versions."""

    __tablename__ = "content_documents"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Retired instruments are no longer offered; their results stay.
    retired: Mapped[bool] = mapped_column(default=False)

    versions: Mapped[list["ContentVersion"]] = relationship(
        back_populates="document", order_by="ContentVersion.id", cascade="all, delete-orphan"
    )

    @property
    def latest_published(self) -> Optional["ContentVersion"]:
        """Return the newest published version, if any."""
        return db.session.scalar(
            select(ContentVersion)
            .where(
                ContentVersion.document_id == self.id,
                ContentVersion.status == VersionStatus.PUBLISHED,
            )
            .order_by(ContentVersion.number.desc())
            .limit(1)
        )

    @property
    def draft(self) -> Optional["ContentVersion"]:
        """Return the open draft, if any (there is at most one)."""
        return db.session.scalar(
            select(ContentVersion).where(
                ContentVersion.document_id == self.id,
                ContentVersion.status == VersionStatus.DRAFT,
            )
        )


class ContentVersion(db.Model):
    """One version of a document: its plain data as in YAML, and how it was made."""

    __tablename__ = "content_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number"),
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        # Published versions are numbered; drafts get their number when published.
        CheckConstraint("(status = 'draft') = (number IS NULL)", name="number_when_published"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("content_documents.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default=VersionStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(300))
    # The document as in its YAML file (what export writes back). Deferred, like `compiled`:
    # they are large, and most requests need only a version's id and hash.
    content: Mapped[dict] = mapped_column(JSON, deferred=True)
    # sha256 of the content together with the content of everything it refers to.
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # Instruments only: what taking and scoring need, resolved at publication
    # (competences with titles and descriptors, levels, Likert scales), so that results
    # stay readable whatever happens to the framework later.
    compiled: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    source: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    document: Mapped[ContentDocument] = relationship(back_populates="versions")
    created_by = relationship("User", foreign_keys=[created_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])

    @property
    def is_published(self) -> bool:
        """Tell whether this version is published (and therefore immutable)."""
        return self.status == VersionStatus.PUBLISHED
