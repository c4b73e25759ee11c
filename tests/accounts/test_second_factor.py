"""The second factor: an authenticator app and recovery codes (issue 13)."""

import re
import time

import pyotp
import pytest
from sqlalchemy import func, select

from competence.accounts.models import RecoveryCode, Role, SecondFactor, UserSession
from competence.audit import AuditEvent
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from tests.factories import (
    PASSWORD,
    enable_second_factor,
    login,
    login_with_code,
    make_user,
    next_code,
    post_form,
)

REQUIRED = ("admin", "methodist", "coordinator")


@pytest.fixture
def app(app_factory):
    """The portal as configured in production: the named roles must use a second factor."""
    return app_factory(JOBS_BACKEND="sync", SECOND_FACTOR_ROLES=REQUIRED)


def actions(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def signed_in(client) -> bool:
    response = client.get("/cabinet/")
    return response.status_code == 200


def setup_secret(client) -> str:
    """Open the set-up page and read the key it shows for typing by hand."""
    page = client.get("/profile/second-factor").get_data(as_text=True)
    assert "<svg" in page  # the QR code is drawn in the page, no request leaves it
    start = page.index('id="totp-secret">') + len('id="totp-secret">')
    return page[start : page.index("</code>", start)].replace(" ", "")


def test_a_teacher_connects_an_app_and_then_needs_a_code_to_sign_in(app, client):
    user = make_user()
    login(client)
    secret = setup_secret(client)
    wrong = post_form(client, "/profile/second-factor", {"code": "000000"})
    assert wrong.status_code == 422 and "не подходит" in wrong.get_data(as_text=True)
    assert db.session.get(SecondFactor, user.id) is None
    answer = post_form(client, "/profile/second-factor", {"code": pyotp.TOTP(secret).now()})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Коды восстановления" in page
    shown = [line.split("<li>")[1] for line in page.split("</li>") if "<li>" in line]
    # Codes only: another <li> (the sign-out form) holds a CSRF token that may contain dashes.
    shown = [code for code in shown if re.fullmatch(r"[a-z0-9]{4}(-[a-z0-9]{4}){3}", code)]
    assert len(shown) == 10 and len(set(shown)) == 10
    # Stored hashed: no code appears in the table.
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(shown) & set(stored)
    assert actions("second_factor_enabled") == 1 and actions("recovery_codes_generated") == 1
    assert db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "second_factor_changed")
    )
    client.post("/logout", data={"csrf_token": ""})
    fresh = app.test_client()
    answer = login(fresh)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login/code")
    assert not signed_in(fresh)  # the password alone opens nothing
    assert post_form(fresh, "/login/code", {"code": "123456"}).status_code == 422
    assert actions("second_factor_failed") == 1
    answer = post_form(fresh, "/login/code", {"code": next_code(secret)})
    assert answer.status_code == 302 and signed_in(fresh)


def test_a_code_is_accepted_once(app):
    user = make_user()
    secret, _codes = enable_second_factor(user)
    code = next_code(secret)
    first, second = app.test_client(), app.test_client()
    login(first)
    login(second)
    assert post_form(first, "/login/code", {"code": code}).status_code == 302
    assert post_form(second, "/login/code", {"code": code}).status_code == 422
    assert signed_in(first) and not signed_in(second)


def test_a_recovery_code_works_once_and_says_how_many_are_left(app):
    user = make_user()
    _secret, codes = enable_second_factor(user)
    client = app.test_client()
    login(client)
    answer = post_form(client, "/login/code", {"code": codes[0].upper()}, follow_redirects=True)
    assert "осталось 9" in answer.get_data(as_text=True)
    assert actions("recovery_code_used") == 1
    other = app.test_client()
    login(other)
    assert post_form(other, "/login/code", {"code": codes[0]}).status_code == 422
    assert not signed_in(other)


def test_five_wrong_codes_end_the_pending_sign_in(app, client):
    user = make_user()
    secret, _codes = enable_second_factor(user)
    login(client)
    for _ in range(4):
        assert post_form(client, "/login/code", {"code": "111111"}).status_code == 422
    answer = post_form(client, "/login/code", {"code": "111111"})
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    # Even the right code needs the password again now.
    answer = client.get("/login/code")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    assert actions("second_factor_failed") == 5
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    assert signed_in(client) is False and secret


