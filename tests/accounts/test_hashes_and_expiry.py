"""Stored password hashes (argon2id and its parameters, rehashing) and links that expire in time."""

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from argon2.low_level import Type
from sqlalchemy import select

from competence.accounts.models import User
from competence.database import utcnow
from competence.extensions import db
from competence.outbox.services import deliver_due
from tests.accounts.test_registration import registration
from tests.factories import PASSWORD, login, make_school, make_user, post_form
from tests.smtp import link_in


def parameters(password_hash: str) -> tuple:
    """Return (type, memory KiB, iterations, lanes) of an argon2 hash."""
    from argon2 import extract_parameters

    found = extract_parameters(password_hash)
    return found.type, found.memory_cost, found.time_cost, found.parallelism


def test_a_registered_password_is_stored_as_argon2id_19_mib_2_passes_1_lane(client):
    school = make_school()
    assert post_form(client, "/register", registration(school)).status_code == 302
    stored = db.session.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert parameters(stored) == (Type.ID, 19456, 2, 1)
    assert "a long pass phrase here" not in stored


def test_an_older_hash_is_replaced_at_sign_in(client):
    weaker = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    user = make_user()
    user.password_hash = weaker
    db.session.commit()
    assert login(client).status_code == 302
    db.session.refresh(user)
    assert user.password_hash != weaker
    assert parameters(user.password_hash) == (Type.ID, 19456, 2, 1)
    # The new hash still opens the account.
    post_form(client, "/logout", {}, page="/cabinet/")
    assert login(client).status_code == 302


def test_a_current_hash_is_kept_at_sign_in(client):
    user = make_user()
    stored = user.password_hash
    assert login(client).status_code == 302
    db.session.refresh(user)
    assert user.password_hash == stored


@pytest.fixture
def clock(monkeypatch):
    """Move the tokens' clock forward by a given time."""

    def advance(delta: timedelta) -> None:
        moment = utcnow() + delta
        monkeypatch.setattr("competence.accounts.tokens.utcnow", lambda: moment)

    return advance


def test_a_reset_link_expires_after_30_minutes(mail_client, smtp, clock):
    make_user()
    post_form(mail_client, "/password/forgot", {"email": "teacher@example.org"})
    deliver_due()
    link = link_in(smtp.wait_for(1)[0])
    clock(timedelta(minutes=29))
    assert mail_client.get(link).status_code == 200
    clock(timedelta(minutes=30, seconds=5))
    expired = mail_client.get(link)
    assert expired.status_code == 410
    assert "Срок действия ссылки истёк" in expired.get_data(as_text=True)


def test_a_confirmation_link_expires_after_3_days(mail_client, smtp, clock):
    school = make_school()
    post_form(mail_client, "/register", registration(school))
    deliver_due()
    link = link_in(smtp.wait_for(1)[0])
    clock(timedelta(days=3, seconds=5))
    expired = mail_client.get(link)
    assert expired.status_code == 410
    page = expired.get_data(as_text=True)
    assert "Срок действия ссылки истёк" in page
    assert 'action="/confirm/resend"' in page  # a new link can be asked for on the spot
    user = db.session.scalar(select(User))
    assert user.email_confirmed_at is None
