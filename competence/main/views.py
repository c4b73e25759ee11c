"""Public pages of the portal."""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from competence.accounts import consent
from competence.extensions import db
from competence.redirects import redirect_back

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Show the home page: what the platform does and how to start."""
    if current_user.is_authenticated:
        return redirect(url_for("cabinet.index"))
    return render_template("main/index.html")


@bp.route("/consent")
def consent_document():
    """Show the current consent to personal-data processing."""
    document = consent.current_document()
    if document is None:
        abort(404)
    return render_template("main/consent.html", document=document)


@bp.route("/locale", methods=["POST"])
def set_locale():
    """Switch the interface language and go back."""
    code = request.form.get("locale", "")
    if code not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return redirect_back("/")
