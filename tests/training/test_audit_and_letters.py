"""Each state change leaves an audit event the log tells in words; the letters carry the facts."""

from sqlalchemy import select

from competence.accounts.models import Role
from competence.audit import AuditEvent
from competence.audit.actions import ACTIONS
from competence.extensions import db
from competence.training import enrolment, results, services
from tests.factories import login, make_user
from tests.training.helpers import build_world, group_data, letters


def test_a_whole_course_leaves_its_trail_in_the_audit_log(app):
    world = build_world(teachers=2)
    group = services.schedule_group(world.module, group_data(places=1), world.methodist)
    first, second = (services.apply(t, group) for t in world.teachers)
    services.decide_release(first, world.director_a, True, "")
    services.decide_release(second, world.director_a, True, "")
    enrolment.enrol_released(group, world.methodist)
    enrolment.withdraw(first, world.teachers[0])
    results.record_result(second, world.methodist, True, "passed", "N-7")
    enrolment.update_group(group, group_data(places=1), "finished", world.methodist)
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("course_%"))
    ).all()
    assert set(actions) == {
        "course_group_scheduled",
        "course_application_submitted",
        "course_release_approved",
        "course_enrolled",
        "course_waiting_listed",
        "course_application_withdrawn",
        "course_moved_up",
        "course_result_recorded",
        "course_group_updated",
    }
    make_user("admin@example.org", Role.ADMIN, "other", world.school_a, full_name="Админ")
    client = app.test_client()
    login(client, "admin@example.org")
    page = client.get("/admin/audit").get_data(as_text=True)
    for code in ("course_moved_up", "course_release_approved", "course_result_recorded"):
        told = str(ACTIONS[code].sentence).split("%(")[0]
        assert told in page, code


def test_the_letters_name_the_group_its_dates_and_place(app):
    world = build_world(teachers=1)
    group = services.schedule_group(world.module, group_data(), world.methodist)
    application = services.apply(world.teachers[0], group)
    request = letters("training_release_requested")[0]
    assert "Учитель 1" in request.body_text and "Курс А" in request.body_text
    assert "/training/releases" in request.body_text and "/training/releases" in request.body_html
    services.decide_release(application, world.director_a, True, "")
    enrolment.enrol(application, world.methodist)
    enrolled = letters("training_enrolled")[0]
    assert "ХКИРО, ауд. 12" in enrolled.body_text and "Курс А" in enrolled.body_html
    assert "/training/" in enrolled.body_text
