"""A school's improvement plan (план-программа повышения качества образования).

Goals with baseline and target values, measures with responsible people and deadlines, the three
monitoring points where values are recorded, and the reviewers' comments and approval.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.database import UTCDateTime, utcnow
from competence.extensions import db
from competence.schools.models import School


class PlanStatus(StrEnum):
    """Draft → submitted (director) → approved or returned (reviewer); returned is edited again.

    A submitted plan is frozen while it is reviewed, an approved one until a reviewer returns it.
    """

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class MeasureStatus(StrEnum):
    """How far a measure of the plan has got."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class MonitoringStage(StrEnum):
    """The three monitoring points of the regional project."""

    ENTRY = "entry"  # входной
    INTERIM = "interim"  # промежуточный
    FINAL = "final"  # итоговый


class CommentKind(StrEnum):
    """A remark, or the record of a submission, an approval or a return for changes."""

    COMMENT = "comment"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REOPENED = "reopened"  # returned for changes (the code predates the submission step)


class ImprovementPlan(db.Model):
    """The improvement plan of one school for a period."""

    __tablename__ = "improvement_plans"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted', 'approved', 'returned')", name="status"),
        CheckConstraint("ends_on > starts_on", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=PlanStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    school: Mapped[School] = relationship()
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    goals: Mapped[list["PlanGoal"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanGoal.position"
    )
    measures: Mapped[list["PlanMeasure"]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by="(PlanMeasure.due_on, PlanMeasure.id)",
    )
    monitoring: Mapped[list["MonitoringPoint"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )
    comments: Mapped[list["PlanComment"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanComment.id"
    )

    @property
    def locked(self) -> bool:
        """Tell whether goals and measures are frozen (under review, or approved)."""
        return self.status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED)

    @property
    def editable(self) -> bool:
        """Tell whether the director works on the plan (a draft, or returned for changes)."""
        return not self.locked


class PlanGoal(db.Model):
    """A goal tied to an indicator and/or staff competences, with baseline and target."""

    __tablename__ = "plan_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("improvement_plans.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(500))
    # An indicator code of the identification (competence.analytics.indicators), if any.
    indicator_code: Mapped[str | None] = mapped_column(String(40))
    # Staff competences the goal develops: [{"framework", "competence", "title"}].
    competences: Mapped[list] = mapped_column(JSON, default=list)
    baseline: Mapped[float]
    target: Mapped[float]

    plan: Mapped[ImprovementPlan] = relationship(back_populates="goals")
    values: Mapped[list["MonitoringValue"]] = relationship(
        back_populates="goal", cascade="all, delete-orphan", passive_deletes=True
    )


class PlanMeasure(db.Model):
    """A measure of the plan: what is done, who answers for it, by when, how far it got."""

    __tablename__ = "plan_measures"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'in_progress', 'done', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("improvement_plans.id", ondelete="CASCADE"), index=True
    )
    goal_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_goals.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    responsible: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=MeasureStatus.PLANNED)

    plan: Mapped[ImprovementPlan] = relationship(back_populates="measures")
    goal: Mapped[PlanGoal | None] = relationship()


class MonitoringPoint(db.Model):
    """One monitoring point of a plan: when it was held, and the values recorded then."""

    __tablename__ = "plan_monitoring_points"
    __table_args__ = (
        UniqueConstraint("plan_id", "stage"),
        CheckConstraint("stage IN ('entry', 'interim', 'final')", name="stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("improvement_plans.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(10))
    held_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    plan: Mapped[ImprovementPlan] = relationship(back_populates="monitoring")
    recorded_by = relationship("User")
    values: Mapped[list["MonitoringValue"]] = relationship(
        back_populates="point", cascade="all, delete-orphan"
    )


class MonitoringValue(db.Model):
    """The value of one goal at one monitoring point."""

    __tablename__ = "plan_monitoring_values"

    point_id: Mapped[int] = mapped_column(
        ForeignKey("plan_monitoring_points.id", ondelete="CASCADE"), primary_key=True
    )
    goal_id: Mapped[int] = mapped_column(
        ForeignKey("plan_goals.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value: Mapped[float]

    point: Mapped[MonitoringPoint] = relationship(back_populates="values")
    goal: Mapped[PlanGoal] = relationship(back_populates="values")


class PlanComment(db.Model):
    """A remark on the plan, or the record of its approval or reopening."""

    __tablename__ = "plan_comments"
    __table_args__ = (
        CheckConstraint("kind IN ('comment', 'submitted', 'approved', 'reopened')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("improvement_plans.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(12), default=CommentKind.COMMENT)
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    plan: Mapped[ImprovementPlan] = relationship(back_populates="comments")
    author = relationship("User")
