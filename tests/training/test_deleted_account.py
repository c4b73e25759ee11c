"""A deleted (anonymised) account gives up its course places: its applications are withdrawn and
the first on the waiting list moves up, instead of a nameless account holding the place."""

from competence.extensions import db
from competence.privacy.services import anonymise
from competence.training import services
from competence.training.models import ApplicationStatus
from tests.training.helpers import build_world, letters
from tests.training.test_results import application_of
from tests.training.test_withdraw_after_result import full_group_with_waiting


def test_an_erased_teacher_gives_the_place_to_the_first_waiting(app):
    world = build_world(teachers=3)
    full_group_with_waiting(world)
    first, second, third = world.teachers
    assert application_of(second).status == ApplicationStatus.WAITING

    anonymise(first)
    db.session.commit()
    assert application_of(first).status == ApplicationStatus.WITHDRAWN
    assert application_of(second).status == ApplicationStatus.ENROLLED
    assert [m.recipient for m in letters("training_moved_up")] == ["t2@example.org"]


def test_an_erased_teacher_no_longer_waits_for_the_directors_release(app):
    world = build_world(teachers=3)
    group = full_group_with_waiting(world)
    services.apply(world.teachers[2], group)
    anonymise(world.teachers[2])
    db.session.commit()
    assert application_of(world.teachers[2]).status == ApplicationStatus.WITHDRAWN
    assert services.releases_to_decide(world.director_a) == []
