"""Applying from a track, the director's release, and scheduling groups: rules and bad input."""

from datetime import date

import pytest
from sqlalchemy import select

from competence.audit import AuditEvent
from competence.extensions import db
from competence.tracks.models import ModuleStatus, TrackModule
from competence.training import services
from competence.training.models import ApplicationStatus, CourseGroup, GroupApplication
from competence.training.services import TrainingError
from tests.factories import login, make_school, make_user, post_form
from tests.training.helpers import build_world, count, give_track, group_data, letters, said


def scheduled(world, **changes) -> CourseGroup:
    return services.schedule_group(world.module, group_data(**changes), world.methodist)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": date(2027, 1, 31)}, "The group cannot end before it starts."),
        ({"places": 0}, "A group has at least one place."),
        ({"hours": 0}, "A group has at least one academic hour."),
        ({"place": "", "online_link": ""}, "Give the place or the link of the online sessions."),
        ({"format": "teleport"}, "Unknown format."),
    ],
)
def test_a_group_with_bad_data_is_refused(app, changes, message):
    world = build_world(teachers=1)
    with pytest.raises(TrainingError) as refused:
        scheduled(world, **changes)
    assert refused.value.status == 400
    assert str(refused.value.message) == said(message)
    assert count(CourseGroup) == 0


def test_a_teacher_applies_and_the_director_is_asked(app):
    world = build_world(teachers=1)
    group = scheduled(world)
    application = services.apply(world.teachers[0], group)
    assert application.status == ApplicationStatus.AWAITING_RELEASE
    assert application.track_module.module_id == world.module.id
    assert [m.recipient for m in letters("training_release_requested")] == [
        "director.a@example.org"
    ]
    assert "course_application_submitted" in db.session.scalars(select(AuditEvent.action)).all()


def test_applying_twice_is_refused_and_changes_nothing(app):
    world = build_world(teachers=1)
    group = scheduled(world)
    services.apply(world.teachers[0], group)
    with pytest.raises(TrainingError) as refused:
        services.apply(world.teachers[0], group)
    db.session.rollback()
    assert refused.value.status == 409
    assert str(refused.value.message) == said("You have already applied to this group.")
    assert count(GroupApplication) == 1
    assert len(letters("training_release_requested")) == 1


@pytest.mark.parametrize("module_status", [ModuleStatus.DONE, ModuleStatus.DECLINED])
def test_a_module_done_or_declined_cannot_be_applied_for(app, module_status):
    world = build_world(teachers=1)
    group = scheduled(world)
    entry = db.session.scalars(
        select(TrackModule).where(TrackModule.module_id == world.module.id)
    ).first()
    entry.status = module_status
    db.session.commit()
    teacher = db.session.get(type(world.teachers[0]), entry.track.user_id)
    with pytest.raises(TrainingError) as refused:
        services.apply(teacher, group)
    assert refused.value.status == 403
    assert count(GroupApplication) == 0


def test_a_module_not_in_the_track_cannot_be_applied_for(app):
    world = build_world(teachers=1)
    group = services.schedule_group(world.other_module, group_data(), world.methodist)
    with pytest.raises(TrainingError) as refused:
        services.apply(world.teachers[0], group)
    assert refused.value.status == 403
    assert str(refused.value.message).startswith("Подать заявку можно только в группу по модулю")
    assert count(GroupApplication) == 0


def test_a_teacher_of_a_school_without_a_director_is_told_and_nothing_is_stored(app):
    world = build_world(teachers=1)
    lonely = make_school("c-001", "Школа В", municipality="Район В")
    teacher = make_user("lonely@example.org", school=lonely, full_name="Одинокий Учитель")
    give_track(teacher, [(world.module, ModuleStatus.PLANNED)])
    group = scheduled(world)
    with pytest.raises(TrainingError) as refused:
        services.apply(teacher, group)
    assert refused.value.status == 409
    assert count(GroupApplication) == 0


