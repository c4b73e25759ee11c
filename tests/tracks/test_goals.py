"""The teacher's own goals for the school year: the questionnaire, its use, its readers."""

import re

import pytest
from sqlalchemy import func, select

from competence.analytics.campaigns import school_year
from competence.extensions import db
from competence.privacy.export import personal_data
from competence.privacy.services import anonymise
from competence.tracks import services as tracks
from competence.tracks.goals import save_goals
from competence.tracks.models import CatalogModule, DevelopmentGoals
from tests.certificates.helpers import finished_attempt
from tests.diagnostics.helpers import load_instruments, worst_answer
from tests.factories import make_user, post_form
from tests.tutoring.helpers import assign_to_teacher, build_region, signed_in

LEVELS = ["low", "basic", "sufficient", "high"]
GOALS = "Освоить формирующее оценивание и провести открытый урок."


def this_year() -> int:
    return school_year(tracks.local_today())


def stored(user_id: int) -> list[DevelopmentGoals]:
    db.session.expire_all()
    return db.session.scalars(
        select(DevelopmentGoals).where(DevelopmentGoals.user_id == user_id)
    ).all()


def send(client, **data):
    values = {"goals": GOALS, "interests": ["webinar", "mentoring"], "preferred_format": ""}
    values.update(data)
    return post_form(client, "/tracks/goals", values)


def test_a_teacher_states_and_changes_goals_for_the_year(app):
    region = build_region()
    client = signed_in(app, "teacher@example.org")
    page = client.get("/tracks/goals")
    assert page.status_code == 200
    assert 'name="goals"' in page.get_data(as_text=True)
    assert "/tracks/goals" in client.get("/tracks/").get_data(as_text=True)

    response = send(client, interests=["mentoring", "webinar"], preferred_format="distance")
    assert response.status_code == 303
    (row,) = stored(region.teacher.id)
    assert row.school_year == this_year()
    assert row.goals == GOALS
    assert row.interests == ["webinar", "mentoring"], "kept in the catalogue's order"
    assert row.preferred_format == "distance"

    response = send(client, goals="  Новая цель  ", interests=["course"], preferred_format="")
    assert response.status_code == 303
    (row,) = stored(region.teacher.id)
    assert (row.goals, row.interests, row.preferred_format) == ("Новая цель", ["course"], None)
    # The form shows what is stored; the plan page shows the goals to their owner.
    form = client.get("/tracks/goals").get_data(as_text=True)
    assert "Новая цель" in form
    assert re.search(r'<input checked[^>]*value="course"', form)
    assert not re.search(r'<input checked[^>]*value="webinar"', form)
    plan = client.get(f"/tracks/{region.track_id}").get_data(as_text=True)
    assert "Новая цель" in plan and "/tracks/goals" in plan


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"goals": "   "}, 422),
        ({"goals": "ц" * 2001}, 422),
        ({"goals": "Мой новый текст", "interests": ["webinar", "flying"]}, 400),
        ({"goals": "Мой новый текст", "preferred_format": "by-pigeon"}, 400),
    ],
)
def test_bad_input_changes_nothing_and_keeps_the_text(app, data, status):
    region = build_region()
    save_goals(region.teacher, this_year(), GOALS, ["course"], "blended")
    client = signed_in(app, "teacher@example.org")
    response = send(client, **data)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert 'class="alert alert-danger"' in page
    if data["goals"].strip():
        assert data["goals"] in page, "what was typed stays in the form"
    (row,) = stored(region.teacher.id)
    assert (row.goals, row.interests, row.preferred_format) == (GOALS, ["course"], "blended")


def test_only_teachers_and_directors_state_goals(app):
    region = build_region()
    assert signed_in(app, "tutor@example.org").get("/tracks/goals").status_code == 403
    director = signed_in(app, "head@example.org")
    assert send(director).status_code == 303
    assert stored(region.director.id)[0].goals == GOALS


def _module(key, develops, kind):
    db.session.add(
        CatalogModule(
            key=key,
            kind=kind,
            title=f"Модуль {key}",
            description="Описание.",
            provider="КГБОУ ДПО ХКИРО",
            format="distance",
            hours=8,
            duration_weeks=2,
            audience={"positions": ["teacher"], "subjects": []},
            develops=[{"framework": f, "competence": c, "levels": LEVELS} for f, c in develops],
            source="test",
        )
    )


@pytest.mark.parametrize(
    ("interests", "mandatory"), [([], "plan-course"), (["webinar"], "plan-web")]
)
def test_a_stated_interest_breaks_a_tie_when_a_diagnostic_is_merged(client, interests, mandatory):
    load_instruments()
    user = make_user()
    _module("talk", [("soft-skills", "communication")], "exercise")
    # Two equal modules for the planning deficit of the methodical diagnostic: by the kind
    # order a course comes first, unless the teacher prefers webinars.
    _module("plan-course", [("khkiro-pedagogue", "fgos-planning")], "course")
    _module("plan-web", [("khkiro-pedagogue", "fgos-planning")], "webinar")
    db.session.commit()
    save_goals(user, this_year(), GOALS, interests, "distance")
    plan = tracks.build_track(finished_attempt(user, worst_answer, "soft-skills"))
    assert plan.preferred_format == "distance", "the stated format when none is chosen"
    assert [e.module.key for e in plan.modules] == ["talk"]
    assert tracks.build_track(finished_attempt(user, worst_answer, "methodical-teacher")).id == (
        plan.id
    )
    db.session.refresh(plan)
    entries = {e.module.key: e for e in plan.modules}
    assert set(entries) == {"talk", "plan-course", "plan-web"}
    assert [key for key, e in entries.items() if e.mandatory] == ["talk", mandatory]


def test_the_tutor_reads_the_goals_others_do_not(app):
    region = build_region()
    assign_to_teacher(region)
    save_goals(region.teacher, this_year(), GOALS, ["mentoring"], "in_person")
    tutor = signed_in(app, "tutor@example.org")
    page = tutor.get(f"/tutor/teachers/{region.teacher.id}")
    assert page.status_code == 200
    assert GOALS in page.get_data(as_text=True)
    assert GOALS in tutor.get(f"/tracks/{region.track_id}").get_data(as_text=True)

    other_tutor = signed_in(app, "tutor2@example.org")
    refused = other_tutor.get(f"/tutor/teachers/{region.teacher.id}")
    assert refused.status_code == 404 and GOALS not in refused.get_data(as_text=True)
    # The director reads the plan but not the teacher's own words about it.
    director = signed_in(app, "head@example.org")
    plan = director.get(f"/tracks/{region.track_id}")
    assert plan.status_code == 200 and GOALS not in plan.get_data(as_text=True)
    # Another teacher states their own goals; their page shows nothing of the first teacher's.
    other = signed_in(app, "other@example.org")
    assert GOALS not in other.get("/tracks/goals").get_data(as_text=True)


def test_goals_are_exported_and_erased_with_the_teacher(app):
    region = build_region()
    save_goals(region.teacher, this_year(), GOALS, ["course"], None)
    data = personal_data(region.teacher)
    assert [row["goals"] for row in data["development_goals"]] == [GOALS]
    anonymise(region.teacher)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(DevelopmentGoals)) == 0
