"""Registration, e-mail confirmation and the consent record."""

import pytest
from sqlalchemy import func, select

from competence.accounts.models import ConsentRecord, Role, User
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.outbox.services import deliver_due
from tests.factories import PASSWORD, make_school, post_form
from tests.smtp import html_body, link_in, text_body


def registration(chosen_school, **overrides):
    """Return a complete, valid registration form."""
    data = {
        "full_name": "Петрова Светлана Олеговна",
        "email": "Petrova@School.example",
        "password": "a long pass phrase here",
        "password_confirm": "a long pass phrase here",
        "position": "teacher",
        "subjects": ["mathematics", "physics"],
        "municipality": str(chosen_school.municipality_id),
        "school": str(chosen_school.id),
        "consent": "y",
    }
    data.update(overrides)
    return data


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_registration_creates_teacher_with_consent_and_confirmation_letter(mail_client, smtp):
    school = make_school()
    response = post_form(
        mail_client, "/register", registration(school), headers={"User-Agent": "TestBrowser/1.0"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/register/done"

    user = db.session.scalar(select(User).where(User.email == "petrova@school.example"))
    assert user.role == Role.TEACHER
    assert user.full_name == "Петрова Светлана Олеговна"
    assert user.school_id == school.id and user.municipality_id == school.municipality_id
    assert sorted(user.subjects) == ["mathematics", "physics"]
    assert user.email_confirmed_at is None

    record = db.session.scalar(select(ConsentRecord).where(ConsentRecord.user_id == user.id))
    assert record.document.version == "1.0"
    assert record.ip_address == "127.0.0.1"
    assert record.user_agent == "TestBrowser/1.0"
    assert record.accepted_at is not None

    # The letter is in the outbox, written in the same transaction as the account.
    letter = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "confirm_email"))
    assert letter.recipient == "petrova@school.example"
    assert deliver_due().sent == 1

    [message] = smtp.wait_for(1)
    assert message["To"] == "petrova@school.example"
    assert message["Subject"] == "Подтвердите адрес электронной почты"
    assert "Петрова Светлана Олеговна" in text_body(message)
    assert "Подтвердить адрес" in html_body(message)

    # Following the link confirms the address; then the teacher can sign in.
    link = link_in(message)
    assert link.startswith("/confirm/")
    confirmed = mail_client.get(link)
    assert confirmed.status_code == 302
    db.session.refresh(user)
    assert user.email_confirmed_at is not None

    signed_in = post_form(
        mail_client,
        "/login",
        {"email": "PETROVA@school.example", "password": "a long pass phrase here"},
    )
    assert signed_in.status_code == 302
    cabinet = mail_client.get("/cabinet/")
    assert cabinet.status_code == 200
    assert "Здравствуйте, Петрова Светлана Олеговна" in cabinet.get_data(as_text=True)

    # The link works once.
    assert mail_client.get(link).status_code == 410


def test_unconfirmed_account_cannot_sign_in_and_can_ask_for_a_new_link(mail_client, smtp):
    school = make_school()
    post_form(mail_client, "/register", registration(school))
    refused = post_form(
        mail_client,
        "/login",
        {"email": "petrova@school.example", "password": "a long pass phrase here"},
    )
    assert refused.status_code == 403
    assert "Сначала подтвердите адрес" in refused.get_data(as_text=True)

    resent = post_form(mail_client, "/confirm/resend", {"email": "petrova@school.example"})
    assert resent.status_code == 200
    deliver_due()
    first, second = smtp.wait_for(2)
    assert link_in(first) != link_in(second)
    assert mail_client.get(link_in(second)).status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "short pass", "password_confirm": "short pass"}, "не менее 12 символов"),
        (
            {"password": "qwertyuiopasdf", "password_confirm": "qwertyuiopasdf"},
            "слишком распространён",
        ),
        ({"password": "x" * 129, "password_confirm": "x" * 129}, "более 128 символов"),
        ({"password_confirm": "another pass phrase"}, "Пароли не совпадают"),
        ({"consent": ""}, "Без согласия мы не можем создать учётную запись"),
        ({"email": "not-an-address"}, "Введите корректный адрес"),
        ({"full_name": ""}, "Заполните это поле"),
        ({"school": ""}, "Заполните это поле"),
    ],
)
def test_invalid_registration_is_refused_and_keeps_what_was_typed(client, overrides, message):
    school = make_school()
    response = post_form(client, "/register", registration(school, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert user_count() == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    if overrides.get("full_name") != "":
        assert 'value="Петрова Светлана Олеговна"' in page


def test_school_of_another_municipality_is_refused(client):
    school = make_school()
    other = make_school(code="t-002", name="МБОУ ООШ с. Другое", municipality="Другой район")
    data = registration(school, school=str(other.id))
    response = post_form(client, "/register", data)
    assert response.status_code == 422
    assert "Выберите школу выбранного муниципалитета" in response.get_data(as_text=True)
    assert user_count() == 0


def test_post_without_csrf_token_is_refused(client):
    school = make_school()
    response = client.post("/register", data=registration(school))
    assert response.status_code == 400
    assert "Форма устарела" in response.get_data(as_text=True)
    assert user_count() == 0


def test_forged_confirmation_link_is_refused(client):
    response = client.get("/confirm/not-a-real-token")
    assert response.status_code == 400
    assert "Ссылка повреждена" in response.get_data(as_text=True)


def test_registration_page_lists_municipalities_and_schools(client):
    make_school(code="t-001", name="МБОУ СОШ № 1", municipality="Первый район")
    make_school(code="t-002", name="МБОУ ООШ № 2", municipality="Второй район", group="basic")
    page = client.get("/register").get_data(as_text=True)
    assert '<optgroup label="Первый район">' in page
    assert "МБОУ ООШ № 2" in page
    assert "Согласие на обработку персональных данных" in page
    assert PASSWORD not in page
