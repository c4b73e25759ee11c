"""Declining a mandatory module needs the director's approval; replacements stay within reach."""

import pytest
from sqlalchemy import select

from competence.audit import AuditEvent
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.schools.models import Municipality
from competence.tracks.models import DevelopmentTrack, ModuleStatus, TrackStatus
from tests.diagnostics.helpers import load_instruments, take, worst_answer
from tests.factories import login, make_school, make_user, post_form
from tests.tracks.test_track_rules import by_key, catalogue_module
from tests.tracks.test_tracks import (
    act,
    build,
    decide,
    director_of,
    finish,
    modules,
    pending_request,
)


def letters(kind):
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


@pytest.fixture
def two_modules(app, client):
    """A teacher whose soft-skills track has `both` (mandatory) and `talk` (optional)."""
    load_instruments()
    catalogue_module("both", "exercise", ["communication", "teamwork"])
    catalogue_module("talk", "webinar", ["communication"])
    db.session.commit()
    make_user()
    login(client)
    track = build(client, take(client, "soft-skills", worst_answer))
    return client, track


def test_a_mandatory_decline_waits_for_the_directors_approval(app, two_modules):
    teacher, track = two_modules
    director = director_of(app)
    both = by_key(track)["both"]
    assert act(teacher, both, "decline", {"reason": "Уже проходила"}).status_code == 302
    both = by_key(track)["both"]
    # Not declined yet: still mandatory and open, and the track says it is waiting.
    assert both.status == ModuleStatus.PLANNED and both.mandatory
    request = pending_request(both)
    assert request is not None and request.reason == "Уже проходила"
    page = teacher.get(f"/tracks/{track.id}").get_data(as_text=True)
    assert "ожидает решения директора" in page
    again = act(teacher, both, "decline", {"reason": "Ещё раз"})
    assert again.status_code == 409 and "директор ещё не принял решение" in again.get_data(
        as_text=True
    )
    (to_director,) = letters("decline_requested")
    assert to_director.recipient == "head@example.org" and "Уже проходила" in to_director.body_text

    # Everything else done: the track cannot finish while the mandatory module waits.
    assert finish(teacher, by_key(track)["talk"]).status_code == 302
    db.session.expire_all()
    track = db.session.get(DevelopmentTrack, track.id)
    assert track.status == TrackStatus.ACTIVE and track.invited_at is None

    staff = director.get("/staff/").get_data(as_text=True)
    assert "просит разрешить отказ от обязательного модуля" in staff and "Уже проходила" in staff
    assert decide(director, request, "approve", "Согласовано").status_code == 302
    both = by_key(track)["both"]
    assert both.status == ModuleStatus.DECLINED and both.status_reason == "Уже проходила"
    (to_teacher,) = letters("decline_decided")
    assert to_teacher.recipient == "teacher@example.org" and "одобрил" in to_teacher.body_text
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "decline_approved"))
    again = decide(director, request, "approve")
    assert again.status_code == 409


def test_the_director_refuses_with_a_comment_and_the_module_stays(app, two_modules):
    teacher, track = two_modules
    director = director_of(app)
    both = by_key(track)["both"]
    act(teacher, both, "decline", {"reason": "Нет времени"})
    request = pending_request(both)

    other_school = make_school(code="t-002", name="МБОУ СОШ № 2", municipality="Другой район")
    outsider = director_of(app, other_school, "other-head@example.org")
    assert "Нет времени" not in outsider.get("/staff/").get_data(as_text=True)
    assert decide(outsider, request, "approve").status_code == 404
    as_teacher = post_form(
        teacher, f"/staff/declines/{request.id}", {"decision": "approve"}, f"/tracks/{track.id}"
    )
    assert as_teacher.status_code == 403

    silent = decide(director, request, "refuse", "   ")
    assert silent.status_code == 422 and "Укажите, почему" in silent.get_data(as_text=True)
    assert pending_request(both) is not None
    assert decide(director, request, "refuse", "Курс нужен всей школе").status_code == 302
    both = by_key(track)["both"]
    assert both.status == ModuleStatus.PLANNED and both.mandatory
    (letter,) = letters("decline_decided")
    assert "отклонил" in letter.body_text and "Курс нужен всей школе" in letter.body_text
    page = teacher.get(f"/tracks/{track.id}").get_data(as_text=True)
    assert "Курс нужен всей школе" in page


