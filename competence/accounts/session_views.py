"""The profile's list of signed-in sessions, and ending them."""

import re

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from competence.accounts import sessions
from competence.extensions import db
from competence.forms import ConfirmForm

# (pattern in the User-Agent, name shown), first match wins: Edge and Opera also say "Chrome".
BROWSERS = (
    ("YaBrowser", "Яндекс Браузер"),
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("Firefox", "Firefox"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone|iPad", "iOS"),
    ("Windows", "Windows"),
    ("Mac OS X|Macintosh", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_agent(user_agent: str) -> str:
    """Name the browser and system of a User-Agent, e.g. "Chrome, Windows"."""
    browser = next((name for key, name in BROWSERS if re.search(key, user_agent)), None)
    system = next((name for key, name in SYSTEMS if re.search(key, user_agent)), None)
    named = ", ".join(part for part in (browser, system) if part)
    return named or _("Unknown device")


def listing(user) -> dict:
    """Return what the profile shows about the user's sessions."""
    return {
        "sessions": sessions.active_sessions(user),
        "current_session_id": sessions.current_session_id(),
        "describe_agent": describe_agent,
        "end_form": ConfirmForm(),
    }


@login_required
def end_session(session_id: int):
    """End one of the user's other sessions."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if session_id == sessions.current_session_id():
        abort(400, _("To end this session, sign out."))
    if not sessions.end(current_user, session_id):
        abort(404)
    db.session.commit()
    flash(_("The session has been ended."), "success")
    return redirect(url_for("accounts.profile", _anchor="sessions"))


@login_required
def end_other_sessions():
    """End every session of the user but this one."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    count = sessions.end_all(current_user, keep=sessions.current_session_id())
    db.session.commit()
    flash(_("Sessions ended on other devices: %(count)d.", count=count), "success")
    return redirect(url_for("accounts.profile", _anchor="sessions"))


def register(bp) -> None:
    """Add the session routes to the accounts blueprint."""
    bp.add_url_rule(
        "/profile/sessions/<int:session_id>/end", view_func=end_session, methods=["POST"]
    )
    bp.add_url_rule("/profile/sessions/end-others", view_func=end_other_sessions, methods=["POST"])
