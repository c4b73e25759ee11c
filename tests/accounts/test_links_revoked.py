"""A password change, a reset or a block voids every link sent before it (issue 13, 10)."""

import re

from sqlalchemy import select

from competence.accounts.models import Role
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from tests.factories import PASSWORD, login, make_user, post_form

NEW_PASSWORD = "a brand new pass phrase"


def last_link(kind: str) -> str:
    """Return the path of the link in the latest letter of this kind."""
    letter = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"http://localhost(/\S+)", letter.body_text).group(1)


def ask_for_reset(client) -> str:
    post_form(client, "/password/forgot", {"email": "teacher@example.org"})
    return last_link("reset_password")


def assert_revoked(client, link: str) -> None:
    response = client.get(link)
    assert response.status_code == 410
    assert "Ссылка больше не действует" in response.get_data(as_text=True)


def test_a_reset_link_dies_when_the_password_is_changed(app):
    make_user()
    stranger, owner = app.test_client(), app.test_client()
    link = ask_for_reset(stranger)
    login(owner)
    changed = post_form(
        owner,
        "/password/change",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert_revoked(stranger, link)
    taken_over = post_form(
        stranger, link, {"password": "attacker pass phrase", "password_confirm": "x"}, page="/login"
    )
    assert taken_over.status_code == 410
    assert login(app.test_client(), password=NEW_PASSWORD).status_code == 302


def test_a_confirmation_link_for_a_new_address_dies_with_a_reset(app):
    make_user()
    owner = app.test_client()
    login(owner)
    post_form(
        owner,
        "/profile",
        {
            "full_name": "Тестова Анна Ивановна",
            "email": "attacker@example.org",
            "position": "teacher",
            "subjects": ["mathematics"],
            "municipality": "1",
            "school": "1",
        },
    )
    confirmation = last_link("confirm_email")
    reset = ask_for_reset(app.test_client())
    done = post_form(
        app.test_client(), reset, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert_revoked(app.test_client(), confirmation)
    recipient = db.session.scalar(
        select(OutboxMessage.recipient).where(OutboxMessage.kind == "confirm_email")
    )
    assert recipient == "attacker@example.org"


def test_a_block_voids_the_links_even_after_unblocking(app):
    teacher = make_user()
    make_user("admin@example.org", role=Role.ADMIN, position="other")
    link = ask_for_reset(app.test_client())
    administrator = app.test_client()
    login(administrator, "admin@example.org")
    form = {"role": "teacher", "municipality": "", "school": "", "email_confirmed": "y"}
    page = f"/admin/users/{teacher.id}"
    assert post_form(administrator, page, form).status_code == 302
    assert post_form(administrator, page, {**form, "active": "y"}).status_code == 302
    assert_revoked(app.test_client(), link)
