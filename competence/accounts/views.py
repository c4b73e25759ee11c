"""Accounts pages: register, confirm, sign in and out, passwords, profile, consent."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from competence.accounts import (
    consent,
    second_factor,
    second_factor_views,
    services,
    session_views,
    sessions,
    tokens,
)
from competence.accounts.forms import (
    ChangePasswordForm,
    ConsentForm,
    EmailForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
)
from competence.accounts.services import AccountError, EmailNotConfirmed, ProfileData
from competence.audit import events as audit_events
from competence.errors import keeps_input_on_csrf_failure
from competence.extensions import db, limiter, submitted_email
from competence.redirects import redirect_back, safe_target
from competence.schools.services import region_with_schools
from competence.staff.moves import pending_move_of

bp = Blueprint("accounts", __name__)
session_views.register(bp)
second_factor_views.register(bp)

TOKEN_STATUS = {"invalid": 400, "expired": 410, "used": 410, "revoked": 410}


def _auth_limit() -> str:
    """Return the configured limit of attempts (e.g. "10/minute")."""
    return current_app.config["AUTH_RATE_LIMIT"]


def rate_limited(view):
    """Limit the form's submissions per client address and per e-mail address typed in."""
    view = limiter.limit(_auth_limit, key_func=submitted_email, methods=["POST"])(view)
    return limiter.limit(_auth_limit, methods=["POST"])(view)


def _signed_in_user() -> str:
    """Return the signed-in user as a rate-limit key (the client address for strangers)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return request.remote_addr or ""


def _form_status(form) -> int:
    """Return 422 for a submitted form that failed, 200 for a fresh one."""
    return 422 if form.is_submitted() and form.errors else 200


def _attach(form, error: AccountError) -> None:
    """Show a service error next to its field, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def _profile_data(form) -> ProfileData:
    """Collect the profile fields of a validated form."""
    return ProfileData(
        full_name=form.full_name.data,
        position=form.position.data,
        municipality_id=form.municipality.data,
        school_id=form.school.data,
        subjects=tuple(form.subjects.data or ()),
    )


def _token_error(error: tokens.TokenError, resend: bool = False):
    """Render the page that explains why an e-mail link cannot be used."""
    messages = {
        "invalid": _("The link is damaged or was not issued by the portal."),
        "expired": _("The link has expired."),
        "used": _("The link has already been used."),
        "revoked": _(
            "The link is no longer valid: the password or the account has changed since it "
            "was sent."
        ),
    }
    return (
        render_template(
            "accounts/link_invalid.html",
            message=messages[error.reason],
            resend=resend,
            form=EmailForm(),
        ),
        TOKEN_STATUS[error.reason],
    )


