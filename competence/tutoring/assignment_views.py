"""The methodist's page: which tutor tutors whom, assigned one by one or by municipality."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from competence.accounts.access import role_required
from competence.accounts.models import Role, User
from competence.extensions import db
from competence.forms import ConfirmForm
from competence.schools.models import Municipality
from competence.tutoring import services
from competence.tutoring.blueprint import bp
from competence.tutoring.forms import AssignmentForm
from competence.tutoring.models import TutorAssignment

ASSIGNING_ROLES = (Role.METHODIST, Role.ADMIN)


def _form(submitted: bool = True) -> AssignmentForm:
    """Return the assignment form with the tutors and municipalities to choose from."""
    form = AssignmentForm() if submitted else AssignmentForm(formdata=None)
    form.tutor_id.choices = [(t.id, f"{t.full_name} ({t.email})") for t in services.tutors()]
    form.municipality_id.choices = [("", "—")] + [(m.id, m.name) for m in services.municipalities()]
    return form


def _render(form: AssignmentForm, status: int = 200, error=None):
    """Render the assignments page."""
    return render_template(
        "tutoring/assignments.html",
        form=form,
        assignments=services.assignments(),
        error=error,
    ), status


@bp.route("/assignments")
@role_required(*ASSIGNING_ROLES)
def assignments():
    """List the tutors' assignments and offer to add one."""
    return _render(_form(submitted=False))


@bp.route("/assignments", methods=["POST"])
@role_required(*ASSIGNING_ROLES)
def assign():
    """Assign a tutor to a teacher or to a municipality."""
    form = _form()
    if not form.validate_on_submit():
        errors = [str(e[0]) for e in form.errors.values()]
        return _render(form, 400, errors[0] if errors else _("Choose a tutor."))
    tutor = db.session.get(User, form.tutor_id.data)
    municipality = (
        db.session.get(Municipality, form.municipality_id.data)
        if form.municipality_id.data
        else None
    )
    try:
        teacher = services.find_teacher(form.teacher.data) if form.teacher.data else None
        services.assign(tutor, current_user, teacher=teacher, municipality=municipality)
    except services.TutoringError as exc:
        db.session.rollback()
        return _render(form, exc.status, str(exc.message))
    flash(_("The tutor is assigned."), "success")
    return redirect(url_for("tutoring.assignments"), 303)


@bp.route("/assignments/<int:assignment_id>/delete", methods=["POST"])
@role_required(*ASSIGNING_ROLES)
def unassign(assignment_id: int):
    """End an assignment."""
    assignment = db.get_or_404(TutorAssignment, assignment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.unassign(assignment, current_user)
    flash(_("The assignment is ended."), "info")
    return redirect(url_for("tutoring.assignments"), 303)
