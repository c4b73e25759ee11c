"""Password reset by e-mail: one answer for every address, single-use expiring links."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from competence.accounts.models import AccountToken
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.outbox.services import deliver_due
from tests.factories import PASSWORD, login, make_user, post_form
from tests.smtp import link_in, text_body

NEW_PASSWORD = "a completely new pass phrase"


def ask_for_reset(client, email):
    return post_form(client, "/password/forgot", {"email": email})


def choose_password(client, link, password=NEW_PASSWORD):
    return post_form(client, link, {"password": password, "password_confirm": password})


def test_reset_by_the_link_from_the_letter(mail_client, smtp):
    make_user()
    response = ask_for_reset(mail_client, "Teacher@Example.org")
    assert response.status_code == 200
    deliver_due()
    [letter] = smtp.wait_for(1)
    assert letter["Subject"] == "Восстановление пароля"
    assert "30 минут" in text_body(letter)
    link = link_in(letter)
    assert link.startswith("/password/reset/")

    assert mail_client.get(link).status_code == 200
    done = choose_password(mail_client, link)
    assert done.status_code == 302
    assert login(mail_client, password=PASSWORD).status_code == 401
    assert login(mail_client, password=NEW_PASSWORD).status_code == 302

    # The owner is told by e-mail that the password changed.
    deliver_due()
    notice = smtp.wait_for(2)[1]
    assert notice["Subject"] == "Ваш пароль изменён"

    # The link works once.
    again = mail_client.get(link)
    assert again.status_code == 410
    assert "уже была использована" in again.get_data(as_text=True)


def test_unknown_address_gets_the_same_answer_and_no_letter(client):
    make_user()
    known = ask_for_reset(client, "teacher@example.org")
    unknown = ask_for_reset(client, "stranger@example.org")
    assert known.status_code == unknown.status_code == 200

    def page(response):
        # CSRF tokens carry a timestamp; apart from them and the address the pages are the same.
        html = re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))
        return html.replace("stranger", "teacher")

    assert page(unknown) == page(known)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_expired_link_is_refused(mail_client, smtp):
    make_user()
    ask_for_reset(mail_client, "teacher@example.org")
    deliver_due()
    link = link_in(smtp.wait_for(1)[0])
    token = db.session.scalar(select(AccountToken))
    token.expires_at = token.created_at - timedelta(seconds=1)
    db.session.commit()
    response = mail_client.get(link)
    assert response.status_code == 410
    assert "Срок действия ссылки истёк" in response.get_data(as_text=True)
    token_for_form = post_form(
        mail_client,
        link,
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        page="/password/forgot",
    )
    assert token_for_form.status_code == 410
    assert login(mail_client).status_code == 302


def test_forged_link_is_refused(client):
    make_user()
    response = client.get("/password/reset/eyJhbGciOi.forged")
    assert response.status_code == 400


def test_a_new_request_makes_the_older_link_useless(mail_client, smtp):
    make_user()
    ask_for_reset(mail_client, "teacher@example.org")
    ask_for_reset(mail_client, "teacher@example.org")
    deliver_due()
    older, newer = smtp.wait_for(2)
    assert mail_client.get(link_in(older)).status_code == 410
    assert mail_client.get(link_in(newer)).status_code == 200


def test_a_weak_new_password_keeps_the_link_usable(mail_client, smtp):
    make_user()
    ask_for_reset(mail_client, "teacher@example.org")
    deliver_due()
    link = link_in(smtp.wait_for(1)[0])
    weak = choose_password(mail_client, link, "password1234")
    assert weak.status_code == 422
    assert "слишком распространён" in weak.get_data(as_text=True)
    assert choose_password(mail_client, link).status_code == 302


def test_reset_form_field_errors_are_a_422(mail_client, smtp):
    make_user()
    ask_for_reset(mail_client, "teacher@example.org")
    deliver_due()
    link = link_in(smtp.wait_for(1)[0])
    mismatch = post_form(
        mail_client, link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD + "!"}
    )
    assert mismatch.status_code == 422
    assert "Пароли не совпадают" in mismatch.get_data(as_text=True)
    empty = post_form(mail_client, link, {"password": "", "password_confirm": ""})
    assert empty.status_code == 422
    assert "Заполните это поле" in empty.get_data(as_text=True)
    # Nothing changed and the link still works.
    assert login(mail_client).status_code == 302
    post_form(mail_client, "/logout", {}, page="/cabinet/")
    assert choose_password(mail_client, link).status_code == 302
