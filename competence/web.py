"""Request hooks and template helpers shared by every page."""

import re
from urllib.parse import unquote

from flask import Flask, abort, redirect, request, session, url_for
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from competence.accounts import consent
from competence.accounts.models import Role
from competence.accounts.reference import (
    LEADERSHIP_POSITIONS,
    POSITIONS,
    ROLE_LABELS,
    SCHOOL_GROUP_LABELS,
    SUBJECTS,
)
from competence.analytics.figures import shown_change, shown_difference, shown_score, shown_sem

# Pages a signed-in user may open before accepting the current consent version.
CONSENT_EXEMPT_ENDPOINTS = {
    "static",
    "accounts.logout",
    "accounts.accept_consent",
    "main.consent_document",
    "main.set_locale",
}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# HSTS for a year once cookies are HTTPS-only (SESSION_COOKIE_SECURE): the portal is on HTTPS.
HSTS = "max-age=31536000"


# A NUL in a JSON body: raw, or escaped as \u0000 (any case of the hex digits).
JSON_NUL = re.compile(rb"\x00|\\u0000", re.IGNORECASE)


def _holds_nul(value) -> bool:
    """Tell whether a string, or any string inside lists and dicts, holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def request_holds_nul() -> bool:
    """Tell whether the query, form, file names or JSON body of the request hold a NUL."""
    fields = [*request.args.items(multi=True)]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        fields += request.form.items(multi=True)
        fields += [(key, upload.filename or "") for key, upload in request.files.items(multi=True)]
        # The raw body, not the parsed one: parsing here would meet a deeply nested document
        # before the endpoint that limits its size and depth.
        if request.is_json and JSON_NUL.search(request.get_data(cache=True)):
            return True
    return any(_holds_nul(key) or _holds_nul(value) for key, value in fields)


def init_app(app: Flask) -> None:
    """Register the hooks, filters and context shared by all blueprints."""

    @app.before_request
    def refuse_nul_characters():
        # PostgreSQL cannot store NUL in text: refuse it here rather than fail with a 500.
        if request_holds_nul():
            abort(400, _l("The request contains a NUL character, which no field may hold."))

    @app.before_request
    def require_current_consent():
        if not current_user.is_authenticated or request.endpoint in CONSENT_EXEMPT_ENDPOINTS:
            return None
        document_id = consent.current_document_id()
        if document_id is None or session.get("consent_document_id") == document_id:
            return None
        if consent.has_accepted(current_user, document_id):
            session["consent_document_id"] = document_id
            return None
        return redirect(url_for("accounts.accept_consent", next=request.full_path))

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        # The session tells who is signed in without loading the user: this hook also runs for
        # the 503 answered when the database cannot load anybody.
        if request.endpoint != "static" and (
            "_user_id" in session
            or session.accessed
            or "attachment" in response.headers.get("Content-Disposition", "")
        ):
            # Personal pages and downloads must stay out of shared and back-forward caches;
            # pages of anonymous visitors that carry a session (forms with a CSRF token) too.
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def portal_context():
        return {
            "Role": Role,
            "LEADERSHIP_POSITIONS": LEADERSHIP_POSITIONS,
            "role_labels": ROLE_LABELS,
            "position_labels": POSITIONS,
            "subject_labels": SUBJECTS,
            "school_group_labels": SCHOOL_GROUP_LABELS,
            "current_locale": _current_locale(),
        }

    # Every score and change a template prints goes through the one display rule.
    app.jinja_env.globals["shown_score"] = shown_score
    app.jinja_env.globals["shown_difference"] = shown_difference
    app.jinja_env.globals["shown_change"] = shown_change
    app.jinja_env.globals["shown_sem"] = shown_sem
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["unquote"] = unquote
    app.jinja_env.filters["number_input"] = number_input
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else "—"
    )
    app.jinja_env.filters["date"] = lambda value, fmt="medium": (
        format_date(value, fmt) if value else "—"
    )


def paragraphs(text: str | None) -> list[str]:
    """Split a text into paragraphs at blank lines; single line breaks are soft wraps."""
    blocks = re.split(r"\n\s*\n", (text or "").strip())
    return [" ".join(block.split()) for block in blocks if block.strip()]


def number_input(value) -> str:
    """Write a number as a Russian user types it: a decimal comma, no trailing zeros."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",")


def _current_locale() -> str:
    """Return the locale code used for this request."""
    from flask_babel import get_locale

    return str(get_locale() or "ru")
