"""Error pages and JSON errors, in the user's language."""

from urllib.parse import urlsplit

from flask import (
    Flask,
    current_app,
    flash,
    jsonify,
    make_response,
    render_template,
    request,
    session,
)
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

TITLES = {
    400: _l("The request cannot be processed"),
    401: _l("Sign-in required"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    409: _l("Conflict"),
    410: _l("The link is no longer valid"),
    413: _l("The file is too large"),
    422: _l("Please check the data"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is temporarily unavailable"),
}

MESSAGES = {
    400: _l("The request contains invalid data."),
    401: _l("Please sign in to continue."),
    403: _l("You do not have permission to open this page."),
    404: _l("The page does not exist or has been moved."),
    405: _l("This address does not accept this kind of request."),
    409: _l("The data has changed since the page was opened. Reload the page and try again."),
    410: _l("The link has expired or has already been used."),
    413: _l("The uploaded file exceeds the allowed size."),
    422: _l("Some fields are filled in incorrectly."),
    429: _l("Too many attempts in a short time. Please wait a minute and try again."),
    500: _l("The error has been recorded. Please try again later."),
    503: _l("The portal cannot reach its database for the moment. Please try again in a minute."),
}

# How long a client should wait before retrying when the database is busy or down.
RETRY_AFTER_SECONDS = 5


def wants_json() -> bool:
    """Tell whether the client expects JSON rather than a page."""
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(code: int, message: str | None = None, back: str | None = None):
    """Render an error as a page or as JSON with the right status; `back` links to a page."""
    title = TITLES.get(code, TITLES[500])
    message = str(message or MESSAGES.get(code, MESSAGES[500]))
    if wants_json():
        return jsonify(error=message, status=code), code
    page = render_template("errors/error.html", code=code, title=title, message=message, back=back)
    return page, code


def keeps_input_on_csrf_failure(view):
    """Mark a form view that, after a CSRF failure, shows its form again with what was typed.

    Only for views that change nothing unless their form validates (its CSRF field fails).
    """
    view.keeps_input_on_csrf_failure = True
    return view


def _same_site_referrer() -> str | None:
    """Return the page the request came from if it is a page of this portal."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    return referrer if parts.netloc == request.host and parts.scheme in ("http", "https") else None


def _csrf_failure():
    """Show the form again with the typed values (passwords aside), or link back to it."""
    message = _l("The form is out of date: send it once more.")
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method == "POST" and getattr(view, "keeps_input_on_csrf_failure", False):
        # The view's own form fails its CSRF check, so it only renders, with a fresh token.
        flash(message, "warning")
        response = make_response(view(**(request.view_args or {})))
        if response.status_code < 300 or response.status_code == 422:
            response.status_code = 400
        return response
    return error_response(
        400,
        _l(
            "The form is out of date or was not sent from the portal's page. "
            "Reload the page and send it again."
        ),
        back=_same_site_referrer(),
    )


def _bare_unavailable_page():
    """Render the 503 page without the layout (which reads the signed-in user from the database)."""
    # The usual language choice reads the user's setting from the database too.
    chosen = session.get("locale")
    config = current_app.config
    with force_locale(chosen if chosen in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]):
        title, message = str(TITLES[503]), str(MESSAGES[503])
        if wants_json():
            return jsonify(error=message, status=503)
        # Straight from the template: context processors (Flask-Login's) would load the user.
        template = current_app.jinja_env.get_template("errors/unavailable.html")
        return template.render(title=title, message=message)


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    from competence.audit import events as audit_events

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _csrf_failure()

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(error: RateLimitExceeded):
        # The exception's description is the limit ("10 per 1 minute"), not a sentence.
        audit_events.rate_limited(str(error.description))
        return error_response(429)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # A message given to abort() by our code is for the user; Werkzeug's defaults are not.
        custom = error.description if error.description != type(error).description else None
        return error_response(error.code or 500, custom)

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(error: Exception):
        # A locked SQLite file or an unreachable PostgreSQL: the request may succeed later,
        # so say so (503 with Retry-After) instead of a 500.
        from competence.extensions import db

        app.logger.error("Database unavailable: %s", error)
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the connection may be gone; the page still answers
            app.logger.warning("Rollback failed after a database error", exc_info=True)
        try:
            response = make_response(error_response(503))
        except Exception:  # noqa: BLE001 - rendering the full page may need the database too
            response = make_response(_bare_unavailable_page(), 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(InternalServerError)
    def unexpected_error(error: InternalServerError):
        # Flask has already logged the original exception; the session may be mid-transaction.
        from competence.extensions import db

        db.session.rollback()
        return error_response(500)
