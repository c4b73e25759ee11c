"""Registration and reset requests do not tell which addresses have accounts (issue 13, 8)."""

import re

import pytest
from sqlalchemy import func, select

from competence.accounts.models import User
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from tests.accounts.test_registration import registration
from tests.factories import PASSWORD, make_school, make_user, post_form

# Headers that differ between any two answers (a fresh session cookie), or with the address.
VARYING = {"Set-Cookie", "Date", "Content-Length"}


def comparable(response, address: str) -> tuple:
    """Return status, headers and body of an answer, CSRF token and typed address aside."""
    body = re.sub(r'(name="csrf_token"[^>]*value=)"[^"]+"', r"\1", response.get_data(as_text=True))
    headers = sorted(
        (name, value) for name, value in response.headers.items() if name not in VARYING
    )
    return response.status_code, headers, body.replace(address, "ADDRESS")


def letters() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_registering_a_taken_address_answers_as_a_new_one_and_warns_the_owner(app):
    school = make_school()
    owner = make_user(email="petrova@school.example")
    password_hash = owner.password_hash
    taken, fresh = app.test_client(), app.test_client()

    taken_answer = post_form(taken, "/register", registration(school))
    fresh_answer = post_form(
        fresh, "/register", registration(school, email="Ivanova@School.example")
    )
    assert comparable(taken_answer, "petrova") == comparable(fresh_answer, "ivanova")
    assert taken_answer.headers["Location"] == "/register/done"
    taken_done, fresh_done = taken.get("/register/done"), fresh.get("/register/done")
    assert comparable(taken_done, "petrova") == comparable(fresh_done, "ivanova")

    # Nothing about the owner's account changed; one new account exists.
    db.session.refresh(owner)
    assert owner.password_hash == password_hash
    assert db.session.scalar(select(func.count(User.id))) == 2
    warning, confirmation = letters()
    assert warning.recipient == "petrova@school.example"
    assert warning.subject == "Кто-то пытался зарегистрироваться с вашим адресом"
    assert "учётная запись уже есть" in warning.body_text
    assert "/password/forgot" in warning.body_text
    assert confirmation.recipient == "ivanova@school.example"
    assert confirmation.kind == "confirm_email"


def test_a_taken_address_with_a_weak_password_gets_the_same_refusal_as_a_new_one(app):
    school = make_school()
    make_user(email="petrova@school.example")
    weak = {"password": "qwertyuiop12", "password_confirm": "qwertyuiop12"}
    taken = post_form(app.test_client(), "/register", registration(school, **weak))
    fresh = post_form(
        app.test_client(), "/register", registration(school, email="Ivanova@School.example", **weak)
    )
    assert taken.status_code == fresh.status_code == 422
    assert comparable(taken, "Petrova") == comparable(fresh, "Ivanova")
    assert letters() == []


@pytest.fixture
def queued(monkeypatch):
    """Record background jobs instead of running them."""
    calls = []
    monkeypatch.setattr("competence.jobs.enqueue", lambda path, *args: calls.append((path, args)))
    return calls


def test_reset_requests_leave_the_mail_work_to_a_background_job(app, queued):
    make_user()
    known_client, unknown_client = app.test_client(), app.test_client()
    known = post_form(known_client, "/password/forgot", {"email": "teacher@example.org"})
    unknown = post_form(unknown_client, "/password/forgot", {"email": "stranger@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert comparable(known, "teacher") == comparable(unknown, "stranger")
    # The requests wrote no letter and looked nothing up: both handed the address to a job.
    assert letters() == []
    assert queued == [
        ("competence.accounts.services:send_password_reset", ("teacher@example.org",)),
        ("competence.accounts.services:send_password_reset", ("stranger@example.org",)),
    ]
    # The job writes the letter for the account, and nothing for the unknown address.
    from competence import jobs

    for path, args in queued:
        jobs._function(path)(*args)
    [letter] = letters()
    assert (letter.recipient, letter.kind) == ("teacher@example.org", "reset_password")


def test_sign_in_still_works_for_the_owner_after_a_registration_attempt(client):
    school = make_school()
    make_user(email="petrova@school.example")
    post_form(client, "/register", registration(school))
    response = post_form(
        client, "/login", {"email": "petrova@school.example", "password": PASSWORD}
    )
    assert response.status_code == 302
