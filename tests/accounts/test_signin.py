"""Signing in and out, sessions, and the safety of redirects."""

import pytest
from sqlalchemy import select

from competence.accounts.models import User
from competence.extensions import db
from tests.factories import PASSWORD, login, make_user, post_form


def test_sign_in_and_out(client):
    make_user()
    response = login(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/cabinet/"
    user = db.session.scalar(select(User))
    assert user.last_login_at is not None
    assert client.get("/cabinet/").status_code == 200

    assert post_form(client, "/logout", {}, page="/cabinet/").status_code == 302
    assert client.get("/cabinet/").status_code == 302


def test_wrong_password_is_refused_without_saying_which_part_is_wrong(client):
    make_user()
    wrong_password = login(client, password="not the right password")
    unknown_email = login(client, email="nobody@example.org")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert "Неверный адрес электронной почты или пароль" in response.get_data(as_text=True)
    assert client.get("/cabinet/").status_code == 302


def test_the_typed_address_stays_in_the_form_after_a_failed_sign_in(client):
    make_user()
    page = login(client, password="not the right password").get_data(as_text=True)
    assert 'value="teacher@example.org"' in page
    assert "not the right password" not in page


def test_blocked_account_cannot_sign_in(client):
    user = make_user()
    user.active = False
    db.session.commit()
    response = login(client)
    assert response.status_code == 401
    assert "заблокирована" in response.get_data(as_text=True)


def test_logout_needs_a_post_with_csrf(client):
    make_user()
    login(client)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/cabinet/").status_code == 200


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/profile", "/profile"),
        ("https://evil.example/", "/cabinet/"),
        ("//evil.example/", "/cabinet/"),
        ("/\\evil.example", "/cabinet/"),
    ],
)
def test_sign_in_returns_only_to_pages_of_the_portal(client, target, expected):
    make_user()
    response = post_form(
        client,
        f"/login?next={target}",
        {"email": "teacher@example.org", "password": PASSWORD},
        page="/login",
    )
    assert response.headers["Location"] == expected


def test_pages_of_the_cabinet_send_strangers_to_sign_in(client):
    response = client.get("/cabinet/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_change_password_refuses_a_wrong_current_password(client):
    make_user()
    login(client)
    response = post_form(
        client,
        "/password/change",
        {
            "current_password": "not my password at all",
            "password": "a brand new pass phrase",
            "password_confirm": "a brand new pass phrase",
        },
    )
    assert response.status_code == 422
    assert "Текущий пароль указан неверно" in response.get_data(as_text=True)
    post_form(client, "/logout", {}, page="/cabinet/")
    assert login(client, password=PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "current_password": PASSWORD,
                "password": "a brand new pass phrase",
                "password_confirm": "another new pass phrase",
            },
            "Пароли не совпадают",
        ),
        ({"current_password": "", "password": "", "password_confirm": ""}, "Заполните это поле"),
        (
            {
                "current_password": PASSWORD,
                "password": "qwertyuiop12",
                "password_confirm": "qwertyuiop12",
            },
            "слишком распространён",
        ),
    ],
)
def test_change_password_field_errors_are_a_422(client, data, message):
    user = make_user()
    login(client)
    response = post_form(client, "/password/change", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.session_version == 1
    post_form(client, "/logout", {}, page="/cabinet/")
    assert login(client, password=PASSWORD).status_code == 302
