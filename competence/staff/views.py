"""The director's page of the school's staff, with the requests the director decides."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from competence.accounts.access import directs_school_of, role_required
from competence.accounts.models import Role
from competence.extensions import db
from competence.staff import moves, services
from competence.staff.forms import DecisionForm
from competence.staff.models import SchoolMoveRequest
from competence.tracks import declines
from competence.tracks.models import DeclineRequest
from competence.tracks.services import TrackError, progress
from competence.tutoring.services import tutors_by_teacher

bp = Blueprint("staff", __name__, url_prefix="/staff")


def _school_id() -> int:
    """Return the director's school, refusing a director attached to none."""
    if current_user.school_id is None:
        abort(403)
    return current_user.school_id


@bp.route("/")
@role_required(Role.DIRECTOR)
def index():
    """Show the school's staff: requests to decide, deficit shares, results and tracks."""
    return _render_index()


def _render_index(status: int = 200, error=None, failed=None, form=None):
    """Render the staff page; a refused decision shows its message next to its request."""
    school_id = _school_id()
    members = services.staff_of(school_id)
    attempts = [attempt for member in members for attempt in member.latest]
    return render_template(
        "staff/index.html",
        school=current_user.school,
        members=members,
        shares=services.deficit_shares(attempts),
        declines=services.pending_declines(school_id),
        moves=services.pending_moves(school_id),
        progress=progress,
        tutors=tutors_by_teacher([member.user for member in members]),
        form=form or DecisionForm(formdata=None),
        error=error,
        failed=failed,
    ), status


@bp.route("/declines/<int:request_id>", methods=["POST"])
@role_required(Role.DIRECTOR)
def decide_decline(request_id: int):
    """Approve or refuse a teacher's request to decline a mandatory module."""
    request = db.get_or_404(DeclineRequest, request_id)
    if not directs_school_of(current_user, request.track_module.track.user):
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _render_index(422, _first_error(form), ("decline", request_id), form)
    try:
        taken = declines.decide(
            request, current_user, form.decision.data == "approve", form.comment.data or ""
        )
    except TrackError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        return _render_index(exc.status, str(exc.message), ("decline", request_id), form)
    if form.decision.data == "approve":
        titles = ", ".join(f"«{m.title}»" for m in taken)
        flash(
            _("The module is declined; its deficits are taken over by %(titles)s.", titles=titles)
            if taken
            else _("The module is declined."),
            "success",
        )
    else:
        flash(_("The request is refused: the module stays mandatory."), "info")
    return redirect(url_for("staff.index") + "#requests")


@bp.route("/moves/")
@role_required(Role.ADMIN)
def move_requests():
    """List every school's waiting move requests for an administrator."""
    return _render_moves()


def _render_moves(status: int = 200, error=None, failed=None, form=None):
    """Render the administrator's list of move requests."""
    return render_template(
        "staff/moves.html",
        moves=services.pending_moves(),
        form=form or DecisionForm(formdata=None),
        error=error,
        failed=failed,
    ), status


@bp.route("/moves/<int:request_id>", methods=["POST"])
@role_required(Role.DIRECTOR, Role.ADMIN)
def decide_move(request_id: int):
    """Approve or refuse a teacher's request to join a school's staff."""
    request = db.get_or_404(SchoolMoveRequest, request_id)
    if not moves.may_decide(current_user, request):
        abort(404)
    admin = current_user.has_role(Role.ADMIN)
    render = _render_moves if admin else _render_index
    form = DecisionForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return render(422, _first_error(form), ("move", request_id), form)
    try:
        moves.decide_move(
            request, current_user, form.decision.data == "approve", form.comment.data or ""
        )
    except moves.MoveError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        return render(exc.status, str(exc.message), ("move", request_id), form)
    if form.decision.data == "approve":
        flash(_("%(name)s has joined the staff.", name=request.user.full_name), "success")
    else:
        flash(_("The move is refused."), "info")
    return redirect(url_for("staff.move_requests" if admin else "staff.index") + "#requests")


def _first_error(form) -> str:
    """Return the first validation message of a form."""
    return next(str(errors[0]) for errors in form.errors.values())
