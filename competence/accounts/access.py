"""Who may open what: role checks for views, and whose results and tracks a user may read."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from competence.accounts.models import Role


def role_required(*roles: str):
    """Let only signed-in users holding one of `roles` through; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def directs_school_of(user, person) -> bool:
    """Tell whether `user` directs the school `person` belongs to now (not a former one)."""
    return (
        user.has_role(Role.DIRECTOR)
        and user.school_id is not None
        and person is not None
        and person.id != user.id
        and person.school_id == user.school_id
    )


def may_read_result(user, attempt) -> bool:
    """Tell whether `user` may open the result of `attempt`.

    The owner always; the director of the owner's current school once it is submitted, and
    only its profile (the result page shows no answers and no key). Nobody else.
    """
    if attempt.user_id == user.id:
        return True
    return attempt.is_submitted and directs_school_of(user, attempt.user)


def may_see_track(user, track) -> bool:
    """Tell whether `user` may read a track: its owner, the director of the owner's current
    school, methodists and administrators."""
    if track.user_id == user.id or user.has_role(Role.METHODIST, Role.ADMIN):
        return True
    return directs_school_of(user, track.user)


# Who reads aggregate deficit figures (competence.deficits), each within reach: a director the
# own school, a coordinator the own municipality, the rest the whole region.
ANALYTICS_ROLES = (Role.DIRECTOR, Role.COORDINATOR, Role.METHODIST, Role.ADMIN, Role.MINISTRY)
REGION_ANALYTICS_ROLES = (Role.METHODIST, Role.ADMIN, Role.MINISTRY)
# Who sets the course-group size used to plan the institute's year.
PLANNING_ROLES = (Role.METHODIST, Role.ADMIN)


def sees_region_figures(user) -> bool:
    """Tell whether the user reads the figures of every municipality and school."""
    return user.has_role(*REGION_ANALYTICS_ROLES)


def sees_municipality_figures(user, municipality_id: int) -> bool:
    """Tell whether the user reads the aggregate figures of a municipality and its schools."""
    if sees_region_figures(user):
        return True
    return (
        user.has_role(Role.COORDINATOR)
        and user.municipality_id is not None
        and user.municipality_id == municipality_id
    )


def sees_staff_results(user, school_id: int) -> bool:
    """Tell whether the user reads the results of a school's teachers one by one: its director
    only (everyone else sees aggregates, small groups hidden)."""
    return (
        user.has_role(Role.DIRECTOR) and user.school_id is not None and user.school_id == school_id
    )