def test_a_cancelled_group_takes_no_applications(app):
    world = build_world(teachers=1)
    group = scheduled(world)
    group.status = "cancelled"
    db.session.commit()
    with pytest.raises(TrainingError) as refused:
        services.apply(world.teachers[0], group)
    assert refused.value.status == 409


def test_only_the_director_of_the_teachers_school_releases(app):
    world = build_world(teachers=1)
    application = services.apply(world.teachers[0], scheduled(world))
    with pytest.raises(TrainingError) as refused:
        services.decide_release(application, world.director_b, True, "")
    assert refused.value.status == 404
    assert application.status == ApplicationStatus.AWAITING_RELEASE
    with pytest.raises(TrainingError) as no_reason:
        services.decide_release(application, world.director_a, False, "  ")
    assert no_reason.value.status == 422
    services.decide_release(application, world.director_a, False, "Идут экзамены")
    db.session.expire_all()
    application = db.session.get(GroupApplication, application.id)
    assert application.status == ApplicationStatus.REFUSED
    assert application.release_comment == "Идут экзамены"
    assert [m.recipient for m in letters("training_release_decided")] == ["t1@example.org"]
    with pytest.raises(TrainingError) as again:
        services.decide_release(application, world.director_a, True, "")
    assert again.value.status == 409
    # After the refusal the teacher may ask again (the exams are over): a new request waits.
    renewed = services.apply(world.teachers[0], application.group)
    assert renewed.status == ApplicationStatus.AWAITING_RELEASE
    assert count(GroupApplication) == 1


def test_the_teacher_applies_and_withdraws_through_the_pages(app):
    world = build_world(teachers=1)
    group = scheduled(world)
    client = app.test_client()
    login(client, "t1@example.org")
    page = client.get("/training/").get_data(as_text=True)
    assert group.title in page
    response = post_form(client, f"/training/groups/{group.id}/apply", {}, page="/training/")
    assert response.status_code == 302
    again = post_form(client, f"/training/groups/{group.id}/apply", {}, page="/training/")
    assert again.status_code == 409
    assert said("You have already applied to this group.") in again.get_data(as_text=True)
    application = db.session.scalars(select(GroupApplication)).one()
    withdrawn = post_form(
        client, f"/training/applications/{application.id}/withdraw", {}, page="/training/"
    )
    assert withdrawn.status_code == 302
    db.session.expire_all()
    assert db.session.get(GroupApplication, application.id).status == "withdrawn"
    # Applying again after a withdrawal starts afresh.
    assert (
        post_form(client, f"/training/groups/{group.id}/apply", {}, page="/training/").status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.scalars(select(GroupApplication)).one().status == "awaiting_release"


def test_a_teacher_cannot_apply_for_a_module_not_in_the_track_through_the_page(app):
    world = build_world(teachers=1)
    group = services.schedule_group(world.other_module, group_data(), world.methodist)
    client = app.test_client()
    login(client, "t1@example.org")
    response = post_form(client, f"/training/groups/{group.id}/apply", {}, page="/training/")
    assert response.status_code == 403
    assert count(GroupApplication) == 0


def test_the_director_releases_on_the_page_and_another_director_cannot(app):
    world = build_world(teachers=1)
    application = services.apply(world.teachers[0], scheduled(world))
    other = app.test_client()
    login(other, "director.b@example.org")
    assert world.teachers[0].full_name not in other.get("/training/releases").get_data(as_text=True)
    response = post_form(
        other,
        f"/training/applications/{application.id}/release",
        {"decision": "approve", "comment": ""},
        page="/training/releases",
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(GroupApplication, application.id).status == "awaiting_release"
    client = app.test_client()
    login(client, "director.a@example.org")
    page = client.get("/training/releases").get_data(as_text=True)
    assert world.teachers[0].full_name in page
    refused = post_form(
        client,
        f"/training/applications/{application.id}/release",
        {"decision": "refuse", "comment": ""},
        page="/training/releases",
    )
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(GroupApplication, application.id).status == "awaiting_release"
    response = post_form(
        client,
        f"/training/applications/{application.id}/release",
        {"decision": "approve", "comment": ""},
        page="/training/releases",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(GroupApplication, application.id).status == "released"