def test_the_code_must_follow_the_password_within_five_minutes(app, client, monkeypatch):
    user = make_user()
    secret, _codes = enable_second_factor(user)
    login(client)
    later = time.time() + 301
    monkeypatch.setattr("competence.accounts.second_factor.clock", lambda: later)
    answer = client.get("/login/code")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.METHODIST, Role.COORDINATOR])
def test_the_named_roles_must_connect_an_app_before_anything_else(app, client, role):
    make_user(email="staff@example.org", role=role, position="other")
    login(client, "staff@example.org")
    answer = client.get("/cabinet/")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/profile/second-factor")
    # A change through a form is refused too, not only pages.
    refused = post_form(client, "/profile", {"full_name": "X"}, page="/profile/second-factor")
    assert refused.status_code == 403
    secret = setup_secret(client)
    post_form(client, "/profile/second-factor", {"code": pyotp.TOTP(secret).now()})
    assert client.get("/cabinet/").status_code in (200, 302)
    assert not client.get("/cabinet/").headers.get("Location", "").startswith("/profile/second")


def test_a_teacher_is_not_forced_and_may_turn_it_off(app, client):
    user = make_user()
    assert client.get("/cabinet/").status_code == 302  # anonymous: to the sign-in
    login(client)
    assert client.get("/cabinet/").status_code == 200
    secret, _codes = enable_second_factor(user)
    # The session opened on the password alone ends once the user has a second factor.
    answer = client.get("/cabinet/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    login_with_code(client, secret, user.email)
    page = "/profile/second-factor"
    refused = post_form(client, "/profile/second-factor/off", {"code": "000000"}, page=page)
    assert refused.status_code == 302 and db.session.get(SecondFactor, user.id) is not None
    later = pyotp.TOTP(secret).at(time.time() + 30)
    post_form(client, "/profile/second-factor/off", {"code": later}, page=page)
    db.session.expire_all()
    assert db.session.get(SecondFactor, user.id) is not None  # that code was spent at sign-in
    # A recovery code cannot turn it off: only the app's code changes the factor itself.
    post_form(client, "/profile/second-factor/off", {"code": _codes[0]}, page=page)
    db.session.expire_all()
    assert db.session.get(SecondFactor, user.id) is not None


def test_the_owner_turns_it_off_with_a_fresh_code(app, client, monkeypatch):
    user = make_user()
    secret, _codes = enable_second_factor(user)
    login_with_code(client, secret, user.email)
    later = time.time() + 60
    monkeypatch.setattr("competence.accounts.second_factor.clock", lambda: later)
    page = "/profile/second-factor"
    post_form(
        client, "/profile/second-factor/off", {"code": pyotp.TOTP(secret).at(later)}, page=page
    )
    db.session.expire_all()
    assert db.session.get(SecondFactor, user.id) is None
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 0
    assert actions("second_factor_disabled") == 1


def test_sessions_opened_before_the_app_was_connected_end_with_it(app):
    """A thief who signed in with the password before the owner connected an app keeps
    nothing once the owner does (attacker review)."""
    methodist = make_user(email="m@example.org", role=Role.METHODIST, position="other")
    thief, owner = app.test_client(), app.test_client()
    login(thief, "m@example.org")
    login(owner, "m@example.org")
    secret = setup_secret(owner)
    post_form(owner, "/profile/second-factor", {"code": pyotp.TOTP(secret).now()})
    assert signed_in(owner)
    answer = thief.get("/cabinet/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    assert not signed_in(thief)
    assert db.session.get(SecondFactor, methodist.id) is not None


def test_a_key_shown_to_one_user_is_not_offered_to_the_next_in_the_same_browser(app, client):
    make_user(email="a@example.org")
    make_user(email="b@example.org", role=Role.METHODIST, position="other")
    login(client, "a@example.org")
    first = setup_secret(client)
    post_form(client, "/logout", {}, page="/profile")
    login(client, "b@example.org")
    assert setup_secret(client) != first


def test_an_administrator_cannot_turn_it_off(app, client):
    admin = make_user(email="admin@example.org", role=Role.ADMIN, position="other")
    secret, _codes = enable_second_factor(admin)
    login_with_code(client, secret, "admin@example.org")
    answer = post_form(
        client,
        "/profile/second-factor/off",
        {"code": next_code(secret)},
        page="/profile/second-factor",
        follow_redirects=True,
    )
    assert "обязателен" in answer.get_data(as_text=True)
    assert db.session.get(SecondFactor, admin.id) is not None


def test_new_recovery_codes_replace_the_old_ones(app, client, monkeypatch):
    user = make_user()
    secret, old = enable_second_factor(user)
    login_with_code(client, secret, user.email)
    later = time.time() + 60
    monkeypatch.setattr("competence.accounts.second_factor.clock", lambda: later)
    page = post_form(
        client,
        "/profile/second-factor/recovery-codes",
        {"code": pyotp.TOTP(secret).at(later)},
        page="/profile/second-factor",
    ).get_data(as_text=True)
    assert all(code not in page for code in old)
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 10
    other = app.test_client()
    login(other)
    answer = post_form(other, "/login/code", {"code": old[1]})
    assert answer.status_code == 422, answer.headers.get("Location")


def test_another_administrator_resets_a_lost_device(app):
    first = make_user(email="admin1@example.org", role=Role.ADMIN, position="other")
    second = make_user(email="admin2@example.org", role=Role.ADMIN, position="other")
    methodist = make_user(email="m@example.org", role=Role.METHODIST, position="other")
    secret1, _ = enable_second_factor(first)
    enable_second_factor(second)
    secret_m, _ = enable_second_factor(methodist)
    victim = app.test_client()
    login_with_code(victim, secret_m, "m@example.org")
    assert signed_in(victim)
    admin = app.test_client()
    login_with_code(admin, secret1, "admin1@example.org")
    # Nobody resets their own: a thief with the password and a recovery code could otherwise.
    own = post_form(
        admin, f"/admin/users/{first.id}/second-factor/reset", {}, page=f"/admin/users/{first.id}"
    )
    assert own.status_code == 302 and db.session.get(SecondFactor, first.id) is not None
    answer = post_form(
        admin,
        f"/admin/users/{methodist.id}/second-factor/reset",
        {},
        page=f"/admin/users/{methodist.id}",
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(SecondFactor, methodist.id) is None
    assert not signed_in(victim)  # the lost phone's sessions are over
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "second_factor_disabled")
    )
    assert event.actor_id == first.id and event.object_id == str(methodist.id)
    assert event.details["by"] == "admin"
    # At the next sign-in the methodist connects a new app before anything else.
    again = app.test_client()
    login(again, "m@example.org")
    assert again.get("/cabinet/").headers["Location"].startswith("/profile/second-factor")


def test_a_teacher_cannot_reach_the_reset(app, client):
    make_user()
    methodist = make_user(email="m@example.org", role=Role.METHODIST, position="other")
    enable_second_factor(methodist)
    login(client)
    answer = post_form(
        client, f"/admin/users/{methodist.id}/second-factor/reset", {}, page="/profile"
    )
    assert answer.status_code in (403, 404)
    assert db.session.get(SecondFactor, methodist.id) is not None


def test_the_password_after_a_block_does_not_finish_a_pending_sign_in(app, client):
    user = make_user()
    secret, _ = enable_second_factor(user)
    login(client)
    user.session_version += 1  # a password change or a block in between
    db.session.commit()
    answer = post_form(client, "/login/code", {"code": next_code(secret)}, page="/login")
    assert answer.status_code in (302, 400) and not signed_in(client)
    assert PASSWORD


def test_a_session_that_did_not_pass_the_code_is_ended_whatever_made_it(app, client):
    user = make_user()
    login(client)
    # However a factor came to exist beside this session, the session never passed it.
    db.session.add(SecondFactor(user_id=user.id, secret=pyotp.random_base32(32), last_step=0))
    db.session.commit()
    answer = client.get("/cabinet/")
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.revoked_at)) is not None
    assert not signed_in(client)


def test_the_sign_in_is_logged_once_the_code_is_right(app, client):
    user = make_user()
    secret, _codes = enable_second_factor(user)
    login(client)
    post_form(client, "/login/code", {"code": "000000"})
    assert actions("login_succeeded") == 0
    db.session.refresh(user)
    assert user.last_login_at is None
    post_form(client, "/login/code", {"code": next_code(secret)})
    assert actions("login_succeeded") == 1
