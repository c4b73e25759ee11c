"""Pages of the improvement plans: the plan, its editing, monitoring, review and exports."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from competence import audit
from competence.analytics.indicators import INDICATORS_BY_CODE
from competence.extensions import db
from competence.schools import access, plan_export, plan_review
from competence.schools import plan_services as services
from competence.schools.errors import ActionError
from competence.schools.plan_forms import (
    ApproveForm,
    CommentForm,
    PlanForm,
    ReopenForm,
    SubmitForm,
    monitoring_form,
)
from competence.schools.plan_models import ImprovementPlan, MonitoringStage, PlanStatus
from competence.schools.views import bp
from competence.tracks.services import local_today


def plan_or_404(plan_id: int) -> ImprovementPlan:
    """Return a plan of a school within the user's reach."""
    plan = db.get_or_404(ImprovementPlan, plan_id)
    access.school_or_404(current_user, plan.school_id)
    return plan


def require(allowed: bool) -> None:
    """Answer 403 unless the user's role allows the action."""
    if not allowed:
        abort(403)


def editable(plan: ImprovementPlan, *, form: bool = False) -> None:
    """Let only the school's director through, and only while the plan is a draft (or returned).

    With `form`, a form sent after the plan was submitted or approved is let through:
    locked_form() then gives it back with what was typed, instead of an error page that would
    lose it.
    """
    require(access.edits_plans(current_user, plan.school))
    if plan.locked and not (form and request.method == "POST"):
        abort(409, str(services.lock_reason(plan)))


def locked_form(plan: ImprovementPlan, form) -> bool:
    """Tell a form sent to a locked plan why it was not saved; True if the plan is locked."""
    if not (form.is_submitted() and plan.locked):
        return False
    if plan.status == PlanStatus.SUBMITTED:
        message = _(
            "Not saved: the plan was submitted for approval while you were editing it. What you "
            "typed is kept below; save it once the reviewer returns the plan for changes."
        )
    else:
        message = _(
            "Not saved: the plan was approved while you were editing it. What you typed is kept "
            "below; ask the coordinator or a methodist to return the plan for changes, then save."
        )
    form.form_errors.append(message)
    return True


def to_plan(plan: ImprovementPlan, anchor: str | None = None):
    """Redirect to the plan page, at a section."""
    return redirect(url_for("schools.plan", plan_id=plan.id, _anchor=anchor))


def field_error(form, error: ActionError) -> None:
    """Put a service error next to its field, or above the form."""
    target = getattr(form, error.field, None) if error.field else None
    (target.errors if target is not None else form.form_errors).append(str(error.message))


def plan_page(plan: ImprovementPlan, status: int = 200, action_error: str | None = None, **forms):
    """Render the plan page, possibly with a failed form or an action that could not be done."""
    progress = services.goal_progress(plan)
    forms.setdefault("comment_form", CommentForm())
    forms.setdefault("submit_form", SubmitForm())
    forms.setdefault("approve_form", ApproveForm())
    forms.setdefault("reopen_form", ReopenForm())
    page = render_template(
        "schools/plan.html",
        plan=plan,
        school=plan.school,
        progress=progress,
        overall=services.plan_progress(progress),
        points={point.stage: point for point in plan.monitoring},
        stages=list(MonitoringStage),
        indicators=INDICATORS_BY_CODE,
        edits=access.edits_plans(current_user, plan.school),
        reviews=access.reviews(current_user, plan.school),
        action_error=action_error,
        **forms,
    )
    return page, status


@bp.route("/<int:school_id>/plans/new", methods=["GET", "POST"])
def new_plan(school_id: int):
    """Start a plan of the director's school."""
    school = access.school_or_404(current_user, school_id)
    require(access.edits_plans(current_user, school))
    form = PlanForm()
    if not form.is_submitted():
        year = date.today().year if date.today().month >= 9 else date.today().year - 1
        form.title.data = _(
            "Plan for improving the quality of education, %(start)d–%(end)d",
            start=year,
            end=year + 1,
        )
        form.starts_on.data, form.ends_on.data = date(year, 9, 1), date(year + 1, 8, 31)
    if form.validate_on_submit():
        try:
            plan = services.create_plan(
                school,
                title=form.title.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                actor=current_user,
            )
        except ActionError as error:
            field_error(form, error)
        else:
            flash(_("The plan is created. Add its goals and measures."), "success")
            return to_plan(plan)
    status = 422 if form.is_submitted() else 200
    return render_template("schools/plan_form.html", form=form, school=school, plan=None), status


@bp.route("/plans/<int:plan_id>")
def plan(plan_id: int):
    """Show a plan: goals with progress, measures, monitoring points, discussion."""
    return plan_page(plan_or_404(plan_id))


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
def edit_plan(plan_id: int):
    """Change the title and period of a draft plan."""
    plan = plan_or_404(plan_id)
    editable(plan, form=True)
    form = PlanForm(obj=plan)
    status = 422 if form.is_submitted() else 200
    if locked_form(plan, form):
        status = 409
    elif form.validate_on_submit():
        try:
            services.update_plan(
                plan,
                title=form.title.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                actor=current_user,
            )
        except ActionError as error:
            field_error(form, error)
            status = error.status
        else:
            flash(_("Saved."), "success")
            return to_plan(plan)
    return render_template(
        "schools/plan_form.html", form=form, school=plan.school, plan=plan
    ), status


