"""Who changes a school or municipality in the profile, and which fields each role must fill."""

import pytest
from sqlalchemy import select

from competence.accounts.models import Role
from competence.audit import AuditEvent
from competence.extensions import db
from tests.factories import login, make_school, make_user, post_form


def profile_form(school=None, municipality=None, **overrides):
    data = {
        "full_name": "Тестова Анна Ивановна",
        "email": "user@example.org",
        "position": "other",
        "municipality": str(municipality or (school.municipality_id if school else "")),
        "school": str(school.id) if school else "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def schools(app):
    own = make_school()
    other = make_school(code="t-009", name="МБОУ СОШ № 9", municipality="Ванинский район")
    return own, other


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.COORDINATOR])
def test_directors_and_coordinators_cannot_move_themselves(client, schools, role):
    own, other = schools
    user = make_user(email="user@example.org", role=role, school=own)
    before = (user.municipality_id, user.school_id)
    login(client, "user@example.org")
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="school"' not in page and 'name="municipality"' not in page
    assert "только администратор портала" in page

    # A hand-made request with another school is saved except for the place.
    response = post_form(client, "/profile", profile_form(other, full_name="Новое Имя Отчество"))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.full_name == "Новое Имя Отчество"
    assert (user.municipality_id, user.school_id) == before
    # The director still sees the own school's staff, not the other one's.
    if role == Role.DIRECTOR:
        assert own.name in client.get("/staff/").get_data(as_text=True)


def test_a_teacher_asks_to_move_to_another_school_and_it_is_logged(client, schools):
    own, other = schools
    user = make_user(email="user@example.org", school=own)
    login(client, "user@example.org")
    response = post_form(client, "/profile", profile_form(other))
    assert response.status_code == 302
    db.session.refresh(user)
    # The move waits for the other school's director (tests/staff/test_school_moves.py).
    assert (user.municipality_id, user.school_id) == (own.municipality_id, own.id)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "school_move_requested")
    )
    assert event.details["school_id"] == [own.id, other.id]


def test_a_teacher_must_state_a_school(client, schools):
    own, _ = schools
    user = make_user(email="user@example.org", school=own)
    login(client, "user@example.org")
    response = post_form(client, "/profile", profile_form(full_name="Другое Имя Отчество"))
    assert response.status_code == 422
    assert "Заполните это поле" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.school_id == own.id and user.full_name == "Тестова Анна Ивановна"


@pytest.mark.parametrize("role", [Role.METHODIST, Role.ADMIN])
def test_region_wide_roles_save_the_profile_without_a_school(client, schools, role):
    user = make_user(email="user@example.org", role=role)
    user.school_id = user.municipality_id = None
    db.session.commit()
    login(client, "user@example.org")
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="school"' in page
    response = post_form(client, "/profile", profile_form(full_name="Методистова Мария"))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.full_name == "Методистова Мария"
    assert user.school_id is None and user.municipality_id is None


def test_a_methodist_may_state_only_a_municipality(client, schools):
    own, _ = schools
    user = make_user(email="user@example.org", role=Role.METHODIST, school=own)
    login(client, "user@example.org")
    response = post_form(client, "/profile", profile_form(municipality=own.municipality_id))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.school_id is None and user.municipality_id == own.municipality_id


def test_a_coordinator_without_a_municipality_still_saves_the_profile(client, schools):
    user = make_user(email="user@example.org", role=Role.COORDINATOR)
    user.municipality_id = None
    db.session.commit()
    login(client, "user@example.org")
    response = post_form(client, "/profile", profile_form(full_name="Координатова Ольга"))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.full_name == "Координатова Ольга" and user.municipality_id is None


def test_the_admin_sets_a_directors_school(client, schools):
    own, other = schools
    director = make_user(email="user@example.org", role=Role.DIRECTOR, school=own)
    make_user(email="admin@example.org", role=Role.ADMIN)
    login(client, "admin@example.org")
    response = post_form(
        client,
        f"/admin/users/{director.id}",
        {
            "role": "director",
            "municipality": str(other.municipality_id),
            "school": str(other.id),
            "active": "y",
            "email_confirmed": "y",
        },
    )
    assert response.status_code == 302
    db.session.refresh(director)
    assert director.school_id == other.id and director.municipality_id == other.municipality_id


def test_an_empty_name_in_the_profile_is_a_422(client, schools):
    own, _ = schools
    make_user(email="user@example.org", school=own)
    login(client, "user@example.org")
    response = post_form(client, "/profile", profile_form(own, full_name=""))
    assert response.status_code == 422
    assert "Заполните это поле" in response.get_data(as_text=True)


def test_an_unknown_subject_is_refused_in_russian(client, schools):
    own, _ = schools
    user = make_user(email="user@example.org", school=own)
    login(client, "user@example.org")
    response = post_form(client, "/profile", profile_form(own, subjects=["bogus"]))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "«bogus» — такого варианта нет в списке." in page
    assert "not a valid choice" not in page
    db.session.refresh(user)
    assert user.subjects == ["mathematics"]
