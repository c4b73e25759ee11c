"""A teacher's move to another school: a request the receiving school's director approves.

A school decides which director reads a teacher's results, tracks and evidence, so a teacher
who names another school in the profile stays where they were until the director of that
school (or an administrator) approves. Every step is in the audit log.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competence import audit
from competence.accounts.models import Role
from competence.database import utcnow
from competence.extensions import db
from competence.outbox.services import external_url, queue_email
from competence.staff.models import SchoolMoveRequest
from competence.staff.services import directors_of
from competence.tracks.models import RequestStatus


class MoveError(Exception):
    """A decision on a move that cannot be taken; `status` is the HTTP status to answer with."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


def pending_move_of(user) -> SchoolMoveRequest | None:
    """Return the user's move request that waits for a decision, if any."""
    return db.session.scalar(
        select(SchoolMoveRequest).where(
            SchoolMoveRequest.user_id == user.id,
            SchoolMoveRequest.status == RequestStatus.PENDING,
        )
    )


def request_move(user, school) -> SchoolMoveRequest | None:
    """Ask for the user to join `school`'s staff (no commit); the user's school stays as is.

    Naming the current school again withdraws a waiting request; naming another school
    replaces it. Returns the waiting request, if one remains.
    """
    waiting = pending_move_of(user)
    if waiting is not None and waiting.to_school_id == school.id:
        return waiting
    if waiting is not None:
        waiting.status = RequestStatus.WITHDRAWN
        waiting.decided_at = utcnow()
        audit.record("school_move_withdrawn", user, "user", user.id, request=waiting.id)
    if school.id == user.school_id:
        return None
    request = SchoolMoveRequest(user=user, from_school_id=user.school_id, to_school=school)
    db.session.add(request)
    db.session.flush()
    audit.record(
        "school_move_requested",
        user,
        "user",
        user.id,
        request=request.id,
        school_id=[user.school_id, school.id],
    )
    for director in directors_of(school.id):
        queue_email(
            "move_requested",
            director.email,
            _l("A teacher asks to join your school's staff"),
            "move_requested",
            locale=director.locale,
            director=director,
            teacher=user,
            school=school,
            link=external_url("staff.index"),
        )
    return request


def may_decide(actor, request: SchoolMoveRequest) -> bool:
    """Tell whether `actor` decides a move: the receiving school's director or an admin."""
    if actor.has_role(Role.ADMIN):
        return True
    return actor.has_role(Role.DIRECTOR) and actor.school_id == request.to_school_id


def decide_move(request: SchoolMoveRequest, actor, approve: bool, comment: str) -> None:
    """Approve (the teacher joins the school) or refuse (with a comment) a move, and commit."""
    if not may_decide(actor, request):
        raise MoveError(_l("No such request."), status=404)
    if request.status != RequestStatus.PENDING:
        raise MoveError(_l("This request has already been decided."))
    comment = comment.strip()
    if not approve and not comment:
        raise MoveError(_l("Say why the request is refused: the teacher will read it."), 422)
    teacher = request.user
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.decided_at = utcnow()
    request.decided_by_id = actor.id
    request.comment = comment or None
    school = request.to_school
    if approve:
        moved = {
            "school_id": [teacher.school_id, school.id],
            "municipality_id": [teacher.municipality_id, school.municipality_id],
        }
        teacher.school_id, teacher.municipality_id = school.id, school.municipality_id
        audit.record("place_changed", actor, "user", teacher.id, request=request.id, **moved)
    if approve:
        audit.record("school_move_approved", actor, "user", teacher.id, request=request.id)
    else:
        audit.record("school_move_refused", actor, "user", teacher.id, request=request.id)
    queue_email(
        "move_decided",
        teacher.email,
        _l("Your move to another school is approved")
        if approve
        else _l("Your move to another school is refused"),
        "move_decided",
        locale=teacher.locale,
        user=teacher,
        approved=approve,
        school=school,
        comment=comment,
        link=external_url("accounts.profile"),
    )
    db.session.commit()
