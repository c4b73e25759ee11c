"""Brute-force protection of the account forms, and the client address behind a proxy."""

import pytest
from sqlalchemy import select

from competence.accounts.models import ConsentRecord
from competence.extensions import db
from tests.accounts.test_registration import registration
from tests.factories import csrf_token, login, make_school, make_user


@pytest.fixture
def limited(app_factory):
    """The portal with rate limits on (they are off in every other test): 3 a minute."""
    return app_factory(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="3/minute")


def wrong_sign_in(client, token, email="teacher@example.org", address="10.0.0.1"):
    return client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": "a wrong pass phrase"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_too_many_sign_ins_from_one_address_get_a_429_in_russian(limited):
    make_user()
    client = limited.test_client()
    token = csrf_token(client, "/login")
    statuses = [wrong_sign_in(client, token, f"user{n}@example.org").status_code for n in range(3)]
    assert statuses == [401, 401, 401]
    refused = wrong_sign_in(client, token, "teacher@example.org")
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Слишком много попыток" in page
    assert "Подождите минуту" in page
    assert int(refused.headers["Retry-After"]) > 0
    # The form itself still opens, and another address is not affected.
    assert client.get("/login").status_code == 200
    assert wrong_sign_in(client, token, "other@example.org", "10.0.0.2").status_code == 401


def test_too_many_sign_ins_for_one_email_get_a_429_from_any_address(limited):
    make_user()
    client = limited.test_client()
    token = csrf_token(client, "/login")
    for n in range(3):
        assert wrong_sign_in(client, token, address=f"10.0.1.{n}").status_code == 401
    assert wrong_sign_in(client, token, address="10.0.1.9").status_code == 429


@pytest.mark.parametrize("path", ["/password/forgot", "/confirm/resend"])
def test_letters_on_request_are_limited(limited, path):
    client = limited.test_client()
    token = csrf_token(client, path)
    data = {"csrf_token": token, "email": "someone@example.org"}
    assert [client.post(path, data=data).status_code for _ in range(3)] == [200] * 3
    assert client.post(path, data=data).status_code == 429


def test_registration_is_limited(limited):
    school = make_school()
    client = limited.test_client()
    token = csrf_token(client, "/register")
    for n in range(3):
        form = registration(school, email=f"user{n}@example.org", csrf_token=token)
        assert client.post("/register", data=form).status_code == 302
    form = registration(school, email="user9@example.org", csrf_token=token)
    assert client.post("/register", data=form).status_code == 429


def register_from(client, school, forwarded):
    token = csrf_token(client, "/register")
    return client.post(
        "/register",
        data=registration(school, csrf_token=token),
        headers={"X-Forwarded-For": forwarded},
        environ_base={"REMOTE_ADDR": "10.1.1.1"},
    )


def test_behind_a_trusted_proxy_the_forwarded_address_is_stored(app_factory):
    app = app_factory(PROXY_FIX_X_FOR=1)
    school = make_school()
    # The client claims 6.6.6.6 itself; only the proxy's own entry (the last one) is trusted.
    response = register_from(app.test_client(), school, "6.6.6.6, 203.0.113.7")
    assert response.status_code == 302
    assert db.session.scalar(select(ConsentRecord.ip_address)) == "203.0.113.7"


def test_without_a_proxy_setting_the_header_is_ignored(app):
    school = make_school()
    assert register_from(app.test_client(), school, "203.0.113.7").status_code == 302
    assert db.session.scalar(select(ConsentRecord.ip_address)) == "10.1.1.1"


def test_password_changes_are_limited_per_user_like_sign_in(limited):
    make_user()
    make_user("other@example.org")
    client, other = limited.test_client(), limited.test_client()
    login(client)
    login(other, "other@example.org")

    def wrong_change(who, address):
        token = csrf_token(who, "/password/change")
        return who.post(
            "/password/change",
            data={
                "csrf_token": token,
                "current_password": "not my password at all",
                "password": "a brand new pass phrase",
                "password_confirm": "a brand new pass phrase",
            },
            environ_base={"REMOTE_ADDR": address},
        ).status_code

    # From changing addresses, so only the per-user count can stop the guessing.
    assert [wrong_change(client, f"10.0.2.{n}") for n in range(3)] == [422, 422, 422]
    assert wrong_change(client, "10.0.2.9") == 429
    # Another user is not affected.
    assert wrong_change(other, "10.0.2.9") == 422


def test_codes_of_the_second_factor_are_limited_per_account_from_any_address(app_factory):
    """A thief with the password signs in again and again from many addresses: the codes he
    may try stay few, because they are counted per account (issue 13, second factor)."""
    from tests.factories import PASSWORD, enable_second_factor, post_form

    app = app_factory(
        RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="100/minute", SECOND_FACTOR_RATE_LIMIT="4/hour"
    )
    user = make_user()
    enable_second_factor(user)
    statuses = []
    for attempt in range(6):
        client = app.test_client()
        address = {"REMOTE_ADDR": f"10.0.1.{attempt}"}
        post_form(
            client,
            "/login",
            {"email": user.email, "password": PASSWORD},
            environ_base=address,
        )
        answer = post_form(client, "/login/code", {"code": "000000"}, environ_base=address)
        statuses.append(answer.status_code)
    assert statuses == [422, 422, 422, 422, 429, 429]