@bp.route("/plans/<int:plan_id>/monitoring/<stage>", methods=["GET", "POST"])
def monitoring(plan_id: int, stage: str):
    """Record the values of the goals at a monitoring point."""
    plan = plan_or_404(plan_id)
    if stage not in set(MonitoringStage):
        abort(404)
    require(
        access.edits_plans(current_user, plan.school) or access.reviews(current_user, plan.school)
    )
    point = next((p for p in plan.monitoring if p.stage == stage), None)
    ranges = {
        goal.id: INDICATORS_BY_CODE[goal.indicator_code].value_range
        if goal.indicator_code
        else None
        for goal in plan.goals
    }
    form = monitoring_form(plan.goals, ranges)
    if not form.is_submitted():
        form.held_on.data = point.held_on if point else local_today()
        form.note.data = point.note if point else ""
        for value in point.values if point else ():
            getattr(form, f"goal_{value.goal_id}").data = value.value
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            services.record_monitoring(
                plan,
                stage,
                held_on=form.held_on.data,
                note=form.note.data or "",
                values={goal.id: getattr(form, f"goal_{goal.id}").data for goal in plan.goals},
                actor=current_user,
            )
        except ActionError as error:
            field_error(form, error)
            status = error.status
        else:
            flash(_("The monitoring values are saved."), "success")
            return to_plan(plan, "monitoring")
    return render_template(
        "schools/monitoring.html", form=form, plan=plan, stage=stage, point=point
    ), status


@bp.route("/plans/<int:plan_id>/comments", methods=["POST"])
def comment(plan_id: int):
    """Add a remark to the plan's discussion (reviewers and the school's director)."""
    plan = plan_or_404(plan_id)
    require(
        access.edits_plans(current_user, plan.school) or access.reviews(current_user, plan.school)
    )
    form = CommentForm()
    if not form.validate_on_submit():
        return plan_page(plan, 422, comment_form=form)
    plan_review.add_comment(plan, form.body.data, current_user)
    return to_plan(plan, "discussion")


@bp.route("/plans/<int:plan_id>/submit", methods=["POST"])
def submit(plan_id: int):
    """Send the plan for approval (the school's director); the coordinators are told."""
    plan = plan_or_404(plan_id)
    require(access.edits_plans(current_user, plan.school))
    form = SubmitForm()
    if not form.validate_on_submit():
        return plan_page(plan, 422, submit_form=form)
    try:
        told = plan_review.submit(plan, current_user, form.note.data or "")
    except ActionError as error:
        return plan_page(plan, error.status, action_error=str(error.message))
    if told:
        flash(_("The plan is submitted for approval; the coordinator is notified."), "success")
    else:
        flash(
            _(
                "The plan is submitted for approval, but no coordinator of the municipality is "
                "registered on the portal to be notified: tell the municipality yourself."
            ),
            "warning",
        )
    return to_plan(plan)


@bp.route("/plans/<int:plan_id>/approve", methods=["POST"])
def approve(plan_id: int):
    """Approve a submitted plan."""
    plan = plan_or_404(plan_id)
    require(access.reviews(current_user, plan.school))
    form = ApproveForm()
    if not form.validate_on_submit():
        return plan_page(plan, 422, approve_form=form)
    try:
        plan_review.approve(plan, current_user, form.note.data or "")
    except ActionError as error:
        # A stale page: the plan may be approved already, and the form is then not shown.
        return plan_page(plan, error.status, action_error=str(error.message))
    flash(_("The plan is approved."), "success")
    return to_plan(plan)


@bp.route("/plans/<int:plan_id>/reopen", methods=["POST"])
def reopen(plan_id: int):
    """Return a submitted or approved plan to the director for changes."""
    plan = plan_or_404(plan_id)
    require(access.reviews(current_user, plan.school))
    form = ReopenForm()
    if not form.validate_on_submit():
        return plan_page(plan, 422, reopen_form=form)
    try:
        plan_review.return_plan(plan, current_user, form.reason.data)
    except ActionError as error:
        return plan_page(plan, error.status, action_error=str(error.message))
    flash(_("The plan is returned to the director for changes."), "info")
    return to_plan(plan)


@bp.route("/plans/<int:plan_id>/plan.pdf")
def plan_pdf(plan_id: int):
    """Download the plan as PDF."""
    plan = plan_or_404(plan_id)
    audit.note("plan_exported", current_user, "improvement_plan", plan.id, format="pdf")
    return _download(
        plan_export.plan_pdf(plan), "application/pdf", plan_export.export_name(plan, "pdf")
    )


@bp.route("/plans/<int:plan_id>/plan.xlsx")
def plan_xlsx(plan_id: int):
    """Download the plan as an XLSX workbook."""
    plan = plan_or_404(plan_id)
    audit.note("plan_exported", current_user, "improvement_plan", plan.id, format="xlsx")
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(plan_export.plan_xlsx(plan), mimetype, plan_export.export_name(plan, "xlsx"))


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    """Answer with a file to save."""
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"}
    )
