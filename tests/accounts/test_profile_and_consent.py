"""Editing the profile, changing the e-mail, and accepting a new consent version."""

import re

from sqlalchemy import func, select

from competence.accounts import consent
from competence.accounts.models import ConsentRecord, User
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.outbox.services import deliver_due
from competence.staff.models import SchoolMoveRequest
from tests.factories import login, make_school, make_user, post_form
from tests.smtp import link_in


def profile_form(school, **overrides):
    data = {
        "full_name": "Тестова Анна Ивановна",
        "email": "teacher@example.org",
        "position": "deputy_director",
        "subjects": ["russian", "literature"],
        "municipality": str(school.municipality_id),
        "school": str(school.id),
    }
    data.update(overrides)
    return data


def test_profile_changes_are_saved(client):
    user = make_user()
    other = make_school(code="t-009", name="МБОУ СОШ № 9", municipality="Ванинский район")
    login(client)
    response = post_form(client, "/profile", profile_form(other, full_name="Тестова-Ли Анна"))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.full_name == "Тестова-Ли Анна"
    assert user.position == "deputy_director"
    assert user.subjects == ["literature", "russian"]
    # Another school is a request to its director (tests/staff/test_school_moves.py): until it
    # is approved the teacher stays where they were, and the rest of the profile is saved.
    assert user.school_id != other.id
    move = db.session.scalars(select(SchoolMoveRequest)).one()
    assert (move.user_id, move.to_school_id, move.status) == (user.id, other.id, "pending")


def test_a_new_email_takes_effect_only_after_confirmation(mail_client, smtp):
    user = make_user()
    login(mail_client)
    response = post_form(
        mail_client, "/profile", profile_form(user.school, email="new.address@example.org")
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "teacher@example.org"

    deliver_due()
    [letter] = smtp.wait_for(1)
    assert letter["To"] == "new.address@example.org"
    assert mail_client.get(link_in(letter)).status_code == 302
    db.session.refresh(user)
    assert user.email == "new.address@example.org"


def test_an_email_of_another_account_answers_as_a_free_one_and_tells_its_owner(client):
    """The profile must not tell which addresses have accounts (issue 13, defect 8)."""
    user = make_user()
    make_user(email="colleague@example.org", full_name="Коллегова Ольга")
    login(client)
    answers = []
    for address in ("colleague@example.org", "nobody.here@example.org"):
        response = post_form(client, "/profile", profile_form(user.school, email=address))
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        flashed = re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)<', page, re.S)
        answers.append((response.status_code, [m.replace(address, "ADDRESS") for m in flashed]))
    assert answers[0] == answers[1] and "ADDRESS" in str(answers[0])
    db.session.refresh(user)
    assert user.email == "teacher@example.org"
    letters = db.session.execute(select(OutboxMessage.recipient, OutboxMessage.kind)).all()
    # The owner hears of the attempt; no link that could take the address is sent anywhere.
    assert ("colleague@example.org", "address_claimed") in letters
    assert ("colleague@example.org", "confirm_email") not in letters
    assert ("nobody.here@example.org", "confirm_email") in letters


def test_a_new_consent_version_must_be_accepted_before_going_on(client):
    user = make_user()
    login(client)
    consent.publish("2.0", "Согласие на обработку персональных данных", "Новая редакция.")
    db.session.commit()

    blocked = client.get("/cabinet/")
    assert blocked.status_code == 302
    assert blocked.headers["Location"].startswith("/consent/accept")
    page = client.get(blocked.headers["Location"]).get_data(as_text=True)
    assert "версия 2.0" in page and "Новая редакция." in page

    refused = post_form(client, "/consent/accept", {}, page="/consent/accept")
    assert refused.status_code == 422

    accepted = post_form(client, "/consent/accept?next=/cabinet/", {"consent": "y"})
    assert accepted.headers["Location"] == "/cabinet/"
    assert client.get("/cabinet/").status_code == 200
    versions = db.session.scalars(
        select(ConsentRecord).where(ConsentRecord.user_id == user.id)
    ).all()
    assert sorted(record.document.version for record in versions) == ["1.0", "2.0"]


def test_the_consent_document_is_public(client):
    page = client.get("/consent")
    assert page.status_code == 200
    assert "152-ФЗ" in page.get_data(as_text=True)


def test_profile_needs_sign_in(client):
    assert client.get("/profile").status_code == 302
    assert db.session.scalar(select(func.count(User.id))) == 0
