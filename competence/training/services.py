"""Scheduling course groups, applications from tracks, and the director's release from work.

A teacher applies to a group only from an open module of a current track (not completed) that
is the group's catalogue module; one application per teacher and group. The director of the
teacher's school releases the teacher from work (or refuses, saying why); only then may the
methodist enrol them (competence.training.enrolment).
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from competence import audit
from competence.accounts.access import directs_school_of
from competence.accounts.models import Role, User
from competence.database import utcnow
from competence.extensions import db
from competence.staff.services import directors_of
from competence.tracks.models import (
    MODULE_FORMATS,
    CatalogModule,
    DevelopmentTrack,
    ModuleStatus,
    TrackModule,
    TrackStatus,
)
from competence.training import notify
from competence.training.models import (
    ACTIVE_STATUSES,
    ApplicationStatus,
    CourseGroup,
    GroupApplication,
    GroupStatus,
)


class TrainingError(Exception):
    """A change to a course group that cannot be made; `status` is the HTTP status to answer."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


@dataclass(frozen=True)
class GroupData:
    """What a methodist writes about a group: everything but the module."""

    starts_on: date
    ends_on: date
    place: str
    online_link: str
    hours: int
    format: str
    places: int
    provider: str


def check_group_data(data: GroupData) -> None:
    """Refuse dates in the wrong order, no places, no hours, an unknown format, nowhere to go,
    no provider."""
    if data.ends_on < data.starts_on:
        raise TrainingError(_l("The group cannot end before it starts."), 400)
    if data.places < 1:
        raise TrainingError(_l("A group has at least one place."), 400)
    if data.hours < 1:
        raise TrainingError(_l("A group has at least one academic hour."), 400)
    if data.format not in MODULE_FORMATS:
        raise TrainingError(_l("Unknown format."), 400)
    if not (data.place.strip() or data.online_link.strip()):
        raise TrainingError(_l("Give the place or the link of the online sessions."), 400)
    if not data.provider.strip():
        raise TrainingError(_l("Give the provider of the course."), 400)


def write_group(group: CourseGroup, data: GroupData) -> None:
    """Copy the methodist's data onto a group."""
    group.starts_on = data.starts_on
    group.ends_on = data.ends_on
    group.place = data.place.strip() or None
    group.online_link = data.online_link.strip() or None
    group.hours = data.hours
    group.format = data.format
    group.places = data.places
    group.provider = data.provider.strip()


def schedule_group(module: CatalogModule, data: GroupData, actor) -> CourseGroup:
    """Schedule a catalogue module as a course group open for applications."""
    check_group_data(data)
    if module.retired:
        raise TrainingError(_l("The module is retired from the catalogue."), 409)
    group = CourseGroup(module=module, title=module.title, created_by_id=actor.id)
    write_group(group, data)
    group.status = GroupStatus.OPEN
    db.session.add(group)
    db.session.flush()
    audit.record("course_group_scheduled", actor, "course_group", group.id, module=module.key)
    db.session.commit()
    return group


def enrolled_count(group: CourseGroup) -> int:
    """Return how many teachers hold a place in the group."""
    return sum(a.status == ApplicationStatus.ENROLLED for a in group.applications)


def open_entry(user, module_id: int) -> TrackModule | None:
    """Return the user's open entry of a catalogue module in a current track, if any."""
    return db.session.scalars(
        select(TrackModule)
        .join(DevelopmentTrack, DevelopmentTrack.id == TrackModule.track_id)
        .where(
            DevelopmentTrack.user_id == user.id,
            DevelopmentTrack.status != TrackStatus.COMPLETED,
            TrackModule.module_id == module_id,
            TrackModule.status.in_((ModuleStatus.PLANNED, ModuleStatus.POSTPONED)),
        )
        .order_by(TrackModule.mandatory.desc(), TrackModule.id)
    ).first()


def application_of(user, group: CourseGroup) -> GroupApplication | None:
    """Return the user's application to a group, if any."""
    return db.session.scalar(
        select(GroupApplication).where(
            GroupApplication.group_id == group.id, GroupApplication.user_id == user.id
        )
    )


