"""Operations on improvement plans: editing and monitoring (the review is in plan_review.py).

Submission freezes what the plan promises (its period, goals and measures) while it is reviewed,
approval until a reviewer returns it with a reason; carrying the plan out goes on while it is
approved: the director sets the status of measures, and monitoring values are recorded at the
three points, never on a date still to come.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competence import audit
from competence.analytics.indicators import INDICATORS_BY_CODE
from competence.analytics.plans import (
    Direction,
    Progress,
    direction_between,
    indicator_direction,
    mean_progress,
    progress_to_target,
    target_improves,
)
from competence.database import utcnow
from competence.extensions import db
from competence.instruments import spec
from competence.instruments.services import published_library_objects
from competence.schools.errors import ActionError
from competence.schools.labels import STAGE_SHORT_LABELS
from competence.schools.models import School, SchoolIndicators
from competence.schools.plan_models import (
    ImprovementPlan,
    MeasureStatus,
    MonitoringPoint,
    MonitoringStage,
    MonitoringValue,
    PlanGoal,
    PlanMeasure,
    PlanStatus,
)
from competence.tracks.services import local_today


@dataclass(frozen=True)
class GoalProgress:
    """A goal's recorded values per monitoring point and the progress of the latest one."""

    goal: PlanGoal
    values: dict[str, float | None]
    latest: Progress | None
    latest_stage: str | None


def plans_of(school: School) -> list[ImprovementPlan]:
    """Return the school's plans, the latest period first."""
    return list(
        db.session.scalars(
            select(ImprovementPlan)
            .where(ImprovementPlan.school_id == school.id)
            .order_by(ImprovementPlan.starts_on.desc(), ImprovementPlan.id.desc())
        )
    )


def lock_reason(plan: ImprovementPlan):
    """Return why the plan cannot be changed now, or None while the director works on it."""
    if plan.status == PlanStatus.SUBMITTED:
        return _l(
            "The plan is submitted for approval. It can be changed again if the reviewer "
            "returns it for changes."
        )
    if plan.status == PlanStatus.APPROVED:
        return _l("The plan is approved. Ask a reviewer to reopen it before changing it.")
    return None


def _unlocked(plan: ImprovementPlan) -> None:
    reason = lock_reason(plan)
    if reason is not None:
        raise ActionError(reason)


def _period(starts_on: date, ends_on: date) -> None:
    if ends_on <= starts_on:
        raise ActionError(_l("The period must end after it starts."), 422, "ends_on")


def create_plan(school: School, *, title: str, starts_on: date, ends_on: date, actor):
    """Start a draft plan for the school."""
    _period(starts_on, ends_on)
    plan = ImprovementPlan(school=school, title=title.strip(), starts_on=starts_on, ends_on=ends_on)
    plan.created_by_id = actor.id
    db.session.add(plan)
    db.session.flush()
    audit.record("plan_created", actor, "improvement_plan", plan.id, school=school.code)
    db.session.commit()
    return plan


def update_plan(plan: ImprovementPlan, *, title: str, starts_on: date, ends_on: date, actor):
    """Change the title and the period of a draft plan."""
    _unlocked(plan)
    _period(starts_on, ends_on)
    plan.title, plan.starts_on, plan.ends_on = title.strip(), starts_on, ends_on
    audit.record("plan_updated", actor, "improvement_plan", plan.id)
    db.session.commit()


def goal_direction(indicator_code: str | None, baseline: float, target: float):
    """Return the direction a goal improves in: the indicator's, else the one its target sets."""
    if indicator_code:
        return indicator_direction(indicator_code)
    return direction_between(baseline, target)


def latest_indicator_value(school: School, code: str) -> tuple[int, float] | None:
    """Return the school's latest stored value of an indicator, with its year."""
    for stored in db.session.scalars(
        select(SchoolIndicators)
        .where(SchoolIndicators.school_id == school.id)
        .order_by(SchoolIndicators.year.desc())
    ):
        if stored.values.get(code) is not None:
            return stored.year, float(stored.values[code])
    return None


