"""Selecting audit events by who, what, which object and when."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, and_, func, or_, select

from competence.accounts.models import User
from competence.audit import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    """What the log is narrowed to; empty values mean no narrowing."""

    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def filter_of(form) -> AuditFilter:
    """Return the filter a validated form describes."""
    return AuditFilter(
        actor=(form.actor.data or "").strip(),
        action=form.action.data or "",
        object_type=form.object_type.data or "",
        object_id=(form.object_id.data or "").strip(),
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


def _start_of(day: date) -> datetime:
    """Return the UTC moment a local calendar day (the portal's time zone) begins."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    local = datetime.combine(day, time.min).replace(tzinfo=zone)
    return local.astimezone(UTC)


def events_query(chosen: AuditFilter, base: Select | None = None) -> Select:
    """Return the events matching a filter, newest first."""
    query = base if base is not None else select(AuditEvent)
    if chosen.actor:
        pattern = f"%{chosen.actor.lower()}%"
        query = query.where(
            AuditEvent.actor_id.in_(
                select(User.id).where(
                    or_(
                        func.lower(User.full_name).like(pattern),
                        func.lower(User.email).like(pattern),
                    )
                )
            )
        )
    if chosen.action:
        query = query.where(AuditEvent.action == chosen.action)
    if chosen.object_type:
        query = query.where(AuditEvent.object_type == chosen.object_type)
    if chosen.object_id:
        query = query.where(AuditEvent.object_id == chosen.object_id)
    if chosen.date_from:
        query = query.where(AuditEvent.created_at >= _start_of(chosen.date_from))
    if chosen.date_to:
        query = query.where(AuditEvent.created_at < _start_of(chosen.date_to + timedelta(days=1)))
    return query.order_by(AuditEvent.id.desc())


def user_history(user_id: int) -> Select:
    """Return the events done by a user or done to the user's account."""
    return select(AuditEvent).where(
        or_(
            AuditEvent.actor_id == user_id,
            and_(AuditEvent.object_type == "user", AuditEvent.object_id == str(user_id)),
        )
    )
