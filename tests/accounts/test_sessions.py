"""Sessions live on the server: sign-out, password changes, blocks and age end them (13, 4)."""

# The models and services are imported inside the tests, so that on the code before server-side
# sessions the tests fail on their assertions rather than on an import.

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from competence.accounts.models import Role
from competence.database import utcnow
from competence.extensions import db
from tests.factories import PASSWORD, login, make_user, post_form

NEW_PASSWORD = "a brand new pass phrase"


def copy_cookies(source, target) -> None:
    """Give `target` every cookie `source` holds, as a thief who copied them would."""
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


@pytest.fixture
def clock(monkeypatch):
    """Move the sessions' clock forward by a given time."""

    def advance(delta: timedelta) -> None:
        moment = utcnow() + delta
        monkeypatch.setattr("competence.accounts.sessions.utcnow", lambda: moment)

    return advance


def test_a_copied_cookie_no_longer_works_after_sign_out(app):
    make_user()
    owner, thief = app.test_client(), app.test_client()
    login(owner)
    copy_cookies(owner, thief)
    assert thief.get("/cabinet/").status_code == 200
    assert post_form(owner, "/logout", {}, page="/cabinet/").status_code == 302
    assert thief.get("/cabinet/").status_code == 302
    assert owner.get("/cabinet/").status_code == 302


def test_a_copied_remember_me_cookie_no_longer_works_after_sign_out(app):
    make_user()
    owner, thief = app.test_client(), app.test_client()
    post_form(
        owner, "/login", {"email": "teacher@example.org", "password": PASSWORD, "remember": "y"}
    )
    remember = owner.get_cookie("remember_token")
    assert remember is not None
    post_form(owner, "/logout", {}, page="/cabinet/")
    thief.set_cookie("remember_token", remember.value)
    assert thief.get("/cabinet/").status_code == 302


def test_the_session_token_is_stored_hashed(client):
    from competence.accounts.models import UserSession

    make_user()
    login(client)
    row = db.session.scalar(select(UserSession))
    assert row.revoked_at is None
    assert len(row.token_hash) == 64
    assert row.ip_address == "127.0.0.1"
    # The browser's cookie does not contain what the database holds.
    with client.session_transaction() as state:
        token = state["_user_id"]
    assert token != row.token_hash and len(token) >= 43


def change_password(client, end_others: bool):
    data = {
        "current_password": PASSWORD,
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    if end_others:
        data["end_other_sessions"] = "y"
    return post_form(client, "/password/change", data)


def test_changing_the_password_can_end_the_other_sessions(app):
    make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop)
    login(phone)
    page = laptop.get("/password/change").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*name="end_other_sessions"', page) or re.search(
        r'<input[^>]*name="end_other_sessions"[^>]*checked', page
    )
    assert change_password(laptop, end_others=True).status_code == 302
    assert laptop.get("/cabinet/").status_code == 200
    assert phone.get("/cabinet/").status_code == 302


def test_changing_the_password_may_keep_the_other_sessions(app):
    make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop)
    login(phone)
    assert change_password(laptop, end_others=False).status_code == 302
    assert laptop.get("/cabinet/").status_code == 200
    assert phone.get("/cabinet/").status_code == 200


def test_blocking_an_account_ends_all_its_sessions(app):
    from competence.accounts.models import UserSession

    teacher_user = make_user()
    make_user("admin@example.org", role=Role.ADMIN, position="other")
    teacher, administrator = app.test_client(), app.test_client()
    login(teacher)
    login(administrator, "admin@example.org")
    response = post_form(
        administrator,
        f"/admin/users/{teacher_user.id}",
        {"role": "teacher", "municipality": "", "school": "", "email_confirmed": "y"},
    )
    assert response.status_code == 302
    assert teacher.get("/cabinet/").status_code == 302
    live = db.session.scalar(
        select(func.count(UserSession.id)).where(
            UserSession.user_id == teacher_user.id, UserSession.revoked_at.is_(None)
        )
    )
    assert live == 0


