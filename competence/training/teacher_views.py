"""The teacher's page: open groups of the modules of their tracks, applications, withdrawals."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from competence.extensions import db
from competence.forms import ConfirmForm
from competence.training import enrolment, services
from competence.training.blueprint import bp
from competence.training.forms import APPLICATION_LABELS, RESULT_LABELS, STATUS_LABELS
from competence.training.models import CourseGroup, GroupApplication


def _render(status: int = 200, error=None):
    """Render the teacher's page, with a refusal's message when there is one."""
    return render_template(
        "training/index.html",
        groups=services.groups_for(current_user),
        applications=services.applications_of(current_user),
        form=ConfirmForm(formdata=None),
        labels=APPLICATION_LABELS,
        status_labels=STATUS_LABELS,
        result_labels=RESULT_LABELS,
        is_active=services.is_active,
        error=error,
    ), status


@bp.route("/")
@login_required
def index():
    """Show the open groups of the user's modules and the user's applications."""
    return _render()


@bp.route("/groups/<int:group_id>/apply", methods=["POST"])
@login_required
def apply(group_id: int):
    """Apply to a course group from a module of the user's track."""
    group = db.get_or_404(CourseGroup, group_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.apply(current_user, group)
    except services.TrainingError as exc:
        db.session.rollback()
        return _render(exc.status, str(exc.message))
    flash(
        _("Your application is sent: the director of your school is asked to release you."),
        "success",
    )
    return redirect(url_for("training.index"))


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@login_required
def withdraw(application_id: int):
    """Withdraw the user's own application (a place held goes to the waiting list)."""
    application = db.get_or_404(GroupApplication, application_id)
    if application.user_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        enrolment.withdraw(application, current_user)
    except services.TrainingError as exc:
        db.session.rollback()
        return _render(exc.status, str(exc.message))
    flash(_("Your application is withdrawn."), "success")
    return redirect(url_for("training.index"))
