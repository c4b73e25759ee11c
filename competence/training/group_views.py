"""The methodist's pages: course groups, their applicants, enrolment, results, the import."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from competence.accounts.access import PLANNING_ROLES, role_required
from competence.analytics.demand import course_groups
from competence.extensions import db
from competence.forms import ConfirmForm
from competence.tracks.forms import FORMAT_LABELS
from competence.tracks.models import CatalogModule
from competence.training import enrolment, results, services
from competence.training.blueprint import bp
from competence.training.forms import (
    APPLICATION_LABELS,
    RESULT_LABELS,
    STATUS_LABELS,
    GroupForm,
    ImportForm,
    ResultForm,
)
from competence.training.models import ApplicationStatus, CourseGroup, GroupApplication


def _group_size() -> int:
    """Return the course-group size the institute plans with."""
    return current_app.config["COURSE_GROUP_SIZE"]


@bp.route("/groups")
@role_required(*PLANNING_ROLES)
def groups():
    """List the course groups with places taken and waiting, and the demand for each module."""
    demand = services.demand_by_module()
    rows = []
    for group in services.group_list():
        counts = dict.fromkeys(ApplicationStatus, 0)
        for application in group.applications:
            counts[application.status] += 1
        needed = demand.get(group.module_id, 0)
        rows.append((group, counts, needed, course_groups(needed, _group_size())))
    return render_template(
        "training/groups.html",
        rows=rows,
        status_labels=STATUS_LABELS,
        group_size=_group_size(),
    )


def _data(form: GroupForm) -> services.GroupData:
    """Return what the form says about a group."""
    return services.GroupData(
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        place=form.place.data or "",
        online_link=form.online_link.data or "",
        hours=form.hours.data,
        format=form.format.data,
        places=form.places.data,
        provider=form.provider.data or "",
    )


def _render_form(form: GroupForm, group: CourseGroup | None, status: int = 200, error=None):
    """Render the form of a new or an existing group."""
    demand = services.demand_by_module()
    return render_template(
        "training/group_form.html",
        form=form,
        group=group,
        demand=demand,
        modules=services.schedulable_modules(),
        group_size=_group_size(),
        error=error,
    ), status


@bp.route("/groups/new", methods=["GET", "POST"])
@role_required(*PLANNING_ROLES)
def new_group():
    """Schedule a catalogue module as a course group."""
    form = GroupForm()
    modules = services.schedulable_modules()
    form.module.choices = [(m.key, m.title) for m in modules]
    del form.status
    if request.method == "GET":
        chosen = next((m for m in modules if m.key == request.args.get("module")), None)
        if chosen is not None:
            form.module.data = chosen.key
            form.hours.data = chosen.hours
            form.format.data = chosen.format
            form.provider.data = chosen.provider
        return _render_form(form, None)
    if not form.validate_on_submit():
        return _render_form(form, None, 422)
    module = db.session.scalar(
        db.select(CatalogModule).where(CatalogModule.key == form.module.data)
    )
    try:
        group = services.schedule_group(module, _data(form), current_user)
    except services.TrainingError as exc:
        db.session.rollback()
        return _render_form(form, None, exc.status, str(exc.message))
    flash(_("The group is scheduled and open for applications."), "success")
    return redirect(url_for("training.group", group_id=group.id))


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@role_required(*PLANNING_ROLES)
def edit_group(group_id: int):
    """Change a group's dates, place, places or status."""
    group = db.get_or_404(CourseGroup, group_id)
    form = GroupForm(obj=group)
    del form.module
    if request.method == "GET":
        form.place.data = group.place or ""
        form.online_link.data = group.online_link or ""
        return _render_form(form, group)
    if not form.validate_on_submit():
        return _render_form(form, group, 422)
    try:
        enrolment.update_group(group, _data(form), form.status.data, current_user)
    except services.TrainingError as exc:
        db.session.rollback()
        return _render_form(form, group, exc.status, str(exc.message))
    flash(_("The group is saved."), "success")
    return redirect(url_for("training.group", group_id=group.id))


