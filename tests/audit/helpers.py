"""Audit events written straight into the log, and the administrator who reads it."""

from datetime import datetime

from competence.accounts.models import Role
from competence.audit import AuditEvent
from competence.extensions import db
from tests.factories import login, make_user


def add_event(action, actor=None, object_type="user", object_id=None, at=None, **details):
    """Store an audit event (optionally at a given UTC moment) and return it."""
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=details,
        created_at=at or datetime.now().astimezone(),
    )
    db.session.add(event)
    db.session.commit()
    return event


def admin_client(client, email="admin@example.org", full_name="Админова Ольга Петровна"):
    """Sign in an administrator and return them."""
    admin = make_user(email=email, role=Role.ADMIN, full_name=full_name)
    login(client, email)
    return admin
