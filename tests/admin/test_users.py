"""Administrators manage users and roles; every change is logged."""

import pytest
from sqlalchemy import select

from competence.accounts.models import Role
from competence.audit import AuditEvent
from competence.extensions import db
from tests.factories import login, make_school, make_user, post_form

ADMIN_PAGES = ["/admin/", "/admin/users", "/admin/registry", "/admin/outbox", "/admin/audit"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        (Role.TEACHER, 403),
        (Role.DIRECTOR, 403),
        (Role.METHODIST, 403),
        (Role.COORDINATOR, 403),
        (Role.ADMIN, 200),
    ],
)
def test_only_administrators_open_administration(client, path, role, status):
    if role:
        make_user(email="someone@example.org", role=role)
        login(client, "someone@example.org")
    assert client.get(path).status_code == status


def admin_form(**values):
    data = {
        "role": "teacher",
        "municipality": "",
        "school": "",
        "active": "y",
        "email_confirmed": "y",
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_makes_a_teacher_a_director_and_the_change_is_logged(client):
    admin = make_user(email="admin@example.org", role=Role.ADMIN)
    teacher = make_user(position="director")
    login(client, "admin@example.org")
    listing = client.get("/admin/users?pending=y").get_data(as_text=True)
    assert "Тестова Анна Ивановна" in listing

    url = f"/admin/users/{teacher.id}"
    response = post_form(
        client,
        url,
        admin_form(
            role="director",
            municipality=str(teacher.municipality_id),
            school=str(teacher.school_id),
        ),
    )
    assert response.status_code == 302
    db.session.refresh(teacher)
    assert teacher.role == Role.DIRECTOR
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user_updated"))
    assert event.actor_id == admin.id
    assert event.object_id == str(teacher.id)
    assert event.details["role"] == ["teacher", "director"]
    assert "director" in client.get(url).get_data(as_text=True)


def test_a_coordinator_needs_a_municipality(client):
    make_user(email="admin@example.org", role=Role.ADMIN)
    teacher = make_user()
    login(client, "admin@example.org")
    response = post_form(client, f"/admin/users/{teacher.id}", admin_form(role="coordinator"))
    assert response.status_code == 422
    assert "Координатор должен быть закреплён за муниципалитетом" in response.get_data(as_text=True)
    db.session.refresh(teacher)
    assert teacher.role == Role.TEACHER


def test_a_school_of_another_municipality_is_refused(client):
    make_user(email="admin@example.org", role=Role.ADMIN)
    teacher = make_user()
    elsewhere = make_school(code="t-7", name="МБОУ СОШ № 7", municipality="Иной район")
    login(client, "admin@example.org")
    response = post_form(
        client,
        f"/admin/users/{teacher.id}",
        admin_form(municipality=str(teacher.municipality_id), school=str(elsewhere.id)),
    )
    assert response.status_code == 422
    db.session.refresh(teacher)
    assert teacher.school_id != elsewhere.id


def test_an_admin_cannot_lock_themselves_out(client):
    admin = make_user(email="admin@example.org", role=Role.ADMIN)
    login(client, "admin@example.org")
    response = post_form(client, f"/admin/users/{admin.id}", admin_form(role="teacher"))
    assert response.status_code == 422
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


def test_blocking_a_user_signs_them_out(app):
    make_user(email="admin@example.org", role=Role.ADMIN)
    teacher = make_user()
    admin_client, teacher_client = app.test_client(), app.test_client()
    login(admin_client, "admin@example.org")
    login(teacher_client)
    assert teacher_client.get("/cabinet/").status_code == 200
    post_form(
        admin_client,
        f"/admin/users/{teacher.id}",
        admin_form(
            municipality=str(teacher.municipality_id), school=str(teacher.school_id), active=None
        ),
    )
    assert teacher_client.get("/cabinet/").status_code == 302
    assert login(teacher_client).status_code == 401


def test_user_search(client):
    make_user(email="admin@example.org", role=Role.ADMIN, full_name="Админ Админович")
    make_user(email="ivanov@example.org", full_name="Иванов Пётр")
    make_user(email="sidorova@example.org", full_name="Сидорова Мария")
    login(client, "admin@example.org")
    page = client.get("/admin/users?q=сидор").get_data(as_text=True)
    assert "Сидорова Мария" in page and "Иванов Пётр" not in page
    page = client.get("/admin/users?role=admin").get_data(as_text=True)
    assert "Админ Админович" in page and "Сидорова Мария" not in page
