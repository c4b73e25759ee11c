"""Built analytics pages are served again only while the data behind them is the same."""

import re
from datetime import date
from unittest import mock

import pytest

from competence.accounts.models import User
from competence.deficits import regional, school, snapshots
from competence.deficits.snapshots import data_stamp
from competence.extensions import db
from competence.tracks.library import load_catalog
from competence.tracks.models import CatalogModule, DevelopmentTrack, ModuleStatus, TrackModule
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


SCHOOL_URL = f"/analytics/school?instrument={KEY}"


def _director(app, world):
    client = app.test_client()
    assert login(client, world.people["director"].email).status_code == 302
    return client


def test_the_directors_page_is_built_again_only_when_the_school_changed(app, world):
    """Another school's new result leaves the own part as it was; the own school's does not."""
    client = _director(app, world)
    with mock.patch.object(school, "school_results", wraps=school.school_results) as build:
        assert client.get(SCHOOL_URL).status_code == 200
        assert client.get(SCHOOL_URL).status_code == 200
        assert build.call_count == 1
        elsewhere = make_user("elsewhere@example.org", school=world.schools["b1"])
        record_result(elsewhere, KEY, {"fgos-planning": 10, "formative-assessment": 90})
        assert client.get(SCHOOL_URL).status_code == 200
        assert build.call_count == 1
        newcomer = make_user(
            "newcomer@example.org", school=world.schools["a3"], full_name="Новенькая Учительница"
        )
        record_result(newcomer, KEY, {"fgos-planning": 10, "formative-assessment": 90})
        html = client.get(SCHOOL_URL).get_data(as_text=True)
    assert build.call_count == 2
    assert "Новенькая Учительница" in html


def _a3_teacher(world):
    return db.session.scalars(
        db.select(User)
        .where(User.school_id == world.schools["a3"].id, User.role == "teacher")
        .order_by(User.id)
    ).first()


def _add_module(teacher):
    load_catalog()
    track = db.session.scalars(
        db.select(DevelopmentTrack).where(DevelopmentTrack.user_id == teacher.id)
    ).first()
    module = db.session.scalars(db.select(CatalogModule).order_by(CatalogModule.id)).first()
    entry = TrackModule(
        track_id=track.id,
        module_id=module.id,
        position=1,
        mandatory=True,
        deficits=[],
        title=module.title,
        kind=module.kind,
        hours=module.hours,
        due_date=date(2027, 5, 1),
    )
    db.session.add(entry)
    db.session.commit()
    return entry


@pytest.mark.parametrize(
    "change", ["rename", "position", "block", "subject", "result", "module", "module_done"]
)
def test_the_school_stamp_sees_every_change_of_the_own_school(app, world, change):
    teacher = _a3_teacher(world)
    entry = _add_module(teacher) if change == "module_done" else None
    school_id = world.schools["a3"].id
    before = school.school_stamp(school_id)
    if change == "rename":
        teacher.full_name += " Младшая"
    elif change == "position":
        teacher.position = "deputy"
    elif change == "block":
        teacher.active = False
    elif change == "subject":
        teacher.subjects = ["physics"]
    elif change == "result":
        record_result(teacher, KEY, {"fgos-planning": 90, "formative-assessment": 90})
    elif change == "module":
        _add_module(teacher)
    else:
        entry.status = ModuleStatus.DONE
    db.session.commit()
    assert school.school_stamp(school_id) != before


def test_the_school_stamp_ignores_other_schools(app, world):
    school_id = world.schools["a3"].id
    before = school.school_stamp(school_id)
    other = db.session.scalars(
        db.select(User).where(User.school_id == world.schools["b1"].id).order_by(User.id)
    ).first()
    other.full_name += " Другая"
    record_result(other, KEY, {"fgos-planning": 90, "formative-assessment": 90})
    db.session.commit()
    assert school.school_stamp(school_id) == before


def test_a_kept_value_is_built_again_after_its_lifetime(app_factory, monkeypatch):
    app = app_factory(ANALYTICS_CACHE_SECONDS=600)
    builds = []
    with app.test_request_context():
        for _ in range(2):
            snapshots.kept("test", ("key",), lambda: (1,), lambda: builds.append(1) or len(builds))
        assert builds == [1]
        monkeypatch.setattr(snapshots, "LIFETIME_SECONDS", 0)
        entry = snapshots.kept("test", ("key",), lambda: (1,), lambda: builds.append(1) or 2)
    assert entry.page == 2 and len(builds) == 2
