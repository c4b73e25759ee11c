"""The personal cabinet."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

bp = Blueprint("cabinet", __name__, url_prefix="/cabinet")


@bp.route("/")
@login_required
def index():
    """Show the user's cabinet with its sections."""
    return render_template("cabinet/index.html", user=current_user)
