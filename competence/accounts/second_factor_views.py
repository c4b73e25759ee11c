"""Pages of the second factor: the code after the password, connecting the app, recovery codes.

After a right password, an account with a second factor is not signed in yet: the session holds
a pending sign-in (the user id, the account's session version and the time), and only a right
code turns it into a server-side session. An account whose role requires a second factor and
has none is signed in but sent to connect one before any other page opens.
"""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from competence.accounts import second_factor, services, sessions
from competence.accounts.forms import SecondFactorCodeForm, SecondFactorSetupForm
from competence.accounts.models import User
from competence.extensions import db, limiter
from competence.redirects import redirect_back, safe_target

PENDING_KEY = "second_factor_pending"
SECRET_KEY = "second_factor_secret"
# The code must follow the password within this time, and at most this many wrong codes.
PENDING_SECONDS = 5 * 60
PENDING_TRIES = 5
# Pages an account that must connect a second factor may still open.
SETUP_EXEMPT_ENDPOINTS = {
    "static",
    "accounts.logout",
    "accounts.second_factor_setup",
    "main.set_locale",
    "main.consent_document",
    "accounts.accept_consent",
}


def start_pending(user: User, remember: bool) -> None:
    """Remember that the password was right; the code comes next."""
    session[PENDING_KEY] = {
        "user": user.id,
        "version": user.session_version,
        "remember": bool(remember),
        "at": int(second_factor.clock()),
        "tries": 0,
    }


