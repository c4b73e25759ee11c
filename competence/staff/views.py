"""The director's page of the school's staff."""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from competence.accounts.access import role_required
from competence.accounts.models import Role
from competence.staff import services
from competence.tracks.services import progress

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.route("/")
@role_required(Role.DIRECTOR)
def index():
    """Show the school's staff: deficit shares, each teacher's results and tracks."""
    if current_user.school_id is None:
        abort(403)
    members = services.staff_of(current_user.school_id)
    attempts = [attempt for member in members for attempt in member.latest]
    return render_template(
        "staff/index.html",
        school=current_user.school,
        members=members,
        shares=services.deficit_shares(attempts),
        progress=progress,
    )
