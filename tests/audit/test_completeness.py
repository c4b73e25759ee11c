"""Sign-ins, sign-outs, passwords, registrations, downloads and refusals all reach the log."""

import json
import re
from datetime import date

from sqlalchemy import select

from competence.accounts.models import Role, User
from competence.audit import AuditEvent
from competence.certificates.models import Certificate
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from tests.accounts.test_registration import registration
from tests.factories import PASSWORD, csrf_token, login, make_school, make_user, post_form

WRONG = "a wrong pass phrase 1234"


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def everything_logged() -> str:
    rows = db.session.scalars(select(AuditEvent)).all()
    return json.dumps([[e.action, e.object_id, e.details] for e in rows], ensure_ascii=False)


def test_sign_in_success_and_failures_are_logged_without_the_password(client):
    user = make_user()
    blocked = make_user(email="blocked@example.org")
    blocked.active = False
    unconfirmed = make_user(email="new@example.org", confirmed=False)
    db.session.commit()

    assert login(client, "teacher@example.org", WRONG).status_code == 401
    assert login(client, "nobody@example.org", WRONG).status_code == 401
    assert login(client, "blocked@example.org").status_code == 401
    assert login(client, "new@example.org").status_code == 403
    assert login(client).status_code == 302

    failed = events("login_failed")
    assert [(e.object_id, e.details["failure"], e.actor_id) for e in failed] == [
        (str(user.id), "wrong_password", None),
        (None, "wrong_password", None),
        (str(blocked.id), "blocked", None),
        (str(unconfirmed.id), "unconfirmed", None),
    ]
    assert all(e.ip_address == "127.0.0.1" for e in failed)
    [success] = events("login_succeeded")
    assert (success.actor_id, success.object_id) == (user.id, str(user.id))
    logged = everything_logged()
    # Neither a password nor an address without an account is ever written down.
    assert WRONG not in logged and PASSWORD not in logged and "nobody@" not in logged


def test_sign_out_is_logged(client):
    user = make_user()
    login(client)
    token = csrf_token(client, "/cabinet/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    [event] = events("logout")
    assert (event.actor_id, event.object_id) == (user.id, str(user.id))
    # Signing out when not signed in logs nothing.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/login")})
    assert len(events("logout")) == 1


def test_registration_reset_request_reset_and_password_change_are_logged(client):
    school = make_school()
    assert post_form(client, "/register", registration(school)).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "petrova@school.example"))
    [registered] = events("user_registered")
    assert (registered.actor_id, registered.object_id) == (user.id, str(user.id))

    post_form(client, "/password/forgot", {"email": "petrova@school.example"})
    post_form(client, "/password/forgot", {"email": "nobody@example.org"})
    [asked] = events("password_reset_requested")
    assert asked.object_id == str(user.id) and asked.actor_id is None

    letter = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reset_password"))
    link = re.search(r"http://localhost(/password/reset/\S+)", letter.body_text).group(1)
    new = "another long pass phrase"
    done = post_form(client, link, {"password": new, "password_confirm": new})
    assert done.status_code == 302
    [reset] = events("password_reset_completed")
    assert (reset.actor_id, reset.object_id) == (user.id, str(user.id))

    assert login(client, "petrova@school.example", new).status_code == 302
    newer = "yet another long pass phrase"
    changed = post_form(
        client,
        "/password/change",
        {"current_password": new, "password": newer, "password_confirm": newer},
    )
    assert changed.status_code == 302
    [change] = events("password_changed")
    assert (change.actor_id, change.object_id) == (user.id, str(user.id))
    assert new not in everything_logged() and newer not in everything_logged()


def test_certificate_downloads_are_logged(client):
    from tests.certificates.helpers import completed_track, prepare

    prepare()
    user = make_user()
    completed_track(user)
    certificate = db.session.scalar(select(Certificate))
    login(client)
    assert client.get(f"/certificates/{certificate.number}.pdf").status_code == 200
    [event] = events("certificate_downloaded")
    assert (event.actor_id, event.object_id) == (user.id, certificate.number)
    assert event.details["holder"] == user.id
    # A refused download is not a download.
    make_user(email="other@example.org")
    other = client.application.test_client()
    login(other, "other@example.org")
    assert other.get(f"/certificates/{certificate.number}.pdf").status_code == 404
    assert len(events("certificate_downloaded")) == 1


def test_plan_downloads_are_logged(client):
    from competence.schools import plan_services

    school = make_school()
    director = make_user("head@example.org", Role.DIRECTOR, position="director", school=school)
    plan = plan_services.create_plan(
        school, title="План", starts_on=date(2025, 9, 1), ends_on=date(2026, 8, 31), actor=director
    )
    login(client, "head@example.org")
    for fmt in ("xlsx", "pdf"):
        assert client.get(f"/schools/plans/{plan.id}/plan.{fmt}").status_code == 200
    exported = events("plan_exported")
    assert [(e.actor_id, e.object_id, e.details["format"]) for e in exported] == [
        (director.id, str(plan.id), "xlsx"),
        (director.id, str(plan.id), "pdf"),
    ]


def test_evidence_downloads_are_logged(client):
    from competence.tracks import services as tracks
    from competence.tracks.evidence import check_evidence
    from tests.certificates.helpers import finished_attempt, prepare
    from tests.diagnostics.helpers import worst_answer

    prepare()
    teacher = make_user()
    track = tracks.build_track(finished_attempt(teacher, worst_answer))
    entry = track.modules[0]
    pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    tracks.mark_done(entry, "", "", check_evidence("справка.pdf", pdf))
    login(client)
    assert client.get(f"/tracks/modules/{entry.id}/evidence").data == pdf
    [event] = events("evidence_downloaded")
    assert (event.actor_id, event.object_id) == (teacher.id, str(entry.id))
    assert event.details == {"holder": teacher.id, "filename": "справка.pdf"}


def test_rate_limit_refusals_are_logged_once_a_minute_per_address(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="2/minute")
    client = app.test_client()
    token = csrf_token(client, "/login")
    data = {"csrf_token": token, "email": "x@example.org", "password": WRONG}
    statuses = [client.post("/login", data=data).status_code for _ in range(5)]
    assert statuses == [401, 401, 429, 429, 429]
    [refused] = events("rate_limited")
    assert refused.object_id == "accounts.login" and refused.details["path"] == "/login"
    assert refused.ip_address == "127.0.0.1" and refused.actor_id is None
    # Another address is logged on its own.
    other = {"REMOTE_ADDR": "10.0.0.9"}
    for _ in range(3):
        client.post("/login", data={**data, "email": "y@example.org"}, environ_base=other)
    assert [e.ip_address for e in events("rate_limited")] == ["127.0.0.1", "10.0.0.9"]
