"""A small region for the tutors' tests: two municipalities, a teacher with a track, tutors."""

from dataclasses import dataclass

from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import select

from competence.accounts.models import Role, User
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.tracks import services as tracks
from competence.tracks.models import DevelopmentTrack, TrackModule
from competence.tutoring.services import assign
from tests.certificates.helpers import finished_attempt, prepare
from tests.diagnostics.helpers import worst_answer
from tests.factories import login, make_school, make_user, post_form


@dataclass
class Region:
    """The people and the track of a test."""

    teacher: User
    other_teacher: User
    director: User
    tutor: User
    other_tutor: User
    methodist: User
    track_id: int


def build_region() -> Region:
    """Create two schools in two municipalities, their people and a track of the teacher's."""
    prepare()
    school_a = make_school("a-001", "МБОУ СОШ № 1", municipality="Район А")
    school_b = make_school("b-001", "МБОУ СОШ № 2", municipality="Район Б")
    teacher = make_user("teacher@example.org", school=school_a, full_name="Учитель Анна")
    other = make_user("other@example.org", school=school_b, full_name="Учитель Борис")
    director = make_user(
        "head@example.org", Role.DIRECTOR, "director", school_a, full_name="Директор Дарья"
    )
    tutor = make_user("tutor@example.org", Role.TUTOR, "other", school_b, full_name="Тьютор Тамара")
    other_tutor = make_user(
        "tutor2@example.org", Role.TUTOR, "other", school_b, full_name="Тьютор Олег"
    )
    methodist = make_user(
        "methodist@example.org", Role.METHODIST, "other", school_b, full_name="Методист Мария"
    )
    track = tracks.build_track(finished_attempt(teacher, worst_answer))
    return Region(teacher, other, director, tutor, other_tutor, methodist, track.id)


def assign_to_teacher(region: Region) -> None:
    """Assign the tutor to the teacher one by one."""
    assign(region.tutor, region.methodist, teacher=region.teacher)


def signed_in(app, email: str):
    """Return a client signed in as `email`."""
    client = app.test_client()
    login(client, email)
    return client


def track(region: Region) -> DevelopmentTrack:
    """Return the teacher's track as stored now."""
    db.session.expire_all()
    return db.session.get(DevelopmentTrack, region.track_id)


def entry(entry_id: int) -> TrackModule:
    """Return a track module as stored now."""
    db.session.expire_all()
    return db.session.get(TrackModule, entry_id)


def done(entry_id: int, note="Прошла курс, конспект приложен", link="") -> None:
    """Report a module done as the teacher does."""
    tracks.mark_done(db.session.get(TrackModule, entry_id), note, link, None)


def post(client, url: str, data=None, page="/cabinet/"):
    """Post a form with the client's CSRF token."""
    return post_form(client, url, data or {}, page=page)


def letters(kind: str) -> list[OutboxMessage]:
    """Return the letters of a kind queued so far."""
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def ru(app, message) -> str:
    """Return a message as a Russian page shows it (escaped), whether or not it is translated."""
    with app.test_request_context(), force_locale("ru"):
        return str(escape(str(message)))
