"""Audit entries written from request handlers: sign-in refusals, sign-out, rate limits.

Each is one call from its view, so the views stay as they are; each commits at once, since
the request may end without another commit (a refused sign-in writes nothing else).
"""

from datetime import timedelta

from flask import current_app, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from competence.audit import AuditEvent, note
from competence.database import utcnow
from competence.extensions import db

# One refusal per client address and page is logged in this time; a script hammering a form
# would otherwise fill the log with a row per request.
RATE_LIMIT_LOG_WINDOW = timedelta(minutes=1)


def sign_in_refused(email: str, error: Exception) -> None:
    """Log a refused sign-in against the account of the typed address, if there is one."""
    from competence.accounts.services import EmailNotConfirmed, find_by_email

    account = find_by_email(email or "")
    if isinstance(error, EmailNotConfirmed):
        failure = "unconfirmed"
    elif account is not None and not account.active:
        failure = "blocked"
    else:
        failure = "wrong_password"
    # Never the password, nor an address that has no account (it may be a mistyped password).
    note("login_failed", None, "user", getattr(account, "id", None), failure=failure)


def signed_out(user) -> None:
    """Log a sign-out of a signed-in user."""
    if user.is_authenticated:
        note("logout", user, "user", user.id)


def rate_limited(limit: str) -> None:
    """Log a request refused by a rate limit, at most once a window per address and page."""
    endpoint = request.endpoint or request.path[:60]
    try:
        recent = db.session.scalar(
            select(AuditEvent.id)
            .where(
                AuditEvent.action == "rate_limited",
                AuditEvent.object_id == endpoint,
                AuditEvent.ip_address == request.remote_addr,
                AuditEvent.created_at >= utcnow() - RATE_LIMIT_LOG_WINDOW,
            )
            .limit(1)
        )
        if recent is None:
            note(
                "rate_limited",
                current_user,
                "endpoint",
                endpoint,
                path=request.path[:200],
                limit=limit,
            )
    except SQLAlchemyError:
        # The refusal must still be answered with 429, whatever the database says.
        db.session.rollback()
        current_app.logger.exception("could not log a rate-limit refusal")
