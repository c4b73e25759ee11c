"""Pages that edit an improvement plan's goals and measures (the school's director)."""

from flask import flash, render_template
from flask_babel import gettext as _
from flask_login import current_user

from competence.extensions import db
from competence.schools import access
from competence.schools import plan_services as services
from competence.schools.errors import ActionError
from competence.schools.plan_forms import GoalForm, MeasureForm, MeasureStatusForm
from competence.schools.plan_models import ImprovementPlan, PlanGoal, PlanMeasure
from competence.schools.plan_views import (
    editable,
    field_error,
    locked_form,
    plan_or_404,
    plan_page,
    require,
    to_plan,
)
from competence.schools.views import bp


def _draft_item(model, item_id: int, *, form: bool = False):
    """Return a goal or measure and its plan, when the user may edit that draft plan."""
    item = db.get_or_404(model, item_id)
    plan = plan_or_404(item.plan_id)
    editable(plan, form=form)
    return item, plan


def _goal_page(plan: ImprovementPlan, goal: PlanGoal | None):
    options = services.competence_options()
    form = GoalForm(competence_options=options)
    if goal is not None and not form.is_submitted():
        form.title.data, form.indicator_code.data = goal.title, goal.indicator_code or ""
        form.competences.data = [f"{c['framework']}/{c['competence']}" for c in goal.competences]
        form.baseline.data, form.target.data = goal.baseline, goal.target
    status = 422 if form.is_submitted() else 200
    if locked_form(plan, form):
        status = 409
    elif form.validate_on_submit():
        titles = {key: title for _, choices in options for key, title in choices}
        competences = [
            {"framework": key.split("/")[0], "competence": key.split("/")[1], "title": titles[key]}
            for key in form.competences.data
        ]
        try:
            services.save_goal(
                plan,
                goal,
                title=form.title.data,
                indicator_code=form.indicator_code.data,
                competences=competences,
                baseline=form.baseline.data,
                target=form.target.data,
                actor=current_user,
            )
        except ActionError as error:
            field_error(form, error)
            status = error.status
        else:
            flash(_("The goal is saved."), "success")
            return to_plan(plan, "goals")
    return render_template("schools/goal_form.html", form=form, plan=plan, goal=goal), status


@bp.route("/plans/<int:plan_id>/goals/new", methods=["GET", "POST"])
def new_goal(plan_id: int):
    """Add a goal to a draft plan."""
    plan = plan_or_404(plan_id)
    editable(plan, form=True)
    return _goal_page(plan, None)


@bp.route("/plans/goals/<int:goal_id>", methods=["GET", "POST"])
def edit_goal(goal_id: int):
    """Change a goal of a draft plan."""
    goal, plan = _draft_item(PlanGoal, goal_id, form=True)
    return _goal_page(plan, goal)


@bp.route("/plans/goals/<int:goal_id>/delete", methods=["POST"])
def delete_goal(goal_id: int):
    """Remove a goal of a draft plan."""
    goal, plan = _draft_item(PlanGoal, goal_id)
    services.delete_goal(goal, current_user)
    flash(_("The goal is removed."), "info")
    return to_plan(plan, "goals")


def _measure_page(plan: ImprovementPlan, measure: PlanMeasure | None):
    form = MeasureForm(obj=measure, goals=plan.goals)
    if measure is not None and not form.is_submitted():
        form.goal.data = measure.goal_id
    status = 422 if form.is_submitted() else 200
    if locked_form(plan, form):
        status = 409
    elif form.validate_on_submit():
        goal = next((g for g in plan.goals if g.id == form.goal.data), None)
        try:
            services.save_measure(
                plan,
                measure,
                title=form.title.data,
                goal=goal,
                responsible=form.responsible.data,
                due_on=form.due_on.data,
                actor=current_user,
            )
        except ActionError as error:
            field_error(form, error)
            status = error.status
        else:
            flash(_("The measure is saved."), "success")
            return to_plan(plan, "measures")
    return render_template(
        "schools/measure_form.html", form=form, plan=plan, measure=measure
    ), status


@bp.route("/plans/<int:plan_id>/measures/new", methods=["GET", "POST"])
def new_measure(plan_id: int):
    """Add a measure to a draft plan."""
    plan = plan_or_404(plan_id)
    editable(plan, form=True)
    return _measure_page(plan, None)


@bp.route("/plans/measures/<int:measure_id>", methods=["GET", "POST"])
def edit_measure(measure_id: int):
    """Change a measure of a draft plan."""
    measure, plan = _draft_item(PlanMeasure, measure_id, form=True)
    return _measure_page(plan, measure)


@bp.route("/plans/measures/<int:measure_id>/delete", methods=["POST"])
def delete_measure(measure_id: int):
    """Remove a measure of a draft plan."""
    measure, plan = _draft_item(PlanMeasure, measure_id)
    services.delete_measure(measure, current_user)
    flash(_("The measure is removed."), "info")
    return to_plan(plan, "measures")


@bp.route("/plans/measures/<int:measure_id>/status", methods=["POST"])
def measure_status(measure_id: int):
    """Record how far a measure has got (also while the plan is approved)."""
    measure = db.get_or_404(PlanMeasure, measure_id)
    plan = plan_or_404(measure.plan_id)
    require(access.edits_plans(current_user, plan.school))
    form = MeasureStatusForm()
    if not form.validate_on_submit():
        return plan_page(plan, 422)
    services.set_measure_status(measure, form.status.data, current_user)
    flash(_("The status of the measure is saved."), "success")
    return to_plan(plan, "measures")
