"""The catalogue of development modules and the tracks built from it."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.database import UTCDateTime, utcnow
from competence.extensions import db

MODULE_KINDS = (
    "course",
    "internship",
    "webinar",
    "seminar",
    "community",
    "mentoring",
    "self_study",
    "exercise",
)
MODULE_FORMATS = ("in_person", "distance", "blended")


class CatalogModule(db.Model):
    """A development module: a course, internship, webinar, community, mentoring, material."""

    __tablename__ = "catalog_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    provider: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(20))
    hours: Mapped[int]
    duration_weeks: Mapped[int]
    # {"positions": [...], "subjects": [...]} as in instrument files.
    audience: Mapped[dict] = mapped_column(JSON)
    # [{"framework": ..., "competence": ..., "levels": [...]}]
    develops: Mapped[list] = mapped_column(JSON)
    url: Mapped[str | None] = mapped_column(String(500))
    # Where an in-person or blended module is held; None: not tied to a place (or not known).
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    # A retired module is no longer proposed; tracks that have it keep it.
    retired: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(300), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    municipality = relationship("Municipality")


class TrackStatus(StrEnum):
    """Where a track is in the cycle: study, then the retake, then closed with growth."""

    ACTIVE = "active"
    AWAITING_RETAKE = "awaiting_retake"
    COMPLETED = "completed"


class ReviewStatus(StrEnum):
    """Where the plan is in its review by the tutor: drafted, sent for review, approved."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"


class DevelopmentTrack(db.Model):
    """A teacher's development plan for a school year (ИОМ на учебный год).

    One plan a year merges the deficits of every diagnostic the teacher builds it from (its
    `sources`, see PlanSource); `source_attempt` and `document` are those of the first source.
    At most one plan a user and school year is not completed; completed plans stay as history.
    """

    __tablename__ = "development_tracks"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'awaiting_retake', 'completed')", name="status"),
        CheckConstraint(
            "review_status IN ('draft', 'submitted', 'approved')", name="review_status"
        ),
        Index(
            "uq_development_tracks_open_plan",
            "user_id",
            "school_year",
            unique=True,
            sqlite_where=text("status != 'completed'"),
            postgresql_where=text("status != 'completed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source_attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("content_documents.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=TrackStatus.ACTIVE, index=True)
    # The calendar year the plan's school year starts in (2026 for 2026/27).
    school_year: Mapped[int]
    preferred_format: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retake_attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Deficits nothing in the catalogue addresses, as found when the track was built.
    gaps: Mapped[list] = mapped_column(JSON, default=list)
    # {competence: {"before": score, "after": score, ...}} once the retake closes the cycle.
    growth: Mapped[dict | None] = mapped_column(JSON)
    # The tutor's review of the plan (competence.tutoring.review).
    review_status: Mapped[str] = mapped_column(
        String(12), default=ReviewStatus.DRAFT, server_default="draft"
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # Set by tracks.services.merge_into when a merge sent an approved or submitted plan back to
    # a draft (not stored: the page tells the teacher once).
    review_reset = False

    user = relationship("User", foreign_keys=[user_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    source_attempt = relationship("Attempt", foreign_keys=[source_attempt_id])
    retake_attempt = relationship("Attempt", foreign_keys=[retake_attempt_id])
    document = relationship("ContentDocument")
    modules: Mapped[list["TrackModule"]] = relationship(
        back_populates="track", cascade="all, delete-orphan", order_by="TrackModule.position"
    )
    sources: Mapped[list["PlanSource"]] = relationship(
        back_populates="track", cascade="all, delete-orphan", order_by="PlanSource.id"
    )

    @property
    def sources_title(self) -> str:
        """Return the titles of the diagnostics the plan merges, in the order merged."""
        titles: list[str] = []
        for source in self.sources:
            if source.attempt.version.title not in titles:
                titles.append(source.attempt.version.title)
        return ", ".join(titles) or self.source_attempt.version.title

    @property
    def school_year_label(self) -> str:
        """Return the plan's school year as people write it: 2026/27."""
        return f"{self.school_year}/{(self.school_year + 1) % 100:02d}"


class PlanSource(db.Model):
    """A diagnostic merged into a plan, and its retake once the plan's study is over."""

    __tablename__ = "plan_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(
        ForeignKey("development_tracks.id", ondelete="CASCADE"), index=True
    )
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("content_documents.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retake_attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"))
    # {competence: {"before", "after", "deficit_before", "deficit_after"}} after the retake.
    growth: Mapped[dict | None] = mapped_column(JSON)

    track: Mapped[DevelopmentTrack] = relationship(back_populates="sources")
    attempt = relationship("Attempt", foreign_keys=[attempt_id])
    retake_attempt = relationship("Attempt", foreign_keys=[retake_attempt_id])
    document = relationship("ContentDocument")


class ModuleStatus(StrEnum):
    """What the teacher did with a module of the track."""

    PLANNED = "planned"
    POSTPONED = "postponed"
    DONE = "done"
    DECLINED = "declined"


class Confirmation(StrEnum):
    """Who confirmed that a module was really done: the teacher's tutor or an institute record."""

    TUTOR = "tutor"
    RECORD = "record"


class TrackModule(db.Model):
    """A module in a track, with what it is for and what became of it."""

    __tablename__ = "track_modules"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'postponed', 'done', 'declined')", name="status"),
        CheckConstraint(
            "confirmed_via IS NULL OR confirmed_via IN ('tutor', 'record')", name="confirmed_via"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(
        ForeignKey("development_tracks.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int] = mapped_column(ForeignKey("catalog_modules.id"))
    position: Mapped[int]
    mandatory: Mapped[bool]
    # The deficits it works on: [{"competence", "title", "depth", "soft_skill"}].
    deficits: Mapped[list] = mapped_column(JSON)
    # As the module was when it entered the track (the catalogue may change later).
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    hours: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default=ModuleStatus.PLANNED)
    due_date: Mapped[date] = mapped_column(Date)
    status_reason: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    evidence_note: Mapped[str | None] = mapped_column(Text)
    evidence_link: Mapped[str | None] = mapped_column(String(500))
    # The module that replaced this one after it was declined, if any.
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("track_modules.id"))
    # A module done counts (hours on the certificate) only once confirmed: by the tutor who
    # checked the evidence or by the institute's record of the course (an удостоверение).
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_via: Mapped[str | None] = mapped_column(String(10))
    # The number of the удостоверение о повышении квалификации, when a record confirms it.
    qualification_document: Mapped[str | None] = mapped_column(String(64))

    track: Mapped[DevelopmentTrack] = relationship(back_populates="modules")
    module: Mapped[CatalogModule] = relationship()
    evidence_file: Mapped["EvidenceFile | None"] = relationship(
        back_populates="track_module", cascade="all, delete-orphan", uselist=False
    )

    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])

    @property
    def is_open(self) -> bool:
        """Tell whether the module still waits to be done."""
        return self.status in (ModuleStatus.PLANNED, ModuleStatus.POSTPONED)

    @property
    def is_confirmed(self) -> bool:
        """Tell whether the module is done and confirmed (only then do its hours count)."""
        return self.status == ModuleStatus.DONE and self.confirmed_at is not None


