"""Who sees and changes what in the school module.

Methodists and administrators see the whole region, a municipal coordinator the schools of the
own municipality, a director the own school (card and plans). Methodists and the coordinator of
the school's municipality confirm partnerships, comment on plans and approve them; the director
edits the own school's plans. Administrators and the ministry read, they do not act on the
project's content.
Asking for a school out of reach answers 404, as if it did not exist; a role that has no business
with the page answers 403.
"""

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competence.accounts.models import Role
from competence.extensions import db
from competence.schools.models import Municipality, School

# Who opens the region's lists.
LIST_ROLES = (Role.METHODIST, Role.COORDINATOR, Role.ADMIN, Role.MINISTRY)
# Who imports indicator files.
IMPORT_ROLES = (Role.METHODIST, Role.ADMIN)
# Who opens a school card or a plan at all (each within reach).
CARD_ROLES = (*LIST_ROLES, Role.DIRECTOR)


def region_wide(user) -> bool:
    """Tell whether the user sees every municipality."""
    return user.has_role(Role.METHODIST, Role.ADMIN, Role.MINISTRY)


def list_scope(user) -> int | None:
    """Return the municipality the user's lists are limited to (None: the whole region)."""
    if region_wide(user):
        return None
    if user.municipality_id is None:
        abort(403, _l("No municipality is assigned to you: ask the portal administrator."))
    return user.municipality_id


def in_reach(user, school: School) -> bool:
    """Tell whether the user may see the school's card and plans."""
    if region_wide(user):
        return True
    if user.has_role(Role.COORDINATOR):
        return user.municipality_id is not None and school.municipality_id == user.municipality_id
    if user.has_role(Role.DIRECTOR):
        return user.school_id == school.id
    return False


def reviews(user, school: School) -> bool:
    """Tell whether the user confirms partnerships and reviews plans of the school."""
    if user.has_role(Role.METHODIST):
        return True
    return user.has_role(Role.COORDINATOR) and school.municipality_id == user.municipality_id


def edits_plans(user, school: School) -> bool:
    """Tell whether the user edits the school's improvement plans (its director)."""
    return user.has_role(Role.DIRECTOR) and user.school_id == school.id


def school_or_404(user, school_id: int) -> School:
    """Return a school the user may see: 403 for other roles, 404 when out of reach."""
    if not user.has_role(*CARD_ROLES):
        abort(403)
    school = db.get_or_404(School, school_id)
    if not in_reach(user, school):
        abort(404)
    return school


def municipalities_for(user):
    """Return the municipalities the user may choose in filters (none for a coordinator)."""
    if not region_wide(user):
        return []
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name)))
