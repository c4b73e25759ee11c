"""A result recorded ends the application: a teacher cannot withdraw it afterwards, so a failed
result cannot be wiped by withdrawing and applying again, and a place of a course already held
does not go to the waiting list."""

import pytest

from competence.extensions import db
from competence.training import enrolment, results, services
from competence.training.models import ApplicationStatus
from competence.training.services import TrainingError
from tests.training.helpers import build_world, group_data
from tests.training.test_results import application_of, entry_of


def full_group_with_waiting(world):
    """One place: teacher 1 enrolled, teacher 2 on the waiting list."""
    group = services.schedule_group(world.module, group_data(places=1), world.methodist)
    for teacher in world.teachers[:2]:
        application = services.apply(teacher, group)
        services.decide_release(application, world.director_a, True, "")
    enrolment.enrol_released(group, world.methodist)
    return group


@pytest.mark.parametrize(("result", "document"), [("failed", ""), ("passed", "272400000001")])
def test_an_application_with_a_result_cannot_be_withdrawn(app, result, document):
    world = build_world(teachers=2)
    group = full_group_with_waiting(world)
    first, second = world.teachers
    results.record_result(application_of(first), world.methodist, True, result, document)

    with pytest.raises(TrainingError) as refused:
        enrolment.withdraw(application_of(first), first)
    db.session.rollback()
    assert refused.value.status == 409
    kept = application_of(first)
    assert kept.status == ApplicationStatus.ENROLLED and kept.result == result
    assert application_of(second).status == ApplicationStatus.WAITING

    # Nor is the record wiped by applying again.
    with pytest.raises(TrainingError):
        services.apply(first, group)
    db.session.rollback()
    assert application_of(first).result == result
    assert entry_of(application_of(first)).is_confirmed == (result == "passed")
