"""NUL, control, zero-width and direction-changing characters are refused (issue 13, 12)."""

import pytest
from sqlalchemy import func, select
from wtforms import Form, StringField

from competence.accounts.models import User
from competence.extensions import db
from tests.accounts.test_registration import registration
from tests.factories import csrf_token, login, make_school, make_user, post_form


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Петрова\x00 Светлана", "U+0000"),
        ("Петрова\x1b[31m Светлана", "U+001B"),
        ("Петрова \u202eанатлевС", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("Петрова\u200b Светлана", "U+200B ZERO WIDTH SPACE"),
        ("Петрова\ufeff Светлана", "U+FEFF"),
        ("Петрова\nСветлана", "U+000A"),
    ],
)
def test_registration_refuses_hidden_characters_in_the_name(client, name, shown):
    school = make_school()
    token = csrf_token(client, "/register")
    response = client.post(
        "/register", data={**registration(school, full_name=name), "csrf_token": token}
    )
    page = response.get_data(as_text=True)
    if "\x00" in name:
        # The global guard answers before any form sees it.
        assert response.status_code == 400
        assert "символ NUL" in page
    else:
        assert response.status_code == 422
        assert "невидимый или управляющий символ" in page
        assert shown in page
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_the_profile_refuses_a_right_to_left_override_and_keeps_the_name(client):
    user = make_user()
    login(client)
    response = post_form(
        client,
        "/profile",
        {
            "full_name": "Тестова \u202eанна",
            "email": "teacher@example.org",
            "position": "teacher",
            "municipality": str(user.municipality_id),
            "school": str(user.school_id),
        },
    )
    assert response.status_code == 422
    db.session.refresh(user)
    assert user.full_name == "Тестова Анна Ивановна"


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"query_string": {"q": "a\x00b"}},
        {"data": {"full_name": "a\x00b"}},
        {"data": {"na\x00me": "x"}},
        {"json": {"answers": [{"text": "a\x00b"}]}},
        {"json": {"k\x00": 1}},
    ],
)
def test_any_nul_in_a_request_is_a_400_not_a_500(client, request_kwargs):
    make_user()
    login(client)
    token = csrf_token(client, "/profile")
    if "data" in request_kwargs:
        request_kwargs = {"data": {**request_kwargs["data"], "csrf_token": token}}
    method = client.get if "query_string" in request_kwargs else client.post
    response = method("/profile", headers={"X-CSRFToken": token}, **request_kwargs)
    assert response.status_code == 400
    answer = response.get_json()["error"] if response.is_json else response.get_data(as_text=True)
    assert "символ NUL" in answer


def test_a_nul_in_an_uploaded_file_name_is_a_400(client):
    import io

    make_user()
    login(client)
    token = csrf_token(client, "/profile")
    response = client.post(
        "/profile",
        data={"csrf_token": token, "file": (io.BytesIO(b"x"), "plan\x00.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_the_validator_allows_line_breaks_only_in_multiline_text():
    from competence.forms import PlainText, hidden_character

    assert hidden_character("Иванов Иван") is None
    assert hidden_character("строка\nвторая\tтаб") == "\n"
    assert hidden_character("строка\r\nвторая\tтаб", multiline=True) is None
    assert hidden_character("отчёт\u202efdp.exe", multiline=True) == "\u202e"
    assert hidden_character("a\u2028b", multiline=True) == "\u2028"
    assert hidden_character("Ёлка — «ёж» № 5 café") is None

    class NameForm(Form):
        name = StringField(validators=[PlainText()])

    form = NameForm(data={"name": "file\u200d.pdf"})
    assert not form.validate()
    assert "U+200D" in str(form.name.errors[0])
