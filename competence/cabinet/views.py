"""The personal cabinet."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from competence.certificates.services import certificates_of
from competence.diagnostics import services as diagnostics
from competence.forms import ConfirmForm
from competence.tracks import services as tracks

bp = Blueprint("cabinet", __name__, url_prefix="/cabinet")


@bp.route("/")
@login_required
def index():
    """Show the user's cabinet with its sections."""
    return render_template(
        "cabinet/index.html",
        user=current_user,
        offers=diagnostics.offers_for(current_user),
        history=diagnostics.history(current_user),
        tracks=tracks.tracks_of(current_user),
        progress=tracks.progress,
        certificates=certificates_of(current_user),
        confirm=ConfirmForm(),
    )
