"""A director with a plan of their own cannot release themselves: their application needs
another director of the school, and their own request is not offered to them to decide."""

import pytest

from competence.accounts.models import Role
from competence.tracks.models import ModuleStatus
from competence.training import services
from competence.training.models import GroupApplication
from competence.training.services import TrainingError
from tests.factories import login, make_user
from tests.training.helpers import build_world, count, give_track, group_data, letters


def test_the_only_director_of_a_school_is_told_and_nothing_is_stored(app):
    world = build_world(teachers=1)
    give_track(world.director_a, [(world.module, ModuleStatus.PLANNED)])
    group = services.schedule_group(world.module, group_data(), world.methodist)
    with pytest.raises(TrainingError) as refused:
        services.apply(world.director_a, group)
    assert refused.value.status == 409
    assert count(GroupApplication) == 0
    assert letters("training_release_requested") == []


def test_a_second_director_releases_and_the_applicant_does_not_see_their_own_request(app):
    world = build_world(teachers=1)
    deputy = make_user(
        "deputy.a@example.org", Role.DIRECTOR, "director", world.school_a, full_name="Завуч А"
    )
    give_track(world.director_a, [(world.module, ModuleStatus.PLANNED)])
    group = services.schedule_group(world.module, group_data(), world.methodist)
    application = services.apply(world.director_a, group)
    assert [m.recipient for m in letters("training_release_requested")] == [deputy.email]

    client = app.test_client()
    login(client, "director.a@example.org")
    page = client.get("/training/releases").get_data(as_text=True)
    assert f"/training/applications/{application.id}/release" not in page
    client = app.test_client()
    login(client, "deputy.a@example.org")
    page = client.get("/training/releases").get_data(as_text=True)
    assert f"/training/applications/{application.id}/release" in page
