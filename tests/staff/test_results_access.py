"""The director reads the results of the own school's teachers, and sees who has each deficit."""

import re

import pytest

from competence.accounts.models import Role
from competence.analytics.figures import shown_score as shown_percent
from competence.extensions import db
from tests.diagnostics.helpers import instrument, load_instruments, open_attempt, take, worst_answer
from tests.factories import login, make_school, make_user


@pytest.fixture
def school_with_result(app):
    """A teacher of the test school with a submitted soft-skills result, and its director."""
    load_instruments()
    school = make_school()
    make_user(school=school, full_name="Учителева Мария Сергеевна")
    teacher = app.test_client()
    login(teacher)
    attempt = take(teacher, "soft-skills", worst_answer)
    make_user(
        "head@example.org", Role.DIRECTOR, position="director", school=school, full_name="Дир"
    )
    director = app.test_client()
    login(director, "head@example.org")
    return teacher, director, attempt


def test_the_director_opens_a_teachers_result_but_not_the_answers(school_with_result):
    teacher, director, attempt = school_with_result
    response = director.get(f"/diagnostics/attempts/{attempt.id}/result")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Учителева Мария Сергеевна" in page and "Профиль компетенций" in page
    # Only the profile: no owner actions, no way to the attempt's answers or the key.
    assert "Рекомендации и маршрут" not in page and "claim" not in page
    assert f'/diagnostics/attempts/{attempt.id}"' not in page
    ready = instrument("soft-skills")
    for item in ready.instrument.items[:3]:
        assert item.id not in page
    assert director.get(f"/diagnostics/attempts/{attempt.id}").status_code == 404


def test_in_progress_attempts_and_other_schools_stay_closed(app, school_with_result):
    teacher, director, attempt = school_with_result
    unfinished = open_attempt(teacher, "methodical-teacher")
    assert director.get(f"/diagnostics/attempts/{unfinished.id}/result").status_code == 404

    other = make_school(code="t-002", name="МБОУ СОШ № 2", municipality="Другой район")
    make_user("o@example.org", Role.DIRECTOR, position="director", school=other, full_name="О")
    outsider = app.test_client()
    login(outsider, "o@example.org")
    assert outsider.get(f"/diagnostics/attempts/{attempt.id}/result").status_code == 404
    make_user("colleague@example.org", school=attempt.user.school, full_name="Коллега")
    colleague = app.test_client()
    login(colleague, "colleague@example.org")
    assert colleague.get(f"/diagnostics/attempts/{attempt.id}/result").status_code == 404

    # A teacher who has left the school is no longer its director's to read.
    attempt.user.school = other
    db.session.commit()
    assert director.get(f"/diagnostics/attempts/{attempt.id}/result").status_code == 404


def test_the_staff_page_lists_who_has_each_deficit(school_with_result):
    teacher, director, attempt = school_with_result
    page = director.get("/staff/").get_data(as_text=True)
    link = f'href="/diagnostics/attempts/{attempt.id}/result"'
    deficits = [row for row in attempt.competence_scores if row.deficit]
    assert deficits
    profile = page.split("Профиль дефицитов коллектива")[1].split("</section>")[0]
    assert profile.count(link) == len(deficits)
    for row in deficits:
        # The score as the result page shows it.
        shown = shown_percent(row.score, row.threshold)
        assert re.search(
            rf'Учителева Мария Сергеевна</a> <span class="text-nowrap">— {shown}%', profile
        )
    result = director.get(f"/diagnostics/attempts/{attempt.id}/result").get_data(as_text=True)
    assert f"{shown_percent(deficits[0].score, deficits[0].threshold)}%" in result