def apply(user, group: CourseGroup) -> GroupApplication:
    """Apply to a group from an open module of the user's track; ask the director's release."""
    if group.status != GroupStatus.OPEN:
        raise TrainingError(_l("The group does not take applications."), 409)
    entry = open_entry(user, group.module_id)
    if entry is None:
        raise TrainingError(
            _l(
                "You can apply only to a group of a module of your current development track "
                "that is not done or declined yet."
            ),
            403,
        )
    existing = application_of(user, group)
    # A withdrawn application, or one the director did not release, may be made again.
    ended = (ApplicationStatus.WITHDRAWN, ApplicationStatus.REFUSED)
    if existing is not None and existing.status not in ended:
        raise TrainingError(_l("You have already applied to this group."), 409)
    # A director applying is released by another director of the school, never by themselves.
    directors = [d for d in directors_of(user.school_id) if d.id != user.id]
    if not directors and user.has_role(Role.DIRECTOR):
        raise TrainingError(
            _l(
                "Release from work for a course is approved by another director of your "
                "school, and none is registered on the portal."
            ),
            409,
        )
    if not directors:
        raise TrainingError(
            _l(
                "Release from work for a course is approved by your school's director, and no "
                "director of your school is registered on the portal yet."
            ),
            409,
        )
    if existing is not None:  # applying again after a withdrawal or a refusal starts afresh
        db.session.delete(existing)
        db.session.flush()
    application = GroupApplication(group=group, user=user, track_module=entry)
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError:  # the same teacher's other request got in first
        db.session.rollback()
        raise TrainingError(_l("You have already applied to this group."), 409) from None
    notify.release_requested(application, directors)
    audit.record("course_application_submitted", user, "group_application", application.id)
    db.session.commit()
    return application


def decide_release(application: GroupApplication, actor, release: bool, comment: str) -> None:
    """Release a teacher of the director's school from work for the course, or refuse."""
    if not directs_school_of(actor, application.user):
        raise TrainingError(_l("No such request."), 404)
    if application.status != ApplicationStatus.AWAITING_RELEASE:
        raise TrainingError(_l("This request has already been decided."), 409)
    comment = comment.strip()
    if not release and not comment:
        raise TrainingError(_l("Say why the request is refused: the teacher will read it."), 422)
    application.status = ApplicationStatus.RELEASED if release else ApplicationStatus.REFUSED
    application.release_decided_at = utcnow()
    application.release_decided_by_id = actor.id
    application.release_comment = comment or None
    if release:
        audit.record("course_release_approved", actor, "group_application", application.id)
    else:
        audit.record("course_release_refused", actor, "group_application", application.id)
    notify.release_decided(application)
    db.session.commit()


def releases_to_decide(director) -> list[GroupApplication]:
    """Return the applications of the director's school's people that wait for the director's
    release (not the director's own)."""
    return list(
        db.session.scalars(
            select(GroupApplication)
            .join(User, User.id == GroupApplication.user_id)
            .where(
                User.school_id == director.school_id,
                User.id != director.id,
                GroupApplication.status == ApplicationStatus.AWAITING_RELEASE,
            )
            .order_by(GroupApplication.applied_at, GroupApplication.id)
        )
    )


def applications_of(user) -> list[GroupApplication]:
    """Return the user's applications, newest first."""
    return list(
        db.session.scalars(
            select(GroupApplication)
            .where(GroupApplication.user_id == user.id)
            .order_by(GroupApplication.applied_at.desc(), GroupApplication.id.desc())
        )
    )


def groups_for(user) -> list[tuple[CourseGroup, GroupApplication | None]]:
    """Return the open groups of the modules the user still has to study, with any application."""
    needed = (
        select(TrackModule.module_id)
        .join(DevelopmentTrack, DevelopmentTrack.id == TrackModule.track_id)
        .where(
            DevelopmentTrack.user_id == user.id,
            DevelopmentTrack.status != TrackStatus.COMPLETED,
            TrackModule.status.in_((ModuleStatus.PLANNED, ModuleStatus.POSTPONED)),
        )
    )
    groups = db.session.scalars(
        select(CourseGroup)
        .where(CourseGroup.status == GroupStatus.OPEN, CourseGroup.module_id.in_(needed))
        .order_by(CourseGroup.starts_on, CourseGroup.id)
    ).all()
    return [(group, application_of(user, group)) for group in groups]


def is_active(application: GroupApplication) -> bool:
    """Tell whether an application still holds or waits for a place."""
    return application.status in ACTIVE_STATUSES


def demand_by_module() -> dict[int, int]:
    """Return {module id: teachers who still need it in a current track} over the region."""
    from competence.deficits.demand import demand_counts

    totals: dict[int, int] = {}
    # A teacher belongs to one school, so the schools' counts add up to distinct teachers.
    for _school, module_id, teachers, _mandatory in demand_counts():
        totals[module_id] = totals.get(module_id, 0) + teachers
    return totals


def group_list() -> list[CourseGroup]:
    """Return every course group, the coming ones first."""
    return list(
        db.session.scalars(
            select(CourseGroup).order_by(CourseGroup.starts_on.desc(), CourseGroup.id.desc())
        )
    )


def schedulable_modules() -> list[CatalogModule]:
    """Return the catalogue modules a group may be scheduled for (not retired), by title."""
    return list(
        db.session.scalars(
            select(CatalogModule)
            .where(CatalogModule.retired.is_(False))
            .order_by(CatalogModule.title)
        )
    )
