"""What the portal knows about how well its instruments measure.

Both tables are written by the item analysis of a published version (over its submitted
attempts) and read elsewhere: forms are matched on calibrated difficulties, and scores are shown
with the standard error of measurement of their scale.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from competence.database import UTCDateTime, utcnow
from competence.extensions import db

# The scale of a whole instrument (its total score) in `ScaleStatistics.competence`.
WHOLE_INSTRUMENT = "*"


class ItemCalibration(db.Model):
    """The latest statistics of one item, from the attempts at one published version."""

    __tablename__ = "item_calibrations"
    __table_args__ = (UniqueConstraint("version_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The instrument across versions: an item keeps its id from version to version, and the
    # form of a newer version may use the calibration of an older one.
    document_id: Mapped[int] = mapped_column(
        ForeignKey("content_documents.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("content_versions.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(64))
    n_attempts: Mapped[int]
    facility: Mapped[float | None]
    discrimination: Mapped[float | None]
    upper_lower: Mapped[float | None]
    # Rasch (1PL) estimates, in logits; empty for items not scored 0/1 or extreme ones.
    rasch_difficulty: Mapped[float | None]
    rasch_se: Mapped[float | None]
    infit: Mapped[float | None]
    outfit: Mapped[float | None]
    flags: Mapped[list] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ScaleStatistics(db.Model):
    """Reliability of one competence scale (or the whole instrument) of a published version."""

    __tablename__ = "scale_statistics"
    __table_args__ = (UniqueConstraint("version_id", "competence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("content_versions.id", ondelete="CASCADE"), index=True
    )
    # A competence id, or WHOLE_INSTRUMENT.
    competence: Mapped[str] = mapped_column(String(64))
    n_attempts: Mapped[int]
    n_items: Mapped[int]
    alpha: Mapped[float | None]
    # Standard deviation and standard error of measurement, in points of the 0..100 score.
    sd: Mapped[float | None]
    sem: Mapped[float | None]
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