def save_goal(
    plan: ImprovementPlan,
    goal: PlanGoal | None,
    *,
    title: str,
    indicator_code: str | None,
    competences: list[dict],
    baseline: float | None,
    target: float,
    actor,
) -> PlanGoal:
    """Add a goal to a draft plan or change one; an empty baseline takes the latest value."""
    _unlocked(plan)
    indicator_code = indicator_code or None
    if indicator_code is None and not competences:
        raise ActionError(
            _l("Tie the goal to an indicator or to staff competences."), 422, "indicator_code"
        )
    if baseline is None:
        latest = latest_indicator_value(plan.school, indicator_code) if indicator_code else None
        if latest is None:
            raise ActionError(_l("Enter the baseline value."), 422, "baseline")
        baseline = latest[1]
    if indicator_code:
        low, high = INDICATORS_BY_CODE[indicator_code].value_range
        for name, value in (("baseline", baseline), ("target", target)):
            if not low <= value <= high:
                message = _l(
                    "The indicator takes values from %(low)s to %(high)s.",
                    low=f"{low:g}",
                    high=f"{high:g}",
                )
                raise ActionError(message, 422, name)
        direction = indicator_direction(indicator_code)
        if not target_improves(baseline, target, direction):
            message = (
                _l("For this indicator lower is better: the target cannot exceed the baseline.")
                if direction is Direction.DECREASE
                else _l(
                    "For this indicator higher is better: the target cannot be below the baseline."
                )
            )
            raise ActionError(message, 422, "target")
    elif target == baseline:
        raise ActionError(_l("The target must differ from the baseline."), 422, "target")
    if goal is None:
        goal = PlanGoal(plan=plan, position=len(plan.goals) + 1)
        db.session.add(goal)
    goal.title, goal.indicator_code, goal.competences = title.strip(), indicator_code, competences
    goal.baseline, goal.target = baseline, target
    db.session.flush()
    audit.record("plan_goal_saved", actor, "improvement_plan", plan.id, goal=goal.id)
    db.session.commit()
    return goal


def delete_goal(goal: PlanGoal, actor) -> None:
    """Remove a goal of a draft plan with its recorded values; its measures stay, untied."""
    plan = goal.plan
    _unlocked(plan)
    for measure in plan.measures:
        if measure.goal_id == goal.id:
            measure.goal = None
    plan.goals.remove(goal)
    for position, kept in enumerate(plan.goals, start=1):
        kept.position = position
    audit.record("plan_goal_deleted", actor, "improvement_plan", plan.id, goal=goal.id)
    db.session.commit()


def save_measure(
    plan: ImprovementPlan,
    measure: PlanMeasure | None,
    *,
    title: str,
    goal: PlanGoal | None,
    responsible: str,
    due_on: date,
    actor,
) -> PlanMeasure:
    """Add a measure to a draft plan or change one."""
    _unlocked(plan)
    if goal is not None and goal.plan_id != plan.id:
        raise ActionError(_l("Choose a goal of this plan."), 422, "goal")
    if measure is None:
        measure = PlanMeasure(plan=plan, status=MeasureStatus.PLANNED)
        db.session.add(measure)
    measure.title, measure.goal, measure.responsible = title.strip(), goal, responsible.strip()
    measure.due_on = due_on
    db.session.flush()
    audit.record("plan_measure_saved", actor, "improvement_plan", plan.id, measure=measure.id)
    db.session.commit()
    return measure


def delete_measure(measure: PlanMeasure, actor) -> None:
    """Remove a measure of a draft plan."""
    plan = measure.plan
    _unlocked(plan)
    plan.measures.remove(measure)
    audit.record("plan_measure_deleted", actor, "improvement_plan", plan.id, measure=measure.id)
    db.session.commit()


def set_measure_status(measure: PlanMeasure, status: str, actor) -> None:
    """Record how far a measure has got (also in an approved plan: that is carrying it out)."""
    measure.status = MeasureStatus(status)
    audit.record(
        "plan_measure_status",
        actor,
        "improvement_plan",
        measure.plan_id,
        measure=measure.id,
        status=str(status),
    )
    db.session.commit()


