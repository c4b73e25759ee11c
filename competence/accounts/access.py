"""Who may open what: role checks for views, and whose results and tracks a user may read."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from competence.accounts.models import Role, User
from competence.extensions import db
from competence.schools.models import School
from competence.tutoring.models import TutorAssignment


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
    school, the owner's tutor, methodists and administrators."""
    if track.user_id == user.id or user.has_role(Role.METHODIST, Role.ADMIN):
        return True
    return directs_school_of(user, track.user) or tutors_teacher(user, track.user)


def may_read_consultations(user, teacher) -> bool:
    """Tell whether `user` may read the notes of a teacher's consultations: the teacher and the
    teacher's tutors only (not the director, who reads the track)."""
    return user.id == teacher.id or tutors_teacher(user, teacher)


def may_read_goals(user, teacher) -> bool:
    """Tell whether `user` may read a teacher's own goals for the year: the teacher and the
    teacher's tutors, who discuss the plan with them (as for consultations)."""
    return may_read_consultations(user, teacher)


# Whom a tutor may be assigned to: the people of schools who have development plans.
TUTORED_ROLES = (Role.TEACHER, Role.DIRECTOR)


def tutored_ids_query(tutor):
    """Return a SELECT of the ids of the active people `tutor` tutors: those assigned one by one
    and those of the schools of an assigned municipality (their current school)."""
    own = select(TutorAssignment.teacher_id).where(
        TutorAssignment.tutor_id == tutor.id, TutorAssignment.teacher_id.is_not(None)
    )
    places = select(TutorAssignment.municipality_id).where(
        TutorAssignment.tutor_id == tutor.id, TutorAssignment.municipality_id.is_not(None)
    )
    schools = select(School.id).where(School.municipality_id.in_(places))
    # An account blocked or erased (privacy: anonymised, inactive) is nobody's to tutor.
    return select(User.id).where(
        User.role.in_(TUTORED_ROLES),
        User.active.is_(True),
        or_(User.id.in_(own), User.school_id.in_(schools)),
    )


def tutor_teacher_ids(tutor) -> set[int]:
    """Return the ids of the teachers `tutor` tutors; nobody's for a user who is not a tutor.

    The one rule of a tutor's reach: a tutor sees only the teachers assigned to them, one by one
    or by municipality, and loses them as soon as the assignment ends.
    """
    if tutor is None or not tutor.has_role(Role.TUTOR):
        return set()
    return set(db.session.scalars(tutored_ids_query(tutor)))


def tutors_teacher(tutor, teacher) -> bool:
    """Tell whether `tutor` is a tutor assigned to `teacher` (see `tutor_teacher_ids`)."""
    if tutor is None or teacher is None or not tutor.has_role(Role.TUTOR):
        return False
    found = db.session.scalar(tutored_ids_query(tutor).where(User.id == teacher.id))
    return found is not None


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
