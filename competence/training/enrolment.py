"""Enrolment: places, the waiting list, withdrawals, with the group's row locked.

Every change that fills or frees a place first locks the group (SELECT ... FOR UPDATE on
PostgreSQL; on SQLite a write to the group's row takes the database's single write lock) and
then counts the enrolled inside that transaction, so two enrolments for the last place cannot
both see it free: the second waits for the first to commit and then finds the group full.
The waiting list is in the order teachers joined it; a place that comes free goes to its first
teacher at once.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from competence import audit
from competence.database import utcnow
from competence.extensions import db
from competence.training import notify
from competence.training.models import (
    ApplicationStatus,
    CourseGroup,
    GroupApplication,
    GroupStatus,
)
from competence.training.services import TrainingError, check_group_data, write_group

# Groups whose places may still change hands.
LIVE_GROUPS = (GroupStatus.OPEN, GroupStatus.RUNNING)


def lock_group(group_id: int) -> CourseGroup:
    """Lock a group's row for the rest of the transaction and return it, freshly read."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks: a write takes the one write lock (busy_timeout waits for it).
        db.session.execute(
            update(CourseGroup).where(CourseGroup.id == group_id).values(places=CourseGroup.places)
        )
    group = db.session.scalars(
        select(CourseGroup)
        .where(CourseGroup.id == group_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return group


def taken_places(group_id: int) -> int:
    """Count the enrolled teachers of a group in the database (inside the lock)."""
    return db.session.scalar(
        select(func.count(GroupApplication.id)).where(
            GroupApplication.group_id == group_id,
            GroupApplication.status == ApplicationStatus.ENROLLED,
        )
    )


def waiting_list(group_id: int) -> list[GroupApplication]:
    """Return the waiting list of a group, first come first."""
    return list(
        db.session.scalars(
            select(GroupApplication)
            .where(
                GroupApplication.group_id == group_id,
                GroupApplication.status == ApplicationStatus.WAITING,
            )
            .order_by(
                GroupApplication.waiting_since, GroupApplication.applied_at, GroupApplication.id
            )
            .execution_options(populate_existing=True)
        )
    )


def _refresh(application: GroupApplication) -> GroupApplication:
    """Read an application again inside the lock (another session may have changed it)."""
    db.session.refresh(application)
    return application


def _enrol_now(application: GroupApplication, actor, moved_up: bool = False) -> None:
    """Give an application a place (the caller checked there is one)."""
    application.status = ApplicationStatus.ENROLLED
    application.enrolled_at = utcnow()
    application.waiting_since = None
    if moved_up:
        audit.record("course_moved_up", actor, "group_application", application.id)
    else:
        audit.record("course_enrolled", actor, "group_application", application.id)
    notify.enrolled(application, moved_up)


def _to_waiting(application: GroupApplication, actor) -> None:
    """Put an application at the end of the waiting list."""
    application.status = ApplicationStatus.WAITING
    application.waiting_since = utcnow()
    position = len(waiting_list(application.group_id))
    audit.record("course_waiting_listed", actor, "group_application", application.id)
    notify.waiting(application, position)


def enrol(application: GroupApplication, actor) -> None:
    """Enrol a released (or waiting) applicant; refuse when every place is taken."""
    group = lock_group(application.group_id)
    application = _refresh(application)
    if group.status not in LIVE_GROUPS:
        raise TrainingError(_l("The group is finished or cancelled."), 409)
    if application.status == ApplicationStatus.ENROLLED:
        raise TrainingError(_l("The teacher is already enrolled."), 409)
    if application.status not in (ApplicationStatus.RELEASED, ApplicationStatus.WAITING):
        raise TrainingError(_l("Only a teacher released by the director can be enrolled."), 409)
    if taken_places(group.id) >= group.places:
        raise TrainingError(
            _l("All %(places)d places of the group are taken.", places=group.places), 409
        )
    _enrol_now(application, actor)
    db.session.commit()


def enrol_released(group: CourseGroup, actor) -> tuple[int, int]:
    """Enrol the released applicants in the order they applied; the rest join the waiting list.

    Return (enrolled, put on the waiting list).
    """
    group = lock_group(group.id)
    if group.status not in LIVE_GROUPS:
        raise TrainingError(_l("The group is finished or cancelled."), 409)
    released = db.session.scalars(
        select(GroupApplication)
        .where(
            GroupApplication.group_id == group.id,
            GroupApplication.status == ApplicationStatus.RELEASED,
        )
        .order_by(GroupApplication.applied_at, GroupApplication.id)
        .execution_options(populate_existing=True)
    ).all()
    if not released:
        raise TrainingError(_l("Nobody released by a director waits for enrolment."), 409)
    free = group.places - taken_places(group.id)
    enrolled = waiting = 0
    for application in released:
        if free > 0:
            _enrol_now(application, actor)
            free -= 1
            enrolled += 1
        else:
            db.session.flush()
            _to_waiting(application, actor)
            waiting += 1
    db.session.commit()
    return enrolled, waiting


def fill_from_waiting(group: CourseGroup, actor) -> int:
    """Give free places to the waiting list in order (inside the lock); return how many moved."""
    free = group.places - taken_places(group.id)
    moved = 0
    for application in waiting_list(group.id)[: max(free, 0)]:
        _enrol_now(application, actor, moved_up=True)
        moved += 1
    return moved


def withdraw(application: GroupApplication, actor) -> None:
    """Withdraw an application; a place it held goes to the first on the waiting list."""
    group = lock_group(application.group_id)
    application = _refresh(application)
    if application.status not in (
        ApplicationStatus.AWAITING_RELEASE,
        ApplicationStatus.RELEASED,
        ApplicationStatus.ENROLLED,
        ApplicationStatus.WAITING,
    ):
        raise TrainingError(_l("The application cannot be withdrawn any more."), 409)
    if application.result is not None:
        raise TrainingError(
            _l("The result of the course is recorded: the application cannot be withdrawn."), 409
        )
    if group.status not in LIVE_GROUPS:
        raise TrainingError(_l("The group is finished or cancelled."), 409)
    held_place = application.status == ApplicationStatus.ENROLLED
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = utcnow()
    application.waiting_since = None
    audit.record("course_application_withdrawn", actor, "group_application", application.id)
    db.session.flush()
    if held_place:
        fill_from_waiting(group, None)
    db.session.commit()


def update_group(group: CourseGroup, data, status: str, actor) -> None:
    """Change a group's data and status; more places go to the waiting list at once."""
    check_group_data(data)
    if status not in tuple(GroupStatus):
        raise TrainingError(_l("Unknown status."), 400)
    group = lock_group(group.id)
    taken = taken_places(group.id)
    if data.places < taken:
        raise TrainingError(
            _l(
                "%(taken)d teachers are enrolled already: the group cannot have fewer places.",
                taken=taken,
            ),
            409,
        )
    write_group(group, data)
    group.status = status
    audit.record("course_group_updated", actor, "course_group", group.id)
    db.session.flush()
    if status in LIVE_GROUPS:
        fill_from_waiting(group, actor)
    db.session.commit()