def record_monitoring(
    plan: ImprovementPlan,
    stage: str,
    *,
    held_on: date,
    note: str,
    values: dict[int, float | None],
    actor,
) -> MonitoringPoint:
    """Record (or correct) the values of a monitoring point; an empty value removes one."""
    stage = MonitoringStage(stage)
    today = local_today()
    if held_on > today:
        message = _l(
            "A monitoring point cannot be dated in the future: values are recorded once it has "
            "been held (today is %(today)s).",
            today=format_date(today),
        )
        raise ActionError(message, 422, "held_on")
    _monitoring_order(plan, stage, held_on)
    recorded = {"held_on": held_on, "note": note.strip(), "recorded_by_id": actor.id}
    point = next((p for p in plan.monitoring if p.stage == stage), None)
    if point is None:
        point = MonitoringPoint(plan=plan, stage=stage, recorded_at=utcnow(), **recorded)
        db.session.add(point)
    else:
        for name, value in recorded.items():
            setattr(point, name, value)
        point.recorded_at = utcnow()
    existing = {value.goal_id: value for value in point.values}
    for goal in plan.goals:
        value = values.get(goal.id)
        if value is None:
            if goal.id in existing:
                point.values.remove(existing[goal.id])
        elif goal.id in existing:
            existing[goal.id].value = value
        else:
            point.values.append(MonitoringValue(goal=goal, value=value))
    db.session.flush()
    audit.record("plan_monitoring", actor, "improvement_plan", plan.id, stage=str(stage))
    db.session.commit()
    return point


def _monitoring_order(plan: ImprovementPlan, stage: MonitoringStage, held_on: date) -> None:
    """Refuse a date that puts the points out of order: entry, then interim, then final."""
    order = list(MonitoringStage)
    for point in plan.monitoring:
        if point.stage == stage:
            continue
        earlier = order.index(point.stage) < order.index(stage)
        if earlier and held_on <= point.held_on:
            message = _l(
                "The date must be later than that of the %(stage)s monitoring (%(date)s).",
                stage=STAGE_SHORT_LABELS[point.stage],
                date=format_date(point.held_on),
            )
            raise ActionError(message, 422, "held_on")
        if not earlier and held_on >= point.held_on:
            message = _l(
                "The date must be earlier than that of the %(stage)s monitoring (%(date)s).",
                stage=STAGE_SHORT_LABELS[point.stage],
                date=format_date(point.held_on),
            )
            raise ActionError(message, 422, "held_on")


def goal_progress(plan: ImprovementPlan) -> list[GoalProgress]:
    """Return each goal's values per monitoring point and the progress of the latest value."""
    by_stage = {point.stage: point for point in plan.monitoring}
    found = []
    for goal in plan.goals:
        values = {}
        for stage in MonitoringStage:
            point = by_stage.get(stage)
            value = (
                next((v.value for v in point.values if v.goal_id == goal.id), None)
                if point
                else None
            )
            values[stage.value] = value
        recorded = [stage for stage, value in values.items() if value is not None]
        latest_stage = recorded[-1] if recorded else None
        latest = None
        if latest_stage is not None:
            direction = goal_direction(goal.indicator_code, goal.baseline, goal.target)
            latest = progress_to_target(goal.baseline, goal.target, values[latest_stage], direction)
        found.append(GoalProgress(goal, values, latest, latest_stage))
    return found


def plan_progress(progress: list[GoalProgress]) -> float | None:
    """Return the mean progress of the goals that have a recorded value."""
    return mean_progress([p.latest for p in progress if p.latest is not None])


def competence_options() -> list[tuple[spec.Framework, list[tuple[str, str]]]]:
    """Return the published frameworks with their competences as (key, title) choices."""
    frameworks = [o for o in published_library_objects() if isinstance(o, spec.Framework)]
    return [
        (
            framework,
            [
                (f"{framework.id}/{competence.id}", competence.title)
                for area in framework.areas
                for competence in area.competences
            ],
        )
        for framework in sorted(frameworks, key=lambda f: f.title)
    ]
