"""A group needs its provider: a provider of spaces only is refused, on the page and in the
service, and nothing is stored."""

import pytest

from competence.training import services
from competence.training.models import CourseGroup
from competence.training.services import TrainingError
from tests.factories import post_form
from tests.training.helpers import build_world, count, group_data, said
from tests.training.test_pages import FORM, methodist_client


def test_a_blank_provider_is_refused_and_nothing_is_stored(app):
    world = build_world(teachers=1)
    with pytest.raises(TrainingError) as refused:
        services.schedule_group(world.module, group_data(provider="   "), world.methodist)
    assert refused.value.status == 400
    assert str(refused.value.message) == said("Give the provider of the course.")

    client = methodist_client(app)
    response = post_form(client, "/training/groups/new", {**FORM, "provider": "   "})
    assert response.status_code == 400
    assert said("Give the provider of the course.") in response.get_data(as_text=True)
    assert count(CourseGroup) == 0
