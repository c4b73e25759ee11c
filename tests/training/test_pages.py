"""The methodist's pages: the group list with demand, scheduling, enrolment, results, import."""

import io

from sqlalchemy import select

from competence.extensions import db
from competence.training import enrolment, services
from competence.training.models import CourseGroup, GroupApplication
from tests.factories import login, post_form
from tests.training.helpers import build_world, count, group_data, said

FORM = {
    "module": "course-a",
    "starts_on": "2027-02-01",
    "ends_on": "2027-02-05",
    "place": "ХКИРО, ауд. 12",
    "online_link": "",
    "hours": "36",
    "format": "in_person",
    "places": "2",
    "provider": "ХКИРО",
}


def methodist_client(app):
    client = app.test_client()
    login(client, "methodist@example.org")
    return client


def test_the_methodist_schedules_a_group_and_sees_the_demand(app):
    build_world(teachers=3)
    client = methodist_client(app)
    response = post_form(client, "/training/groups/new", FORM)
    assert response.status_code == 302
    group = db.session.scalars(select(CourseGroup)).one()
    assert (group.title, group.places, group.status) == ("Курс А", 2, "open")
    page = client.get("/training/groups").get_data(as_text=True)
    assert "Курс А" in page
    # Four teachers (three of A, one of B) still need the module: one group of 25.
    assert "0 / 2" in page and "4 ·" in page


def test_a_group_form_with_bad_input_stores_nothing(app):
    build_world(teachers=1)
    client = methodist_client(app)
    for changes, status in (
        ({"ends_on": "2027-01-01"}, 400),
        ({"places": "0"}, 422),
        ({"hours": "много"}, 422),
        ({"online_link": "javascript:alert(1)", "place": ""}, 422),
        ({"module": "no-such-module"}, 422),
    ):
        response = post_form(client, "/training/groups/new", {**FORM, **changes})
        assert response.status_code == status, changes
    assert count(CourseGroup) == 0
    refused = post_form(client, "/training/groups/new", {**FORM, "ends_on": "2027-01-01"})
    assert said("The group cannot end before it starts.") in refused.get_data(as_text=True)


def test_methodist_pages_refuse_teachers_and_directors(app):
    world = build_world(teachers=1)
    group = services.schedule_group(world.module, group_data(), world.methodist)
    for email in ("t1@example.org", "director.a@example.org"):
        client = app.test_client()
        login(client, email)
        for url in ("/training/groups", f"/training/groups/{group.id}", "/training/groups/new"):
            assert client.get(url).status_code == 403, (email, url)
        assert (
            post_form(
                client, f"/training/groups/{group.id}/enrol", {}, page="/training/"
            ).status_code
            == 403
        )


def test_the_group_page_enrols_records_and_imports(app):
    world = build_world(teachers=3)
    group = services.schedule_group(world.module, group_data(places=2), world.methodist)
    for teacher in world.teachers:
        services.decide_release(services.apply(teacher, group), world.director_a, True, "")
    client = methodist_client(app)
    url = f"/training/groups/{group.id}"
    assert "Учитель 3" in client.get(url).get_data(as_text=True)
    assert post_form(client, f"{url}/enrol", {}, page=url).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "1. Учитель 3" in page  # first on the waiting list
    waiting = db.session.scalars(
        select(GroupApplication).where(GroupApplication.status == "waiting")
    ).one()
    full = post_form(client, f"/training/applications/{waiting.id}/enrol", {}, page=url)
    assert full.status_code == 409
    assert said("All %(places)d places of the group are taken.", places=2) in full.get_data(
        as_text=True
    )
    first = db.session.scalars(
        select(GroupApplication).where(GroupApplication.user_id == world.teachers[0].id)
    ).one()
    bad = post_form(
        client,
        f"/training/applications/{first.id}/result",
        {"attended": "no", "result": "passed", "document": "N-1"},
        page=url,
    )
    assert bad.status_code == 400
    db.session.expire_all()
    assert db.session.get(GroupApplication, first.id).result is None
    good = post_form(
        client,
        f"/training/applications/{first.id}/result",
        {"attended": "yes", "result": "passed", "document": "N-1"},
        page=url,
    )
    assert good.status_code == 302
    db.session.expire_all()
    assert db.session.get(GroupApplication, first.id).track_module.is_confirmed
    wrong = post_form(
        client,
        f"{url}/import",
        {"file": (io.BytesIO(b"email;number\nt3@example.org;N-3\n"), "r.csv")},
        page=url,
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422
    assert said("Row %(row)d: %(who)s is not enrolled in this group.", row=2, who="Учитель 3") in (
        wrong.get_data(as_text=True)
    )
    right = post_form(
        client,
        f"{url}/import",
        {"file": (io.BytesIO(b"email;number\nt2@example.org;N-2\n"), "r.csv")},
        page=url,
        content_type="multipart/form-data",
    )
    assert right.status_code == 302
    db.session.expire_all()
    second = db.session.scalars(
        select(GroupApplication).where(GroupApplication.user_id == world.teachers[1].id)
    ).one()
    assert second.qualification_document == "N-2" and second.track_module.is_confirmed


def test_editing_a_group_keeps_the_enrolled_and_gives_new_places_to_the_waiting(app):
    world = build_world(teachers=2)
    group = services.schedule_group(world.module, group_data(places=1), world.methodist)
    for teacher in world.teachers:
        services.decide_release(services.apply(teacher, group), world.director_a, True, "")
    enrolment.enrol_released(group, world.methodist)
    client = methodist_client(app)
    url = f"/training/groups/{group.id}/edit"
    assert client.get(url).status_code == 200
    form = {k: v for k, v in FORM.items() if k != "module"}
    cancelled = post_form(client, url, {**form, "places": "1", "status": "sleeping"}, page=url)
    assert cancelled.status_code == 422
    more = post_form(client, url, {**form, "places": "2", "status": "running"}, page=url)
    assert more.status_code == 302
    db.session.expire_all()
    statuses = db.session.scalars(select(GroupApplication.status)).all()
    assert statuses == ["enrolled", "enrolled"]
    assert db.session.get(CourseGroup, group.id).status == "running"
    fewer = post_form(client, url, {**form, "places": "1", "status": "running"}, page=url)
    assert fewer.status_code == 409
    db.session.expire_all()
    assert db.session.get(CourseGroup, group.id).places == 2