def test_without_a_director_a_mandatory_module_cannot_be_declined(two_modules):
    teacher, track = two_modules
    refused = act(teacher, by_key(track)["both"], "decline", {"reason": "Не хочу"})
    assert refused.status_code == 409 and "директора" in refused.get_data(as_text=True)
    assert by_key(track)["both"].status == ModuleStatus.PLANNED


def test_an_optional_module_is_declined_at_once(two_modules):
    teacher, track = two_modules
    assert act(teacher, by_key(track)["talk"], "decline", {"reason": "Нет"}).status_code == 302
    assert by_key(track)["talk"].status == ModuleStatus.DECLINED


def test_replacements_are_within_the_teachers_municipality_or_remote(app, client):
    load_instruments()
    school = make_school()
    far = Municipality(name="Отдалённый район")
    catalogue_module("both", "exercise", ["communication"])
    # An in-person seminar in a remote village: second best, so it comes as the optional one.
    village = catalogue_module("village", "seminar", ["communication"], fmt="in_person", hours=32)
    village.municipality = far
    village_webinar = catalogue_module("village-webinar", "webinar", ["communication"], "in_person")
    village_webinar.municipality = far
    near = catalogue_module("near", "community", ["communication"], fmt="in_person")
    near.municipality = school.municipality
    catalogue_module("unknown-place", "webinar", ["communication"], fmt="blended")
    db.session.commit()
    make_user(school=school)
    login(client)
    track = build(client, take(client, "soft-skills", worst_answer))
    assert set(by_key(track)) == {"both", "village"}
    director = director_of(app, school)
    act(client, by_key(track)["both"], "decline", {"reason": "Уже проходила"})
    assert decide(director, pending_request(by_key(track)["both"]), "approve").status_code == 302
    entries = by_key(track)
    # Neither the village seminar already in the track nor the village webinar (ranked above
    # the community) becomes mandatory: the community in the teacher's own district does.
    assert not entries["village"].mandatory
    assert "village-webinar" not in entries and "unknown-place" not in entries
    assert entries["near"].mandatory and entries["near"].is_open


def test_replacements_follow_the_preferred_format(app, client):
    load_instruments()
    school = make_school()
    catalogue_module("both", "exercise", ["communication"])
    catalogue_module("talk", "webinar", ["communication"])
    near = catalogue_module("near", "seminar", ["communication"], fmt="in_person")
    near.municipality = school.municipality
    db.session.commit()
    make_user(school=school)
    login(client)
    track = build(client, take(client, "soft-skills", worst_answer), fmt="distance")
    director = director_of(app, school)
    act(client, by_key(track)["talk"], "decline", {"reason": "Нет"})
    act(client, by_key(track)["both"], "decline", {"reason": "Уже проходила"})
    decide(director, pending_request(by_key(track)["both"]), "approve")
    entries = by_key(track)
    # The seminar nearby is in person and the teacher asked for distance modules only.
    assert entries["both"].status == ModuleStatus.DECLINED and "near" not in entries


def test_the_count_and_the_status_agree(two_modules):
    teacher, track = two_modules
    assert finish(teacher, by_key(track)["both"]).status_code == 302
    db.session.expire_all()
    track = db.session.get(DevelopmentTrack, track.id)
    # The optional module is still open: the track is not finished, and says so beside 1 of 2.
    assert track.status == TrackStatus.ACTIVE
    page = teacher.get(f"/tracks/{track.id}").get_data(as_text=True)
    assert "Выполнено модулей: 1 из 2" in page and "выполняется" in page
    assert finish(teacher, by_key(track)["talk"]).status_code == 302
    db.session.expire_all()
    track = db.session.get(DevelopmentTrack, track.id)
    assert track.status == TrackStatus.AWAITING_RETAKE
    page = teacher.get(f"/tracks/{track.id}").get_data(as_text=True)
    assert "Выполнено модулей: 2 из 2" in page
    assert [m.status for m in modules(track)] == [ModuleStatus.DONE, ModuleStatus.DONE]