def test_a_session_ends_after_the_idle_timeout(app_factory, clock):
    app = app_factory(JOBS_BACKEND="sync", SESSION_IDLE_MINUTES=30)
    make_user()
    client = app.test_client()
    login(client)
    clock(timedelta(minutes=29))
    assert client.get("/cabinet/").status_code == 200  # activity moves the timeout on
    clock(timedelta(minutes=58))
    assert client.get("/cabinet/").status_code == 200
    clock(timedelta(minutes=58 + 31))
    assert client.get("/cabinet/").status_code == 302


def test_a_session_ends_after_its_absolute_lifetime_however_active(app_factory, clock):
    app = app_factory(JOBS_BACKEND="sync", SESSION_IDLE_MINUTES=30, SESSION_MAX_HOURS=12)
    make_user()
    client = app.test_client()
    login(client)
    for minutes in range(20, 12 * 60, 20):
        clock(timedelta(minutes=minutes))
        assert client.get("/cabinet/").status_code == 200, minutes
    clock(timedelta(hours=12, minutes=1))
    assert client.get("/cabinet/").status_code == 302


def test_last_use_is_written_at_most_once_a_minute(client, clock):
    from competence.accounts.models import UserSession

    make_user()
    login(client)
    first = db.session.scalar(select(UserSession.last_seen_at))
    for _ in range(5):
        client.get("/cabinet/")
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen_at)) == first
    clock(timedelta(seconds=61))
    client.get("/cabinet/")
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen_at)) > first


def test_the_profile_lists_sessions_and_ends_one_or_all_others(app):
    from competence.accounts.models import UserSession

    make_user()
    here, phone, tablet = app.test_client(), app.test_client(), app.test_client()
    login(here)
    phone.environ_base["HTTP_USER_AGENT"] = (
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"
    )
    login(phone)
    login(tablet)
    page = here.get("/profile").get_data(as_text=True)
    assert "Где выполнен вход" in page
    assert "Chrome, Android" in page
    assert page.count("это устройство") == 1
    ends = re.findall(r'action="/profile/sessions/(\d+)/end"', page)
    assert len(ends) == 2  # not for the current session
    phone_id = db.session.scalar(select(UserSession.id).order_by(UserSession.id).offset(1))
    assert str(phone_id) in ends

    ended = post_form(here, f"/profile/sessions/{phone_id}/end", {}, page="/profile")
    assert ended.status_code == 302
    assert phone.get("/cabinet/").status_code == 302
    assert tablet.get("/cabinet/").status_code == 200

    ended = post_form(here, "/profile/sessions/end-others", {}, page="/profile")
    assert ended.status_code == 302
    assert tablet.get("/cabinet/").status_code == 302
    assert here.get("/cabinet/").status_code == 200


def test_nobody_ends_another_users_session(app):
    from competence.accounts.models import UserSession

    make_user()
    make_user("other@example.org")
    teacher, other = app.test_client(), app.test_client()
    login(teacher)
    login(other, "other@example.org")
    victim = db.session.scalar(select(UserSession.id).order_by(UserSession.id))
    response = post_form(other, f"/profile/sessions/{victim}/end", {}, page="/profile")
    assert response.status_code == 404
    assert teacher.get("/cabinet/").status_code == 200


def test_expired_and_ended_sessions_are_purged(app, clock):
    from competence.accounts import sessions
    from competence.accounts.models import UserSession

    make_user()
    client = app.test_client()
    login(client)
    post_form(client, "/logout", {}, page="/cabinet/")
    login(client)
    assert db.session.scalar(select(func.count(UserSession.id))) == 2
    assert sessions.purge_expired() == 0
    clock(timedelta(days=2))
    assert sessions.purge_expired() == 2
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_purge_command(runner):
    result = runner.invoke(args=["accounts", "purge-sessions"])
    assert result.exit_code == 0
    assert "0" in result.output
