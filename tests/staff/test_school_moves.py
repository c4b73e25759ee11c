"""A teacher's move to another school waits for the receiving director (or an admin)."""

import pytest
from sqlalchemy import select

from competence.accounts.models import Role
from competence.audit import AuditEvent
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.staff.models import SchoolMoveRequest
from tests.diagnostics.helpers import take, worst_answer
from tests.factories import login, make_school, make_user, post_form
from tests.tracks.test_tracks import build, prepare


def signed_in(app, email):
    client = app.test_client()
    login(client, email)
    return client


@pytest.fixture
def region(app):
    """A teacher of school 1 with a track; the directors of schools 1 and 2."""
    prepare()
    own = make_school()
    other = make_school(code="t-002", name="МБОУ СОШ № 2", municipality="Ванинский район")
    teacher_user = make_user(school=own, full_name="Переходова Анна")
    teacher = signed_in(app, "teacher@example.org")
    track = build(teacher, take(teacher, "soft-skills", worst_answer))
    make_user("head1@example.org", Role.DIRECTOR, position="director", school=own, full_name="Д1")
    make_user("head2@example.org", Role.DIRECTOR, position="director", school=other, full_name="Д2")
    return {
        "own": own,
        "other": other,
        "user": teacher_user,
        "teacher": teacher,
        "track": track,
        "head1": signed_in(app, "head1@example.org"),
        "head2": signed_in(app, "head2@example.org"),
    }


def ask_to_move(teacher, school):
    data = {
        "full_name": "Переходова Анна",
        "email": "teacher@example.org",
        "position": "teacher",
        "subjects": "mathematics",
        "municipality": str(school.municipality_id),
        "school": str(school.id),
    }
    return post_form(teacher, "/profile", data)


def decide(client, request, decision, comment="", page="/staff/"):
    data = {"decision": decision, "comment": comment}
    return post_form(client, f"/staff/moves/{request.id}", data, page=page)


def actions():
    db.session.expire_all()
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_move_waits_for_the_receiving_director(region):
    user, other, own = region["user"], region["other"], region["own"]
    response = ask_to_move(region["teacher"], other)
    assert response.status_code == 302
    flashed = region["teacher"].get("/profile").get_data(as_text=True)
    assert "ждёт одобрения его директора" in flashed
    db.session.expire_all()
    assert user.school_id == own.id
    # Until approved: the old director keeps the teacher, the new one sees only the request.
    head2_page = region["head2"].get("/staff/").get_data(as_text=True)
    assert "просит принять в коллектив" in head2_page
    assert f'/tracks/{region["track"].id}"' not in head2_page
    assert region["head2"].get(f"/tracks/{region['track'].id}").status_code == 404
    result = f"/diagnostics/attempts/{region['track'].source_attempt_id}/result"
    assert region["head2"].get(result).status_code == 404
    assert "Переходова Анна" in region["head1"].get("/staff/").get_data(as_text=True)
    assert region["head1"].get(f"/tracks/{region['track'].id}").status_code == 200
    letter = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "move_requested"))
    assert letter.recipient == "head2@example.org"

    request = db.session.scalar(select(SchoolMoveRequest))
    # The sending director cannot approve it.
    assert decide(region["head1"], request, "approve").status_code == 404
    assert decide(region["head2"], request, "approve").status_code == 302
    db.session.expire_all()
    assert (user.school_id, user.municipality_id) == (other.id, other.municipality_id)
    assert region["head2"].get(f"/tracks/{region['track'].id}").status_code == 200
    assert region["head1"].get(f"/tracks/{region['track'].id}").status_code == 404
    assert actions()[-3:] == ["school_move_requested", "place_changed", "school_move_approved"]
    decided = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "move_decided"))
    assert decided.recipient == "teacher@example.org" and "одобрен" in decided.body_text


def test_a_refusal_needs_a_comment_and_keeps_the_teacher(region):
    ask_to_move(region["teacher"], region["other"])
    request = db.session.scalar(select(SchoolMoveRequest))
    silent = decide(region["head2"], request, "refuse")
    assert silent.status_code == 422 and "Укажите, почему" in silent.get_data(as_text=True)
    assert decide(region["head2"], request, "refuse", "Не работает у нас").status_code == 302
    db.session.expire_all()
    assert region["user"].school_id == region["own"].id
    assert request.status == "refused" and actions()[-1] == "school_move_refused"
    assert decide(region["head2"], request, "approve").status_code == 409


def test_an_admin_approves_a_move(app, region):
    ask_to_move(region["teacher"], region["other"])
    make_user("admin@example.org", Role.ADMIN, position="other", full_name="Админ")
    admin = signed_in(app, "admin@example.org")
    listing = admin.get("/staff/moves/").get_data(as_text=True)
    assert "Переходова Анна" in listing and "МБОУ СОШ № 2" in listing
    request = db.session.scalar(select(SchoolMoveRequest))
    assert decide(admin, request, "approve", page="/staff/moves/").status_code == 302
    db.session.expire_all()
    assert region["user"].school_id == region["other"].id
    assert region["teacher"].get("/staff/moves/").status_code == 403
    assert region["head2"].get("/staff/moves/").status_code == 403


def test_asking_again_replaces_the_request(region):
    ask_to_move(region["teacher"], region["other"])
    ask_to_move(region["teacher"], region["other"])
    ask_to_move(region["teacher"], region["own"])
    db.session.expire_all()
    statuses = [r.status for r in db.session.scalars(select(SchoolMoveRequest))]
    assert statuses == ["withdrawn"]
    assert region["user"].school_id == region["own"].id
