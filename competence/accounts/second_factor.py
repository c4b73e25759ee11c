"""The second factor: an authenticator app (TOTP) and single-use recovery codes.

Required for the roles in SECOND_FACTOR_ROLES (administrators, methodists and coordinators by
default), optional for everyone else. A lost device is reset by another administrator. See
docs/second-factor.md.
"""

import hashlib
import secrets
import time

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from competence.accounts.models import RecoveryCode, Role, SecondFactor, User, UserSession
from competence.audit import record
from competence.database import utcnow
from competence.extensions import db
from competence.outbox.services import external_url, queue_email

RECOVERY_CODE_COUNT = 10
# Crockford-like alphabet without 0/o, 1/l/i: codes are typed from paper.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_GROUPS, RECOVERY_GROUP_LENGTH = 4, 4
# Codes from one step before and after are accepted too: phones' clocks drift.
VALID_WINDOW = 1
STEP_SECONDS = 30


class SecondFactorError(Exception):
    """A refused code; the message is for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def required_for(user: User) -> bool:
    """Tell whether the user's role must sign in with a second factor."""
    return user.role in current_app.config["SECOND_FACTOR_ROLES"]


def factor_of(user: User) -> SecondFactor | None:
    """Return the user's enabled authenticator, if any."""
    return db.session.get(SecondFactor, user.id)


def is_enabled(user: User) -> bool:
    """Tell whether the user signs in with a second factor."""
    return factor_of(user) is not None


def new_secret() -> str:
    """Return a fresh random TOTP secret (160 bits, base32)."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str) -> str:
    """Return the otpauth:// address an authenticator app reads from the QR code."""
    issuer = current_app.config["SECOND_FACTOR_ISSUER"]
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """Return the QR code of `uri` as inline SVG markup (no request leaves the page)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#1b1f24", light="#ffffff")


def _normalised(code: str) -> str:
    """Return a typed code without spaces and dashes, in lower case."""
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def clock() -> float:
    """Return the time codes are checked at (a function, so tests can move it)."""
    return time.time()


def _matching_step(secret: str, code: str, after: int) -> int | None:
    """Return the time step whose TOTP equals `code`, if it is within the window and new."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = int(clock()) // STEP_SECONDS
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if step > after and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _hash(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    groups = (
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LENGTH))
        for _ in range(RECOVERY_GROUPS)
    )
    return "-".join(groups)


def _replace_recovery_codes(user: User) -> list[str]:
    """Delete the user's recovery codes and store ten new ones (hashed); return them in clear."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    return codes


def enable(user: User, secret: str, code: str, session_id: int | None = None) -> list[str]:
    """Turn the authenticator on once the user typed a code from it (commits).

    The session `session_id` (the one that connected the app) counts as having passed the
    second factor; every other session of the user ends, since it was opened on the password
    alone, and e-mail links issued before stop working. Return the ten recovery codes, shown
    once and never stored in clear.
    """
    from competence.accounts import sessions

    if is_enabled(user):
        raise SecondFactorError(_l("The second factor is already on."))
    step = _matching_step(secret, _normalised(code), 0)
    if step is None:
        raise SecondFactorError(
            _l(
                "The code does not match. Check that the time on the phone is set automatically "
                "and type the code the app shows now."
            )
        )
    db.session.add(SecondFactor(user_id=user.id, secret=secret, last_step=step))
    sessions.end_all(user, keep=session_id)
    if session_id is not None:
        db.session.execute(
            update(UserSession)
            .where(UserSession.id == session_id)
            .values(second_factor_at=utcnow())
        )
    user.session_version += 1
    codes = _replace_recovery_codes(user)
    record("second_factor_enabled", user, "user", user.id)
    record("recovery_codes_generated", user, "user", user.id, count=len(codes))
    _tell(user, "enabled")
    db.session.commit()
    return codes


def check(user: User, code: str, allow_recovery: bool = True) -> str:
    """Accept a code from the authenticator or a recovery code (commits); return which.

    Changing the factor itself (new recovery codes, turning it off) takes the app's code only:
    one leaked recovery code must not be enough to take over the rest.

    Raise SecondFactorError (after auditing the failure) when neither matches. An accepted
    authenticator code cannot be used again; a recovery code is spent.
    """
    factor = factor_of(user)
    typed = _normalised(code)
    if factor is not None:
        step = _matching_step(factor.secret, typed, factor.last_step)
        if step is not None:
            # Compare-and-set, so two requests racing with one code cannot both pass.
            moved = db.session.execute(
                update(SecondFactor)
                .where(SecondFactor.user_id == user.id, SecondFactor.last_step < step)
                .values(last_step=step)
            ).rowcount
            if moved == 1:
                db.session.commit()
                return "totp"
        elif allow_recovery and len(typed) == RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH:
            spent = db.session.execute(
                update(RecoveryCode)
                .where(
                    RecoveryCode.user_id == user.id,
                    RecoveryCode.code_hash == _hash(typed),
                    RecoveryCode.used_at.is_(None),
                )
                .values(used_at=utcnow())
            ).rowcount
            if spent == 1:
                record("recovery_code_used", user, "user", user.id, left=recovery_codes_left(user))
                db.session.commit()
                return "recovery"
    record("second_factor_failed", user, "user", user.id)
    db.session.commit()
    raise SecondFactorError(_l("The code is wrong or has already been used."))


def recovery_codes_left(user: User) -> int:
    """Return how many unused recovery codes the user has."""
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """Replace the recovery codes after a fresh authenticator code (commits); return them."""
    check(user, code, allow_recovery=False)
    codes = _replace_recovery_codes(user)
    record("recovery_codes_generated", user, "user", user.id, count=len(codes))
    db.session.commit()
    return codes


def _tell(user: User, change: str) -> None:
    """Queue the letter that tells the owner their second factor changed."""
    queue_email(
        "second_factor_changed",
        user.email,
        _l("The second factor of your account has changed"),
        "second_factor_changed",
        locale=user.locale,
        user=user,
        change=change,
        link=external_url("accounts.forgot_password"),
    )


def _remove(user: User) -> None:
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable(user: User, code: str) -> None:
    """Turn the second factor off at the user's request, after a fresh code (commits)."""
    if required_for(user):
        raise SecondFactorError(_l("The second factor is required for your role."))
    check(user, code, allow_recovery=False)
    _remove(user)
    record("second_factor_disabled", user, "user", user.id, by="owner")
    _tell(user, "disabled")
    db.session.commit()


def reset_by_admin(admin: User, user: User) -> None:
    """Remove a user's second factor for a lost device; end their sessions (commits).

    Another administrator must do it: an administrator who lost the device cannot let
    themselves in.
    """
    from competence.accounts import sessions

    if admin.id == user.id or admin.role != Role.ADMIN:
        raise SecondFactorError(_l("Another administrator must reset your second factor."))
    if not is_enabled(user):
        raise SecondFactorError(_l("This user has no second factor."))
    _remove(user)
    ended = sessions.end_all(user)
    record("second_factor_disabled", admin, "user", user.id, by="admin", sessions_ended=ended)
    _tell(user, "reset")
    db.session.commit()
