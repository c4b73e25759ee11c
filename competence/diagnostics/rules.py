"""Who is offered which diagnostic, and when a retake is allowed."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competence.accounts.models import Role, User
from competence.database import utcnow
from competence.diagnostics.models import Attempt
from competence.extensions import db
from competence.instruments import spec

# Diagnostics are taken by school staff; the institute's staff see instruments as previews.
TAKER_ROLES = frozenset({Role.TEACHER, Role.DIRECTOR})
# Attempts per year are counted over this sliding window.
YEAR = timedelta(days=365)


@dataclass(frozen=True)
class RetakeStatus:
    """Whether a new attempt may start now, and if not, why and from when."""

    allowed: bool
    message: str | None = None
    available_from: datetime | None = None


def takes_diagnostics(user: User) -> bool:
    """Tell whether the user's role is one that takes diagnostics (teachers and directors)."""
    return user.role in TAKER_ROLES


def offered_to(instrument: spec.Instrument, user: User) -> bool:
    """Tell whether an instrument's audience includes the user (role, position and subjects)."""
    if not takes_diagnostics(user):
        return False
    audience = instrument.audience
    if user.position not in audience.positions:
        return False
    return not audience.subjects or bool(set(audience.subjects) & set(user.subjects))


def attempts_of(user: User, document_id: int) -> list[Attempt]:
    """Return the user's attempts at an instrument, oldest first."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user.id, Attempt.document_id == document_id)
            .order_by(Attempt.started_at, Attempt.id)
        )
    )


def _recent_starts(attempts: list[Attempt], now: datetime) -> list[datetime]:
    """Return when the attempts of the last 12 months started, oldest first."""
    return sorted(a.started_at for a in attempts if a.started_at > now - YEAR)


def attempts_left(instrument: spec.Instrument, attempts: list[Attempt]) -> int:
    """Return how many more attempts the yearly limit allows now (cool-downs aside)."""
    used = len(_recent_starts(attempts, utcnow()))
    return max(0, instrument.retake.attempts_per_year - used)


def retake_status(user: User, instrument: spec.Instrument, attempts: list[Attempt]) -> RetakeStatus:
    """Apply the instrument's retake rules (cool-down, attempts per year) to a user's attempts."""
    now = utcnow()
    submitted = [a for a in attempts if a.is_submitted]
    if submitted:
        ready = submitted[-1].submitted_at + timedelta(days=instrument.retake.cooldown_days)
        if now < ready:
            return RetakeStatus(
                False,
                _l("You can take it again from %(date)s.", date=format_date(ready, "long")),
                ready,
            )
    recent = _recent_starts(attempts, now)
    limit = instrument.retake.attempts_per_year
    if len(recent) >= limit:
        ready = recent[-limit] + YEAR
        return RetakeStatus(
            False,
            _l(
                "All %(limit)d attempts of the last 12 months are used; the next one opens "
                "on %(date)s.",
                limit=limit,
                date=format_date(ready, "long"),
            ),
            ready,
        )
    return RetakeStatus(True)
