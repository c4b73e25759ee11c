"""Server-side sessions: one `UserSession` row per sign-in, ended on the server.

The signed Flask session (and the remember-me cookie) carries only a random 256-bit token;
the row holds its SHA-256. Every request checks the row (Flask-Login's user_loader), so
signing out, a password change, a block, an idle timeout or the absolute lifetime end the
session even for a copied cookie. See docs/sessions.md.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from flask_login import login_user
from sqlalchemy import delete, or_, select, update

from competence.accounts.models import User, UserSession
from competence.database import utcnow
from competence.extensions import db

# last_seen_at is written at most this often, so autosave traffic does not write per request.
TOUCH_INTERVAL = timedelta(minutes=1)
USER_AGENT_LENGTH = 300


def _hash(token: str) -> str:
    """Return the stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_limit() -> timedelta:
    """Return how long a session may stay unused."""
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def _lifetime() -> timedelta:
    """Return how long a session may last at most, however active."""
    return timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


def sign_in(
    user: User,
    ip_address: str,
    user_agent: str,
    remember: bool = False,
    second_factor: bool = False,
) -> UserSession:
    """Start a session for `user` in this browser (commits) and sign them in with Flask-Login.

    `second_factor` says the session was opened with a code after the password.
    """
    token = secrets.token_urlsafe(32)
    row = UserSession(
        token_hash=_hash(token),
        user=user,
        ip_address=ip_address[:45],
        user_agent=user_agent[:USER_AGENT_LENGTH],
        second_factor_at=utcnow() if second_factor else None,
    )
    db.session.add(row)
    db.session.commit()
    # Flask-Login keeps whatever get_id() gives; the token replaces it, so both the session
    # cookie and the remember-me cookie name the row, never the user.
    login_user(user, remember=remember, duration=_lifetime())
    session["_user_id"] = token
    return row


def current_session() -> UserSession | None:
    """Return the session row of this request, if signed in."""
    token = session.get("_user_id")
    if not isinstance(token, str):
        return None
    return db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))


def current_session_id() -> int | None:
    """Return the id of the session row of this request, if signed in."""
    token = session.get("_user_id")
    if not isinstance(token, str):
        return None
    return db.session.scalar(select(UserSession.id).where(UserSession.token_hash == _hash(token)))


def _alive(now):
    """Return the condition of a session row that may still be used at `now`."""
    return (
        UserSession.revoked_at.is_(None),
        UserSession.last_seen_at > now - _idle_limit(),
        UserSession.created_at > now - _lifetime(),
    )


def load_user(token: str) -> User | None:
    """Return the user of a live session token, refreshing its last use; None otherwise."""
    now = utcnow()
    row = db.session.scalar(
        select(UserSession).where(UserSession.token_hash == _hash(token), *_alive(now))
    )
    if row is None or not row.user.active:
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        # Called at the start of the request (the first look at current_user), so the commit
        # carries nothing but this write.
        db.session.execute(
            update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now)
        )
        db.session.commit()
        return db.session.get(User, row.user_id)
    return row.user


def active_sessions(user: User) -> list[UserSession]:
    """Return the user's live sessions, the most recently used first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, *_alive(utcnow()))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def end(user: User, session_id: int) -> bool:
    """End one of the user's sessions (not committed); return whether one was live."""
    ended = db.session.execute(
        update(UserSession)
        .where(
            UserSession.id == session_id,
            UserSession.user_id == user.id,
            UserSession.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    ).rowcount
    return ended == 1


def end_all(user: User, keep: int | None = None) -> int:
    """End every session of the user but `keep` (not committed); return how many ended."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep)
    return db.session.execute(query.values(revoked_at=utcnow())).rowcount


def purge_expired() -> int:
    """Delete rows of sessions ended or expired a day ago or more (commits); return the count."""
    # A day of grace keeps recently ended sessions visible to an administrator's inquiry.
    cutoff = utcnow() - timedelta(days=1)
    removed = db.session.execute(
        delete(UserSession).where(
            or_(
                UserSession.revoked_at < cutoff,
                UserSession.last_seen_at < cutoff - _idle_limit(),
                UserSession.created_at < cutoff - _lifetime(),
            )
        )
    ).rowcount
    db.session.commit()
    return removed
