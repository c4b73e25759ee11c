"""A form sent with an outdated CSRF token comes back with what was typed."""

from sqlalchemy import func, select

from competence.accounts.models import User
from competence.extensions import db
from tests.accounts.test_registration import registration
from tests.factories import csrf_token, login, make_school, make_user


def test_registration_with_an_outdated_token_keeps_the_typed_values(client):
    school = make_school()
    client.get("/register")
    response = client.post("/register", data=registration(school, csrf_token="outdated"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Форма устарела, отправьте её ещё раз" in page
    assert 'value="Петрова Светлана Олеговна"' in page
    assert 'value="Petrova@School.example"' in page
    assert "a long pass phrase here" not in page  # passwords are typed again
    assert db.session.scalar(select(func.count(User.id))) == 0

    # The page carries a fresh token: sending it again works.
    fresh = csrf_token(client, "/register")
    again = client.post("/register", data=registration(school, csrf_token=fresh))
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_the_profile_with_an_outdated_token_changes_nothing(client):
    user = make_user()
    login(client)
    response = client.post(
        "/profile",
        data={
            "csrf_token": "outdated",
            "full_name": "Изменённое Имя",
            "email": "teacher@example.org",
            "position": "teacher",
            "school": str(user.school_id),
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Форма устарела" in page and 'value="Изменённое Имя"' in page
    db.session.refresh(user)
    assert user.full_name == "Тестова Анна Ивановна"


def test_other_pages_link_back_to_the_form(client):
    make_user()
    login(client)
    response = client.post(
        "/logout", data={"csrf_token": "outdated"}, headers={"Referer": "http://localhost/cabinet/"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Вернуться к форме" in page and 'href="http://localhost/cabinet/"' in page
    assert client.get("/cabinet/").status_code == 200  # still signed in
    foreign = client.post(
        "/logout", data={"csrf_token": "x"}, headers={"Referer": "https://evil.example/form"}
    )
    assert "evil.example" not in foreign.get_data(as_text=True)
