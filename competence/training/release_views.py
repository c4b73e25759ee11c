"""The director's page of release requests: teachers of the school who applied to a course."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from competence.accounts.access import directs_school_of, role_required
from competence.accounts.models import Role
from competence.extensions import db
from competence.staff.forms import DecisionForm
from competence.training import services
from competence.training.blueprint import bp
from competence.training.models import GroupApplication


def _render(status: int = 200, error=None, failed=None, form=None):
    """Render the release requests of the director's school."""
    if current_user.school_id is None:
        abort(403)
    return render_template(
        "training/releases.html",
        applications=services.releases_to_decide(current_user),
        form=form or DecisionForm(formdata=None),
        error=error,
        failed=failed,
    ), status


@bp.route("/releases")
@role_required(Role.DIRECTOR)
def releases():
    """Show the requests to release the school's teachers from work for a course."""
    return _render()


@bp.route("/applications/<int:application_id>/release", methods=["POST"])
@role_required(Role.DIRECTOR)
def decide_release(application_id: int):
    """Release a teacher of the school for a course, or refuse with a comment."""
    application = db.get_or_404(GroupApplication, application_id)
    if not directs_school_of(current_user, application.user):
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        db.session.rollback()
        message = next(iter(form.errors.values()))[0] if form.errors else _("Invalid form.")
        return _render(422, message, ("release", application_id), form)
    release = form.decision.data == "approve"
    try:
        services.decide_release(application, current_user, release, form.comment.data or "")
    except services.TrainingError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        return _render(exc.status, str(exc.message), ("release", application_id), form)
    flash(
        _("The teacher is released for the course.") if release else _("The release is refused."),
        "success",
    )
    return redirect(url_for("training.releases"))
