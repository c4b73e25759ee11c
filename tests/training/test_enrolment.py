"""Enrolment: up to the places, the waiting list in order, moving up, never more than places."""

import threading

import pytest
from sqlalchemy import select

from competence.audit import AuditEvent
from competence.extensions import db
from competence.training import enrolment, services
from competence.training.models import ApplicationStatus, CourseGroup, GroupApplication
from competence.training.services import TrainingError
from tests.training.helpers import build_world, group_data, letters, said, state

ENROLLED, WAITING = ApplicationStatus.ENROLLED, ApplicationStatus.WAITING
RELEASED, WITHDRAWN = ApplicationStatus.RELEASED, ApplicationStatus.WITHDRAWN


def released_group(world, places=2, how_many=None):
    """Schedule a group; every teacher of school A applies and is released, in order."""
    group = services.schedule_group(world.module, group_data(places=places), world.methodist)
    applications = []
    for teacher in world.teachers[:how_many]:
        application = services.apply(teacher, group)
        services.decide_release(application, world.director_a, True, "")
        applications.append(application)
    return group, applications


def test_released_applicants_fill_the_places_and_the_rest_wait_in_order(app):
    world = build_world(teachers=4)
    group, _applications = released_group(world, places=2)
    assert enrolment.enrol_released(group, world.methodist) == (2, 2)
    assert state(group) == {
        "t1@example.org": ENROLLED,
        "t2@example.org": ENROLLED,
        "t3@example.org": WAITING,
        "t4@example.org": WAITING,
    }
    assert [a.user.email for a in enrolment.waiting_list(group.id)] == [
        "t3@example.org",
        "t4@example.org",
    ]
    assert sorted(m.recipient for m in letters("training_enrolled")) == [
        "t1@example.org",
        "t2@example.org",
    ]
    waiting = letters("training_waiting")
    assert [m.recipient for m in waiting] == ["t3@example.org", "t4@example.org"]
    assert said("You are on the waiting list of the course group") == waiting[1].subject
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("course_enrolled") == 2 and actions.count("course_waiting_listed") == 2


def test_enrolling_more_than_the_places_is_refused_and_changes_nothing(app):
    world = build_world(teachers=3)
    group, applications = released_group(world, places=2)
    enrolment.enrol(applications[0], world.methodist)
    enrolment.enrol(applications[1], world.methodist)
    before = state(group)
    with pytest.raises(TrainingError) as refused:
        enrolment.enrol(db.session.get(GroupApplication, applications[2].id), world.methodist)
    db.session.rollback()
    assert refused.value.status == 409
    assert str(refused.value.message) == said(
        "All %(places)d places of the group are taken.", places=2
    )
    assert state(group) == before
    assert before["t3@example.org"] == RELEASED


def test_enrolling_twice_is_refused(app):
    world = build_world(teachers=1)
    _group, applications = released_group(world, places=2)
    enrolment.enrol(applications[0], world.methodist)
    with pytest.raises(TrainingError) as refused:
        enrolment.enrol(applications[0], world.methodist)
    assert refused.value.status == 409


def test_a_withdrawal_moves_the_first_waiting_teacher_up_and_tells_them(app):
    world = build_world(teachers=4)
    group, applications = released_group(world, places=2)
    enrolment.enrol_released(group, world.methodist)
    enrolment.withdraw(db.session.get(GroupApplication, applications[0].id), world.teachers[0])
    assert state(group) == {
        "t1@example.org": WITHDRAWN,
        "t2@example.org": ENROLLED,
        "t3@example.org": ENROLLED,
        "t4@example.org": WAITING,
    }
    moved = letters("training_moved_up")
    assert [m.recipient for m in moved] == ["t3@example.org"]
    assert moved[0].subject == said("A place came free: you are enrolled in the course group")
    # A waiting teacher who withdraws frees no place: nobody moves.
    enrolment.withdraw(db.session.get(GroupApplication, applications[3].id), world.teachers[3])
    assert state(group)["t4@example.org"] == WITHDRAWN
    assert len(letters("training_moved_up")) == 1


def test_more_places_go_to_the_waiting_list_at_once(app):
    world = build_world(teachers=3)
    group, _applications = released_group(world, places=1)
    enrolment.enrol_released(group, world.methodist)
    enrolment.update_group(group, group_data(places=3), "open", world.methodist)
    assert set(state(group).values()) == {ENROLLED}


def test_fewer_places_than_enrolled_are_refused(app):
    world = build_world(teachers=2)
    group, _applications = released_group(world, places=2)
    enrolment.enrol_released(group, world.methodist)
    with pytest.raises(TrainingError) as refused:
        enrolment.update_group(group, group_data(places=1), "open", world.methodist)
    db.session.rollback()
    assert refused.value.status == 409
    assert db.session.get(CourseGroup, group.id).places == 2


def test_a_stale_session_cannot_take_a_place_taken_meanwhile(app):
    """Service-level race on both databases: the count is made inside the lock, not read before.

    The test code's session loads the group (one place free) and the last applicant; meanwhile
    a request (another app instance, another session) enrols somebody else in that place. The
    stale session's enrolment must count again inside the lock and refuse.
    """
    world = build_world(teachers=2)
    group, applications = released_group(world, places=1)
    first, second = applications
    stale_group = db.session.get(CourseGroup, group.id)
    assert services.enrolled_count(stale_group) == 0  # what the stale session believes
    with app.app_context():
        other = db.session.get(GroupApplication, first.id)
        enrolment.enrol(other, db.session.get(type(world.methodist), world.methodist.id))
    with pytest.raises(TrainingError) as refused:
        enrolment.enrol(db.session.get(GroupApplication, second.id), world.methodist)
    db.session.rollback()
    assert refused.value.status == 409
    assert state(group) == {"t1@example.org": ENROLLED, "t2@example.org": RELEASED}


@pytest.mark.parametrize("run", range(3))
def test_two_teachers_racing_for_the_last_place_one_gets_it(app, run):
    """Two threads, each with its own app context and session, enrol at the same moment.

    On PostgreSQL (TEST_DATABASE_URL) the second waits on the group's row lock; on SQLite on
    the database's write lock. Either way it then counts the place taken and is refused.
    """
    world = build_world(teachers=2)
    group, applications = released_group(world, places=1)
    ids = [a.id for a in applications]
    methodist_id = world.methodist.id
    barrier = threading.Barrier(2)
    outcomes = {}

    def take(application_id):
        with app.app_context():
            application = db.session.get(GroupApplication, application_id)
            actor = db.session.get(type(world.methodist), methodist_id)
            barrier.wait()
            try:
                enrolment.enrol(application, actor)
                outcomes[application_id] = "enrolled"
            except TrainingError as exc:
                db.session.rollback()
                outcomes[application_id] = exc.status

    threads = [threading.Thread(target=take, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes.values(), key=str) == [409, "enrolled"]
    assert list(state(group).values()).count(ENROLLED) == 1
