"""Assigning tutors to teachers (one by one or by municipality) and the log of consultations."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from competence import audit
from competence.accounts.access import TUTORED_ROLES, tutored_ids_query
from competence.accounts.models import Role, User
from competence.diagnostics.models import Attempt
from competence.extensions import db
from competence.schools.models import Municipality, School
from competence.tracks.models import (
    DevelopmentTrack,
    ModuleStatus,
    ReviewStatus,
    TrackModule,
    TrackStatus,
)
from competence.tracks.services import local_today
from competence.tutoring.models import CONSULTATION_FORMS, Consultation, TutorAssignment


class TutoringError(Exception):
    """A tutoring change that cannot be made; `status` is the HTTP status to answer with."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


def tutors() -> list[User]:
    """Return the active tutors, by name."""
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.TUTOR, User.active).order_by(User.full_name)
        )
    )


def find_teacher(text: str) -> User:
    """Return the one teacher whose e-mail is `text` or whose full name contains it."""
    text = text.strip()
    if not text:
        raise TutoringError(_l("Give the teacher's e-mail or full name."), status=400)
    people = select(User).where(User.role.in_(TUTORED_ROLES))
    found = db.session.scalar(people.where(func.lower(User.email) == text.lower()))
    if found is not None:
        return found
    named = people.where(User.full_name.icontains(text, autoescape=True))
    matches = list(db.session.scalars(named.limit(2)))
    if not matches:
        raise TutoringError(_l("No teacher with this e-mail or name is registered."), status=404)
    if len(matches) > 1:
        raise TutoringError(
            _l("Several teachers match this name: give the e-mail instead."), status=409
        )
    return matches[0]


def assign(tutor: User, actor, teacher: User | None = None, municipality=None) -> TutorAssignment:
    """Assign a tutor to one teacher or to a municipality's teachers; commit."""
    if not tutor.has_role(Role.TUTOR):
        raise TutoringError(_l("This user is not a tutor."), status=400)
    if (teacher is None) == (municipality is None):
        raise TutoringError(_l("Choose either a teacher or a municipality."), status=400)
    if teacher is not None and not teacher.has_role(*TUTORED_ROLES):
        raise TutoringError(_l("A tutor is assigned to teachers and directors only."), 400)
    same = select(TutorAssignment).where(TutorAssignment.tutor_id == tutor.id)
    if teacher is not None:
        same = same.where(TutorAssignment.teacher_id == teacher.id)
    else:
        same = same.where(TutorAssignment.municipality_id == municipality.id)
    if db.session.scalar(same) is not None:
        raise TutoringError(_l("This tutor is already assigned there."))
    assignment = TutorAssignment(
        tutor=tutor, teacher=teacher, municipality=municipality, assigned_by_id=actor.id
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        "tutor_assigned",
        actor,
        "user",
        tutor.id,
        holder=teacher.id if teacher else None,
        municipality=municipality.name if municipality else None,
    )
    db.session.commit()
    return assignment


def unassign(assignment: TutorAssignment, actor) -> None:
    """End an assignment: the tutor no longer sees those teachers; commit."""
    audit.record(
        "tutor_unassigned",
        actor,
        "user",
        assignment.tutor_id,
        holder=assignment.teacher_id,
        municipality=assignment.municipality.name if assignment.municipality else None,
    )
    db.session.delete(assignment)
    db.session.commit()


def assignments() -> list[TutorAssignment]:
    """Return every assignment, by tutor and newest first."""
    return list(
        db.session.scalars(
            select(TutorAssignment)
            .join(User, User.id == TutorAssignment.tutor_id)
            .order_by(User.full_name, TutorAssignment.created_at.desc())
        )
    )


def municipalities() -> list[Municipality]:
    """Return the municipalities, by name."""
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name)))


# Teachers per page of a tutor's list: a tutor of a municipality may have a thousand.
TUTORED_PAGE_SIZE = 50


def _urgency():
    """Return an SQL expression per teacher: 0 with a plan sent for review, 1 with evidence
    to check, 2 with nothing waiting for the tutor."""
    reviewing = (
        select(DevelopmentTrack.id)
        .where(
            DevelopmentTrack.user_id == User.id,
            DevelopmentTrack.review_status == ReviewStatus.SUBMITTED,
            DevelopmentTrack.status != TrackStatus.COMPLETED,
        )
        .exists()
    )
    checking = (
        select(TrackModule.id)
        .join(DevelopmentTrack, DevelopmentTrack.id == TrackModule.track_id)
        .where(
            DevelopmentTrack.user_id == User.id,
            TrackModule.status == ModuleStatus.DONE,
            TrackModule.confirmed_at.is_(None),
        )
        .exists()
    )
    return case((reviewing, 0), (checking, 1), else_=2)


