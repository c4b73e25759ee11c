"""Administrative operations on users."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from competence import audit
from competence.accounts.models import Role, User
from competence.accounts.reference import LEADERSHIP_POSITIONS
from competence.accounts.services import end_access
from competence.database import utcnow
from competence.extensions import db
from competence.schools.models import Municipality, School


class AdminError(Exception):
    """A change an administrator asked for that cannot be made; the message says why."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def user_query(q: str = "", role: str = "", pending_leaders: bool = False) -> Select:
    """Return the users matching a search, newest first."""
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    if q.strip():
        pattern = f"%{q.strip().lower()}%"
        query = query.where(
            or_(func.lower(User.email).like(pattern), func.lower(User.full_name).like(pattern))
        )
    if role:
        query = query.where(User.role == role)
    if pending_leaders:
        query = query.where(User.position.in_(LEADERSHIP_POSITIONS), User.role == Role.TEACHER)
    return query


def update_user(
    admin: User,
    user: User,
    role: str,
    municipality_id: int | None,
    school_id: int | None,
    active: bool,
    email_confirmed: bool,
) -> list[str]:
    """Apply an administrator's changes to a user; return the names of changed fields."""
    if user.id == admin.id and (role != Role.ADMIN or not active):
        raise AdminError(_l("You cannot remove your own administrator rights or block yourself."))
    school = db.session.get(School, school_id) if school_id else None
    municipality = db.session.get(Municipality, municipality_id) if municipality_id else None
    if school is not None:
        if municipality is not None and school.municipality_id != municipality.id:
            raise AdminError(_l("The school belongs to another municipality."), field="school")
        municipality = school.municipality
    if role == Role.COORDINATOR and municipality is None:
        raise AdminError(_l("A coordinator must be attached to a municipality."), "municipality")
    if role == Role.DIRECTOR and school is None:
        raise AdminError(_l("A director must be attached to a school."), field="school")

    before = _snapshot(user)
    user.role = role
    user.municipality_id = municipality.id if municipality else None
    user.school_id = school.id if school else None
    if user.active and not active:
        end_access(user)  # a blocked user is signed out at once and their e-mail links die
    user.active = active
    if email_confirmed and not user.email_confirmed:
        user.email_confirmed_at = utcnow()
    elif not email_confirmed:
        user.email_confirmed_at = None
    after = _snapshot(user)
    changed = [key for key in after if before[key] != after[key]]
    if changed:
        audit.record(
            "user_updated",
            admin,
            "user",
            user.id,
            **{key: [before[key], after[key]] for key in changed},
        )
    db.session.commit()
    return changed


def _snapshot(user: User) -> dict:
    """Return the administered fields of a user as plain values."""
    return {
        "role": user.role,
        "municipality_id": user.municipality_id,
        "school_id": user.school_id,
        "active": user.active,
        "email_confirmed": user.email_confirmed_at is not None,
    }
