"""Course groups of catalogue modules and the teachers' applications to them."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.database import UTCDateTime, utcnow
from competence.extensions import db


class GroupStatus(StrEnum):
    """Where a course group is: taking applications, under way, over, or called off."""

    OPEN = "open"
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class CourseGroup(db.Model):
    """A catalogue module held for a group of teachers: dates, place or link, places."""

    __tablename__ = "course_groups"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'running', 'finished', 'cancelled')", name="status"),
        CheckConstraint("places > 0", name="places"),
        CheckConstraint("hours > 0", name="hours"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("catalog_modules.id"), index=True)
    # As the module was called when the group was scheduled (the catalogue may change later).
    title: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(300))
    online_link: Mapped[str | None] = mapped_column(String(500))
    hours: Mapped[int]
    format: Mapped[str] = mapped_column(String(20))
    places: Mapped[int]
    provider: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12), default=GroupStatus.OPEN, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    module = relationship("CatalogModule")
    created_by = relationship("User")
    applications: Mapped[list["GroupApplication"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="GroupApplication.id"
    )


class ApplicationStatus(StrEnum):
    """Where a teacher's application stands, from the release request to the enrolment."""

    # Waits for the director of the teacher's school to release the teacher from work.
    AWAITING_RELEASE = "awaiting_release"
    RELEASED = "released"
    REFUSED = "refused"
    ENROLLED = "enrolled"
    WAITING = "waiting"
    WITHDRAWN = "withdrawn"


# Applications that still hold (or wait for) a place.
ACTIVE_STATUSES = (
    ApplicationStatus.AWAITING_RELEASE,
    ApplicationStatus.RELEASED,
    ApplicationStatus.ENROLLED,
    ApplicationStatus.WAITING,
)


class TrainingResult(StrEnum):
    """The final result of an enrolled teacher."""

    PASSED = "passed"
    FAILED = "failed"


class GroupApplication(db.Model):
    """A teacher's application to a course group, from a module of their development track."""

    __tablename__ = "group_applications"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id"),
        CheckConstraint(
            "status IN ('awaiting_release', 'released', 'refused', 'enrolled', 'waiting', "
            "'withdrawn')",
            name="status",
        ),
        CheckConstraint("result IS NULL OR result IN ('passed', 'failed')", name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("course_groups.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    track_module_id: Mapped[int | None] = mapped_column(
        ForeignKey("track_modules.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(
        String(20), default=ApplicationStatus.AWAITING_RELEASE, index=True
    )
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    release_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    release_decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    release_comment: Mapped[str | None] = mapped_column(Text)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The waiting list is in the order teachers joined it (then applied, then by id).
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attended: Mapped[bool | None]
    result: Mapped[str | None] = mapped_column(String(10))
    # The number of the удостоверение о повышении квалификации the institute issued.
    qualification_document: Mapped[str | None] = mapped_column(String(64))
    result_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the "group starts tomorrow" letter went out: it goes once per enrolment.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    group: Mapped[CourseGroup] = relationship(back_populates="applications")
    user = relationship("User", foreign_keys=[user_id])
    track_module = relationship("TrackModule")
    release_decided_by = relationship("User", foreign_keys=[release_decided_by_id])