def tutored_page(tutor: User, number: int):
    """Return one page of a tutor's teachers, those waiting for the tutor first (a plan sent for
    review, then evidence to check), each part by name; each one's plans with their modules;
    and how many teachers wait in all. Read in a few queries a page, not two per teacher."""
    urgency = _urgency()
    tutored = User.id.in_(tutored_ids_query(tutor))
    page = db.paginate(
        select(User)
        .where(tutored)
        .options(selectinload(User.school).selectinload(School.municipality))
        .order_by(urgency, User.full_name, User.id),
        page=number,
        per_page=TUTORED_PAGE_SIZE,
        error_out=False,
    )
    waiting = db.session.scalar(select(func.count(User.id)).where(tutored, urgency < 2))
    plans: dict[int, list[DevelopmentTrack]] = {teacher.id: [] for teacher in page.items}
    for track in db.session.scalars(
        select(DevelopmentTrack)
        .where(DevelopmentTrack.user_id.in_(list(plans)))
        .options(
            selectinload(DevelopmentTrack.modules),
            selectinload(DevelopmentTrack.source_attempt).selectinload(Attempt.version),
        )
        .order_by(DevelopmentTrack.created_at.desc())
    ):
        plans[track.user_id].append(track)
    return page, plans, waiting


def tutors_of(teacher: User) -> list[User]:
    """Return the active tutors of a teacher: assigned to them or to their school's
    municipality."""
    if not teacher.has_role(*TUTORED_ROLES):
        return []
    reach = [TutorAssignment.teacher_id == teacher.id]
    if teacher.school is not None:
        reach.append(TutorAssignment.municipality_id == teacher.school.municipality_id)
    return list(
        db.session.scalars(
            select(User)
            .join(TutorAssignment, TutorAssignment.tutor_id == User.id)
            .where(
                User.role == Role.TUTOR,
                User.active,
                or_(*reach),
            )
            .distinct()
            .order_by(User.full_name)
        )
    )


def tutors_by_teacher(teachers: list[User]) -> dict[int, list[User]]:
    """Return {teacher id: their tutors} for several teachers (the director's staff page)."""
    if not teachers:
        return {}
    rows = db.session.execute(
        select(TutorAssignment, User)
        .join(User, User.id == TutorAssignment.tutor_id)
        .where(User.role == Role.TUTOR, User.active)
        .order_by(User.full_name)
    ).all()
    school_places = dict(
        db.session.execute(
            select(School.id, School.municipality_id).where(
                School.id.in_({t.school_id for t in teachers if t.school_id})
            )
        ).all()
    )
    found: dict[int, list[User]] = {}
    for teacher in teachers:
        if not teacher.has_role(*TUTORED_ROLES):
            continue
        place = school_places.get(teacher.school_id)
        names = found.setdefault(teacher.id, [])
        for assignment, tutor in rows:
            hit = assignment.teacher_id == teacher.id or (
                place is not None and assignment.municipality_id == place
            )
            if hit and tutor not in names:
                names.append(tutor)
    return found


def record_consultation(tutor: User, teacher: User, held_on: date, form: str, notes: str):
    """Add a consultation to the log (the caller checks the tutor tutors the teacher); commit."""
    if held_on > local_today():
        raise TutoringError(_l("A consultation cannot be dated in the future."), status=400)
    if form not in CONSULTATION_FORMS:
        raise TutoringError(_l("Choose the form of the consultation from the list."), 400)
    notes = notes.strip()
    if not notes:
        raise TutoringError(_l("Write what the consultation was about."), status=400)
    consultation = Consultation(
        tutor_id=tutor.id, teacher_id=teacher.id, held_on=held_on, form=form, notes=notes
    )
    db.session.add(consultation)
    db.session.flush()
    audit.record("consultation_recorded", tutor, "user", teacher.id, held_on=held_on.isoformat())
    db.session.commit()
    return consultation


def consultations_of(teacher: User) -> list[Consultation]:
    """Return a teacher's consultations, newest first."""
    return list(
        db.session.scalars(
            select(Consultation)
            .where(Consultation.teacher_id == teacher.id)
            .order_by(Consultation.held_on.desc(), Consultation.id.desc())
        )
    )