class EvidenceFile(db.Model):
    """A file a teacher attached as evidence of a module done (size and type checked)."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    track_module_id: Mapped[int] = mapped_column(
        ForeignKey("track_modules.id", ondelete="CASCADE"), unique=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    track_module: Mapped[TrackModule] = relationship(back_populates="evidence_file")


class RequestStatus(StrEnum):
    """Where a request waiting for somebody's decision stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    # Made moot by the requester (the module was done after all, a newer request replaced it).
    WITHDRAWN = "withdrawn"


REQUEST_STATUSES = tuple(RequestStatus)


class DeclineRequest(db.Model):
    """A teacher's request to decline a mandatory module; the school's director decides."""

    __tablename__ = "decline_requests"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'refused', 'withdrawn')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    track_module_id: Mapped[int] = mapped_column(
        ForeignKey("track_modules.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=RequestStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str | None] = mapped_column(Text)

    track_module: Mapped[TrackModule] = relationship()
    decided_by = relationship("User")


class DevelopmentGoals(db.Model):
    """A teacher's own professional goals and interests for a school year (a short questionnaire).

    They break ties when diagnostics are merged into the yearly plan (`merge_plan`'s `Goals`),
    and the tutor reads them when the plan is discussed.
    """

    __tablename__ = "development_goals"
    __table_args__ = (UniqueConstraint("user_id", "school_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The calendar year the school year starts in (2026 for 2026/27), as for plans.
    school_year: Mapped[int]
    goals: Mapped[str] = mapped_column(Text)
    # Module kinds the teacher prefers (MODULE_KINDS), in the catalogue's order.
    interests: Mapped[list] = mapped_column(JSON, default=list)
    preferred_format: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