@bp.route("/register", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@rate_limited
def register():
    """Create an account and send the confirmation letter."""
    if current_user.is_authenticated:
        return redirect(url_for("cabinet.index"))
    document = consent.current_document()
    if document is None:
        abort(503)
    form = RegistrationForm()
    form.set_region_choices(region_with_schools())
    status = 200
    if form.validate_on_submit():
        try:
            services.register(
                form.email.data,
                form.password.data,
                _profile_data(form),
                document,
                request.remote_addr or "",
                request.user_agent.string,
            )
        except AccountError as error:
            _attach(form, error)
            status = error.status
        else:
            # The same answer whether the address was new (user) or taken (None).
            session["registered_email"] = services.normalize_email(form.email.data)
            return redirect(url_for("accounts.registered"))
    return render_template(
        "accounts/register.html", form=form, document=document
    ), status if status != 200 else _form_status(form)


@bp.route("/register/done")
def registered():
    """Tell the new user to check the mailbox."""
    return render_template("accounts/registered.html", email=session.get("registered_email"))


@bp.route("/confirm/<token>")
def confirm_email(token: str):
    """Confirm an e-mail address from the link in the letter."""
    try:
        user = services.confirm_email(token)
    except tokens.TokenError as error:
        return _token_error(error, resend=True)
    except AccountError as error:
        return render_template("accounts/link_invalid.html", message=error.message), error.status
    flash(_("The address %(email)s is confirmed.", email=user.email), "success")
    if current_user.is_authenticated:
        return redirect(url_for("cabinet.index"))
    return redirect(url_for("accounts.login", email=user.email))


@bp.route("/confirm/resend", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@rate_limited
def resend_confirmation():
    """Send a new confirmation link."""
    form = EmailForm()
    if form.validate_on_submit():
        services.resend_confirmation(form.email.data)
        return render_template("accounts/letter_sent.html", email=form.email.data)
    return render_template("accounts/resend.html", form=form), _form_status(form)


@bp.route("/login", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@rate_limited
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect_back(url_for("cabinet.index"))
    form = LoginForm(email=request.args.get("email"))
    status, unconfirmed = _form_status(form), False
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except AccountError as error:
            audit_events.sign_in_refused(form.email.data, error)
            form.form_errors.append(str(error.message))
            status, unconfirmed = error.status, isinstance(error, EmailNotConfirmed)
        else:
            if second_factor.is_enabled(user):
                second_factor_views.start_pending(user, form.remember.data)
                target = safe_target(request.args.get("next"), "") or None
                return redirect(url_for("accounts.second_factor_login", next=target))
            sessions.sign_in(
                user, request.remote_addr or "", request.user_agent.string, form.remember.data
            )
            session.pop("consent_document_id", None)
            return redirect_back(url_for("cabinet.index"))
    status = status if status != 200 else _form_status(form)
    return render_template("accounts/login.html", form=form, unconfirmed=unconfirmed), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out: the session ends on the server too, so a copied cookie no longer works."""
    audit_events.signed_out(current_user)
    if current_user.is_authenticated:
        current = sessions.current_session_id()
        if current is not None:
            sessions.end(current_user, current)
            db.session.commit()
    logout_user()
    session.pop("consent_document_id", None)
    flash(_("You have signed out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@rate_limited
def forgot_password():
    """Ask for a password reset link; the answer never tells whether the address exists."""
    form = EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("accounts/letter_sent.html", email=form.email.data, reset=True)
    return render_template("accounts/forgot.html", form=form), _form_status(form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
def reset_password(token: str):
    """Choose a new password through the link from the letter."""
    try:
        tokens.check_token(token, tokens.RESET_PASSWORD)
    except tokens.TokenError as error:
        return _token_error(error)
    form = ResetPasswordForm()
    valid = form.validate_on_submit()
    status = _form_status(form)
    if valid:
        try:
            user = services.reset_password(token, form.password.data)
        except tokens.TokenError as error:
            return _token_error(error)
        except AccountError as error:
            _attach(form, error)
            status = error.status
        else:
            logout_user()
            flash(_("The password has been changed. Sign in with the new password."), "success")
            return redirect(url_for("accounts.login", email=user.email))
    return render_template("accounts/reset.html", form=form), status


@bp.route("/password/change", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@login_required
@limiter.limit(_auth_limit, key_func=_signed_in_user, methods=["POST"])
def change_password():
    """Change the password of the signed-in user."""
    form = ChangePasswordForm()
    valid = form.validate_on_submit()
    status = _form_status(form)
    if valid:
        try:
            services.change_password(
                current_user,
                form.current_password.data,
                form.password.data,
                current_session=sessions.current_session_id(),
                end_others=form.end_other_sessions.data,
            )
        except AccountError as error:
            _attach(form, error)
            status = error.status
        else:
            flash(_("The password has been changed."), "success")
            return redirect(url_for("cabinet.index"))
    return render_template("accounts/change_password.html", form=form), status


@bp.route("/profile", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@login_required
def profile():
    """Edit one's own profile."""
    user = current_user._get_current_object()
    form = ProfileForm(obj=user) if request.method == "GET" else ProfileForm()
    if request.method == "GET":
        form.municipality.data, form.school.data = user.municipality_id, user.school_id
    form.set_region_choices(region_with_schools())
    form.configure_for(user)
    valid = form.validate_on_submit()
    status = _form_status(form)
    if valid:
        try:
            sent = services.update_profile(user, _profile_data(form), form.email.data)
        except AccountError as error:
            _attach(form, error)
            status = error.status
        else:
            flash(_("The profile is saved."), "success")
            waiting = pending_move_of(user)
            if waiting is not None:
                flash(
                    _(
                        "Your move to %(school)s waits for the approval of its director; until "
                        "then you stay on the staff of your current school.",
                        school=waiting.to_school.name,
                    ),
                    "info",
                )
            if sent:
                flash(
                    _(
                        "We sent a confirmation link to %(email)s: the new address takes effect "
                        "once you follow it.",
                        email=services.normalize_email(form.email.data),
                    ),
                    "info",
                )
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html",
        form=form,
        user=user,
        second_factor_on=second_factor.is_enabled(user),
        **session_views.listing(user),
    ), status


@bp.route("/consent/accept", methods=["GET", "POST"])
@login_required
def accept_consent():
    """Accept the current version of the consent to personal-data processing."""
    document = consent.current_document()
    if document is None:
        return redirect(url_for("cabinet.index"))
    form = ConsentForm()
    if form.validate_on_submit():
        if not consent.has_accepted(current_user, document.id):
            consent.record_acceptance(
                current_user, document, request.remote_addr or "", request.user_agent.string
            )
            db.session.commit()
        session["consent_document_id"] = document.id
        return redirect_back(url_for("cabinet.index"))
    return render_template(
        "accounts/accept_consent.html",
        form=form,
        document=document,
        first_time=not consent.has_accepted_any(current_user),
    ), _form_status(form)
