"""Signed, expiring, single-use tokens sent by e-mail.

A token is signed together with the user's `session_version`, which every password change,
reset and block moves on: links sent before such an event stop working ("revoked").
"""

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import update

from competence.accounts.models import AccountToken, User
from competence.database import utcnow
from competence.extensions import db

CONFIRM_EMAIL = "confirm_email"
RESET_PASSWORD = "reset_password"


class TokenError(Exception):
    """A token that cannot be used; `reason` is invalid, expired, used or revoked."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: str) -> URLSafeSerializer:
    """Return a serializer whose signatures are bound to one purpose."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"account-token:{purpose}")


def _max_age(purpose: str) -> int:
    """Return how long a token of this purpose lives, in seconds."""
    key = "PASSWORD_RESET_MAX_AGE" if purpose == RESET_PASSWORD else "EMAIL_CONFIRM_MAX_AGE"
    return current_app.config[key]


def issue_token(user: User, purpose: str, email: str | None = None) -> str:
    """Create a token row for `user` (not committed) and return its signed form."""
    now = utcnow()
    if purpose == RESET_PASSWORD:
        # A new reset link makes the older ones useless.
        db.session.execute(
            update(AccountToken)
            .where(
                AccountToken.user_id == user.id,
                AccountToken.purpose == purpose,
                AccountToken.used_at.is_(None),
            )
            .values(used_at=now)
        )
    token = AccountToken(
        user=user,
        purpose=purpose,
        email=email or user.email,
        created_at=now,
        expires_at=now + timedelta(seconds=_max_age(purpose)),
    )
    db.session.add(token)
    db.session.flush()
    return _serializer(purpose).dumps([token.id, user.session_version])


def check_token(signed: str, purpose: str) -> AccountToken:
    """Return the token row behind `signed` if it may still be used, else raise TokenError."""
    try:
        payload = _serializer(purpose).loads(signed)
    except BadSignature:
        raise TokenError("invalid") from None
    well_formed = isinstance(payload, list) and len(payload) == 2
    if not (well_formed and all(type(value) is int for value in payload)):
        raise TokenError("invalid")
    token_id, version = payload
    token = db.session.get(AccountToken, token_id)
    if token is None or token.purpose != purpose:
        raise TokenError("invalid")
    if token.used_at is not None:
        raise TokenError("used")
    if token.user.session_version != version:
        raise TokenError("revoked")
    if token.expires_at <= utcnow():
        raise TokenError("expired")
    return token


def consume_token(signed: str, purpose: str) -> AccountToken:
    """Mark the token used (not committed) and return it; raise TokenError if it cannot be used."""
    token = check_token(signed, purpose)
    # The conditional update makes a concurrent second use of the same link fail.
    claimed = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if claimed != 1:
        raise TokenError("used")
    db.session.refresh(token)
    return token
