"""Built analytics pages are served again only while the data behind them is the same."""

import re
from unittest import mock

import pytest

from competence.accounts.models import User
from competence.deficits import regional
from competence.deficits.snapshots import data_stamp
from competence.extensions import db
from tests.deficits.helpers import record_result
from tests.deficits.regional_world import KEY, build_region
from tests.factories import login, make_user

URL = f"/analytics/region?instrument={KEY}"


@pytest.fixture
def world(app):
    return build_region()


def _client(app, world):
    client = app.test_client()
    assert login(client, world.people["ministry"].email).status_code == 302
    return client


def _builds(app, world, requests):
    """Open the regional page after each step of `requests`; count how often it was built."""
    client = _client(app, world)
    with mock.patch.object(regional, "region_page", wraps=regional.region_page) as build:
        pages = []
        for step in requests:
            step()
            response = client.get(URL)
            assert response.status_code == 200
            pages.append(response.get_data(as_text=True))
    return build.call_count, pages


def _teachers_of_region(html: str) -> str:
    deficits = html[html.index('id="deficits"') :]
    return re.sub(r"\s+", " ", deficits[: deficits.index("</table>")])


def test_an_unchanged_page_is_built_once(app, world):
    count, pages = _builds(app, world, [lambda: None, lambda: None])
    assert count == 1
    assert pages[0].count("Показатели подсчитаны") == 1


def test_a_new_result_builds_the_page_again(app, world):
    school = world.schools["a3"]

    def new_teacher():
        teacher = make_user("new.teacher@example.org", school=school, full_name="Новый Педагог")
        record_result(teacher, KEY, {"fgos-planning": 10, "formative-assessment": 90})

    count, pages = _builds(app, world, [lambda: None, new_teacher])
    assert count == 2
    assert _teachers_of_region(pages[0]) != _teachers_of_region(pages[1])


@pytest.mark.parametrize(
    "change",
    [
        "move",  # a teacher moves to another school
        "block",  # an account is blocked
        "subject",  # a teacher's subjects change
    ],
)
def test_the_stamp_sees_every_change_the_figures_depend_on(app, world, change):
    teacher = db.session.scalars(
        db.select(User).where(User.school_id == world.schools["a3"].id).order_by(User.id)
    ).first()
    before = data_stamp()
    if change == "move":
        teacher.school_id = world.schools["b2"].id
    elif change == "block":
        teacher.active = False
    else:
        teacher.subjects = ["physics"]
    db.session.commit()
    assert data_stamp() != before


def test_within_the_cache_seconds_the_page_is_not_checked(app_factory):
    app = app_factory(ANALYTICS_CACHE_SECONDS=600)
    world = build_region()
    client = _client(app, world)
    with mock.patch.object(regional, "region_page", wraps=regional.region_page) as build:
        client.get(URL)
        teacher = make_user("late@example.org", school=world.schools["a3"])
        record_result(teacher, KEY, {"fgos-planning": 10, "formative-assessment": 90})
        assert client.get(URL).status_code == 200
    assert build.call_count == 1