def _pending_user() -> User | None:
    """Return the user of a live pending sign-in, or None (and forget a stale one)."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    user = db.session.get(User, pending.get("user"))
    fresh = second_factor.clock() - pending.get("at", 0) < PENDING_SECONDS
    if (
        user is None
        or not fresh
        or not user.active
        or user.session_version != pending.get("version")
        or pending.get("tries", 0) >= PENDING_TRIES
    ):
        session.pop(PENDING_KEY, None)
        return None
    return user


def _login_limit() -> str:
    from flask import current_app

    return current_app.config["AUTH_RATE_LIMIT"]


def _code_limit() -> str:
    from flask import current_app

    return current_app.config["SECOND_FACTOR_RATE_LIMIT"]


def _pending_account() -> str:
    """Key the code's rate limit by the account being signed in, whatever the address.

    Five tries per password are not enough on their own: a thief with the password could sign
    in again and again; per account the codes tried stay far too few to guess one.
    """
    pending = session.get(PENDING_KEY)
    user = pending.get("user") if isinstance(pending, dict) else None
    return f"second-factor:{user}" if user is not None else (request.remote_addr or "")


@limiter.limit(_code_limit, key_func=_pending_account, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login_code():
    """Ask for the code after a right password."""
    if current_user.is_authenticated:
        return redirect_back(url_for("cabinet.index"))
    user = _pending_user()
    if user is None:
        flash(_("Sign in again: the time for the code has run out."), "info")
        return redirect(url_for("accounts.login", next=request.args.get("next")))
    form = SecondFactorCodeForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            kind = second_factor.check(user, form.code.data)
        except second_factor.SecondFactorError as error:
            pending = dict(session[PENDING_KEY])
            pending["tries"] = pending.get("tries", 0) + 1
            session[PENDING_KEY] = pending
            form.code.errors = [*form.code.errors, str(error.message)]
            if pending["tries"] >= PENDING_TRIES:
                session.pop(PENDING_KEY, None)
                flash(_("Too many wrong codes. Sign in again."), "danger")
                return redirect(url_for("accounts.login"))
        else:
            remember = session.pop(PENDING_KEY)["remember"]
            services.record_sign_in(user)
            sessions.sign_in(
                user,
                request.remote_addr or "",
                request.user_agent.string,
                remember,
                second_factor=True,
            )
            session.pop("consent_document_id", None)
            if kind == "recovery":
                left = second_factor.recovery_codes_left(user)
                flash(
                    _(
                        "You signed in with a recovery code; %(count)d left. Make new codes "
                        "in the profile if the phone is lost.",
                        count=left,
                    ),
                    "warning",
                )
            return redirect_back(url_for("cabinet.index"))
    return render_template("accounts/second_factor_login.html", form=form), status


@login_required
def setup():
    """Connect an authenticator app, or manage the connected one."""
    user = current_user._get_current_object()
    if second_factor.is_enabled(user):
        return render_template(
            "accounts/second_factor.html",
            user=user,
            enabled=True,
            required=second_factor.required_for(user),
            codes_left=second_factor.recovery_codes_left(user),
            code_form=SecondFactorCodeForm(),
        )
    # The secret waits in this browser's session, bound to the user: after a sign-out another
    # user of the same browser must not be offered a key the first one has seen.
    pending = session.get(SECRET_KEY)
    secret = pending.get("secret") if isinstance(pending, dict) else None
    renew = request.method == "GET" and request.args.get("renew")
    if not isinstance(secret, str) or pending.get("user") != user.id or renew:
        secret = second_factor.new_secret()
        session[SECRET_KEY] = {"user": user.id, "secret": secret}
    form = SecondFactorSetupForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            codes = second_factor.enable(
                user, secret, form.code.data, session_id=sessions.current_session_id()
            )
        except second_factor.SecondFactorError as error:
            form.code.errors = [*form.code.errors, str(error.message)]
        else:
            session.pop(SECRET_KEY, None)
            # The codes are shown on this answer only: they are never stored in clear.
            return render_template(
                "accounts/recovery_codes.html",
                codes=codes,
                first=True,
                next_target=safe_target(request.args.get("next"), url_for("cabinet.index")),
            )
    uri = second_factor.provisioning_uri(user, secret)
    return render_template(
        "accounts/second_factor.html",
        user=user,
        enabled=False,
        required=second_factor.required_for(user),
        form=form,
        qr=second_factor.qr_svg(uri),
        secret=secret,
        next_target=safe_target(request.args.get("next"), ""),
    ), status


def _signed_in_account() -> str:
    return f"second-factor:{current_user.id}" if current_user.is_authenticated else ""


@login_required
@limiter.limit(_code_limit, key_func=_signed_in_account, methods=["POST"])
def new_recovery_codes():
    """Replace the recovery codes after a fresh code from the app."""
    form = SecondFactorCodeForm()
    if not form.validate_on_submit():
        flash(_("Type a code from the app to make new recovery codes."), "danger")
        return redirect(url_for("accounts.second_factor_setup"))
    try:
        codes = second_factor.regenerate_recovery_codes(current_user, form.code.data)
    except second_factor.SecondFactorError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("accounts.second_factor_setup"))
    return render_template("accounts/recovery_codes.html", codes=codes, first=False)


@login_required
@limiter.limit(_code_limit, key_func=_signed_in_account, methods=["POST"])
def turn_off():
    """Turn the second factor off (only for roles that do not require it)."""
    form = SecondFactorCodeForm()
    if not form.validate_on_submit():
        flash(_("Type a code from the app to turn the second factor off."), "danger")
        return redirect(url_for("accounts.second_factor_setup"))
    try:
        second_factor.disable(current_user, form.code.data)
    except second_factor.SecondFactorError as error:
        flash(str(error.message), "danger")
    else:
        flash(_("The second factor is off."), "success")
    return redirect(url_for("accounts.second_factor_setup"))


def require_second_factor():
    """Let through only sessions that passed the user's second factor; send a user whose
    role requires one and who has none to connect it first."""
    if not current_user.is_authenticated or request.endpoint == "static":
        return None
    if second_factor.is_enabled(current_user):
        row = sessions.current_session()
        if row is not None and row.second_factor_at is not None:
            return None
        # Opened on the password alone, before the app was connected (or a stolen cookie of
        # such a session): it ends here, and signing in again asks for the code.
        if row is not None:
            sessions.end(current_user, row.id)
            db.session.commit()
        logout_user()
        flash(_("Sign in again with the code from your app."), "info")
        return redirect(url_for("accounts.login"))
    if request.endpoint in SETUP_EXEMPT_ENDPOINTS or not second_factor.required_for(current_user):
        return None
    if request.method == "GET" and not request.path.startswith("/api/"):
        # The set-up page itself says why the user is there.
        return redirect(url_for("accounts.second_factor_setup", next=request.full_path))
    abort(403)


def register(bp) -> None:
    """Add the second-factor routes to the accounts blueprint."""
    bp.add_url_rule("/login/code", "second_factor_login", login_code, methods=["GET", "POST"])
    bp.add_url_rule("/profile/second-factor", "second_factor_setup", setup, methods=["GET", "POST"])
    bp.add_url_rule(
        "/profile/second-factor/recovery-codes",
        "second_factor_recovery_codes",
        new_recovery_codes,
        methods=["POST"],
    )
    bp.add_url_rule("/profile/second-factor/off", "second_factor_off", turn_off, methods=["POST"])
    bp.before_app_request(require_second_factor)
