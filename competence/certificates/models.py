"""Certificates, their numbering and batch issue jobs."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.database import UTCDateTime, utcnow
from competence.extensions import db


class CertificateKind(StrEnum):
    """What a certificate certifies."""

    TRACK = "track"  # a completed development track with its retake and growth
    DIAGNOSTIC = "diagnostic"  # a completed diagnostic with its profile summary


class Certificate(db.Model):
    """An issued certificate: its number, holder, what it certifies, and the stored PDF."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("kind IN ('track', 'diagnostic')", name="kind"),
        CheckConstraint("(revoked_at IS NULL) = (revoke_reason IS NULL)", name="revocation"),
        # One valid certificate per track and per diagnostic attempt; a revoked one may be
        # followed by a new certificate (with a new number) for the same track or attempt.
        Index(
            "uq_certificates_valid_track",
            "track_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
        Index(
            "uq_certificates_valid_attempt",
            "attempt_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # ХКИРО-2026-000123: never reused, even for a revoked certificate.
    number: Mapped[str] = mapped_column(String(32), unique=True)
    # Printed beside the number and in the QR code; the public check needs both, so stepping
    # through the sequential numbers finds nobody's name.
    check_code: Mapped[str] = mapped_column(String(16))
    year: Mapped[int]
    serial: Mapped[int]
    kind: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    track_id: Mapped[int | None] = mapped_column(ForeignKey("development_tracks.id"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"), index=True)
    # What the page and the PDF say, fixed at issue: the holder's name, the title, hours.
    holder_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(400))
    hours: Mapped[int]
    details: Mapped[dict] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    forced_reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(String(64))

    user = relationship("User", foreign_keys=[user_id])
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])
    track = relationship("DevelopmentTrack")
    attempt = relationship("Attempt")

    @property
    def is_revoked(self) -> bool:
        """Tell whether the certificate was revoked."""
        return self.revoked_at is not None


class CertificateCounter(db.Model):
    """The last serial number issued in a year (numbers are never reused)."""

    __tablename__ = "certificate_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class BatchStatus(StrEnum):
    """Where a batch issue job is."""

    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"


class CertificateBatch(db.Model):
    """A batch issue of certificates, run as a background job that reports progress."""

    __tablename__ = "certificate_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(12))
    # How the holders were chosen (school, municipality, filter), for the page and the log.
    selection: Mapped[dict] = mapped_column(JSON)
    forced_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=BatchStatus.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    # Counters are bumped in SQL (issued = issued + 1): shards run in parallel processes.
    issued: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    # The ids of the targets (tracks or attempts), in order; shard k of n takes every n-th.
    targets: Mapped[list] = mapped_column(JSON, default=list)
    shards: Mapped[int] = mapped_column(default=1)
    shards_done: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last time a shard reported progress: a batch silent for long has lost its worker.
    progressed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by = relationship("User")
    errors: Mapped[list["CertificateBatchError"]] = relationship(
        order_by="CertificateBatchError.id", cascade="all, delete-orphan"
    )


class CertificateBatchError(db.Model):
    """A certificate of a batch that could not be issued, and why."""

    __tablename__ = "certificate_batch_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("certificate_batches.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int]
    holder_name: Mapped[str] = mapped_column(String(200))
    error: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