def _render_group(group: CourseGroup, status: int = 200, error=None, failed=None, **forms):
    """Render a group's page: applicants, release, enrolment, waiting list, results, import."""
    by_status = {state: [] for state in ApplicationStatus}
    for application in group.applications:
        by_status[application.status].append(application)
    needed = services.demand_by_module().get(group.module_id, 0)
    return render_template(
        "training/group.html",
        group=group,
        by_status=by_status,
        waiting=enrolment.waiting_list(group.id),
        taken=len(by_status[ApplicationStatus.ENROLLED]),
        needed=needed,
        groups_needed=course_groups(needed, _group_size()),
        labels=APPLICATION_LABELS,
        status_labels=STATUS_LABELS,
        result_labels=RESULT_LABELS,
        format_labels=FORMAT_LABELS,
        form=ConfirmForm(formdata=None),
        result_form=forms.get("result_form"),
        import_form=forms.get("import_form") or ImportForm(formdata=None),
        import_errors=forms.get("import_errors"),
        error=error,
        failed=failed,
    ), status


@bp.route("/groups/<int:group_id>")
@role_required(*PLANNING_ROLES)
def group(group_id: int):
    """Show a course group to the methodist."""
    return _render_group(db.get_or_404(CourseGroup, group_id))


@bp.route("/groups/<int:group_id>/enrol", methods=["POST"])
@role_required(*PLANNING_ROLES)
def enrol_released(group_id: int):
    """Enrol the released applicants in order; the rest go on the waiting list."""
    group = db.get_or_404(CourseGroup, group_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        enrolled, waiting = enrolment.enrol_released(group, current_user)
    except services.TrainingError as exc:
        db.session.rollback()
        return _render_group(group, exc.status, str(exc.message))
    flash(
        ngettext("%(num)d teacher enrolled.", "%(num)d teachers enrolled.", enrolled)
        + " "
        + ngettext("%(num)d put on the waiting list.", "%(num)d put on the waiting list.", waiting),
        "success",
    )
    return redirect(url_for("training.group", group_id=group.id))


def _application(application_id: int) -> GroupApplication:
    """Return an application for the methodist, or 404."""
    return db.get_or_404(GroupApplication, application_id)


@bp.route("/applications/<int:application_id>/enrol", methods=["POST"])
@role_required(*PLANNING_ROLES)
def enrol(application_id: int):
    """Enrol one released or waiting applicant, if a place is free."""
    application = _application(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    group = application.group
    try:
        enrolment.enrol(application, current_user)
    except services.TrainingError as exc:
        db.session.rollback()
        return _render_group(group, exc.status, str(exc.message), application_id)
    flash(_("The teacher is enrolled."), "success")
    return redirect(url_for("training.group", group_id=group.id))


@bp.route("/applications/<int:application_id>/result", methods=["POST"])
@role_required(*PLANNING_ROLES)
def record_result(application_id: int):
    """Record an enrolled teacher's attendance, result and удостоверение number."""
    application = _application(application_id)
    group = application.group
    form = ResultForm()
    if not form.validate_on_submit():
        message = next(iter(form.errors.values()))[0]
        return _render_group(group, 422, message, application_id, result_form=form)
    attended = {"yes": True, "no": False}.get(form.attended.data)
    try:
        results.record_result(
            application, current_user, attended, form.result.data, form.document.data or ""
        )
    except services.TrainingError as exc:
        db.session.rollback()
        return _render_group(group, exc.status, str(exc.message), application_id, result_form=form)
    flash(_("The result is recorded."), "success")
    return redirect(url_for("training.group", group_id=group.id) + f"#application-{application_id}")


@bp.route("/groups/<int:group_id>/import", methods=["POST"])
@role_required(*PLANNING_ROLES)
def import_documents(group_id: int):
    """Import удостоверение numbers from the institute's CSV or XLSX: all rows or none."""
    group = db.get_or_404(CourseGroup, group_id)
    form = ImportForm()
    if not form.validate_on_submit():
        errors = [error for messages in form.errors.values() for error in messages]
        return _render_group(group, 400, import_form=form, import_errors=errors)
    upload = form.file.data
    try:
        count = results.import_documents(group, upload.filename or "", upload.read(), current_user)
    except results.ImportErrors as exc:
        db.session.rollback()
        return _render_group(group, exc.status, import_form=form, import_errors=exc.errors)
    except services.TrainingError as exc:
        db.session.rollback()
        return _render_group(group, exc.status, import_errors=[str(exc.message)])
    flash(
        ngettext(
            "%(num)d qualification document number imported.",
            "%(num)d qualification document numbers imported.",
            count,
        ),
        "success",
    )
    return redirect(url_for("training.group", group_id=group.id))
