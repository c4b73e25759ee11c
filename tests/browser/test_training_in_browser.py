"""A teacher's year of real training, walked in the browser by everyone who takes part.

Two diagnostics make one development plan of the school year. The teacher sends it to the
tutor, who approves it; the methodist schedules a
course group for a module of the plan; the teacher applies, the director releases, the methodist
enrols and records the result with an удостоверение number. The teacher reports another module
done without anyone confirming it, finishes the plan and retakes both diagnostics: the
certificate counts the hours of the confirmed module only.
"""

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from competence.accounts.models import Role
from competence.certificates.models import Certificate
from competence.certificates.services import verify_url
from competence.extensions import db
from competence.tracks import services as tracks
from competence.tracks.models import ModuleStatus, TrackModule
from competence.training.models import CourseGroup
from competence.tutoring.services import assign
from tests.browser.test_layout_in_browser import sign_in
from tests.certificates.helpers import finished_attempt, prepare
from tests.diagnostics.helpers import best_answer, worst_answer
from tests.factories import enable_second_factor, make_school, make_user

pytestmark = pytest.mark.browser

QUALIFICATION = "ПК-2026-000417"


def _people():
    school = make_school("ts-1", "МБОУ СОШ № 7")
    teacher = make_user("teacher@example.org", school=school, full_name="Иванова Мария Петровна")
    director = make_user(
        "director@example.org", Role.DIRECTOR, "director", school, full_name="Петров Пётр"
    )
    methodist = make_user("methodist@example.org", Role.METHODIST, "other", full_name="Методист")
    tutor = make_user("tutor@example.org", Role.TUTOR, "other", full_name="Сидорова Анна")
    methodist.school_id = tutor.school_id = None  # the institute's staff, of no school
    db.session.commit()
    assign(tutor, methodist, teacher=teacher)
    secret, _codes = enable_second_factor(methodist)
    return teacher, director, methodist, secret, tutor


def _post(page, action_end: str, *, button: str = 'button[type="submit"]'):
    """Press the submit button of the form whose action ends with `action_end`."""
    page.locator(f'form[action$="{action_end}"] {button}').first.click()
    page.wait_for_load_state()


def test_from_a_plan_to_a_certificate_of_confirmed_hours(live_server, browser, app):
    prepare()
    teacher, director, methodist, secret, tutor = _people()
    first = finished_attempt(teacher, worst_answer, "soft-skills")
    second = finished_attempt(teacher, worst_answer, "methodical-teacher")
    track = tracks.build_track(first)
    # The second diagnostic's deficits join the same plan of the school year.
    assert tracks.build_track(second).id == track.id
    db.session.refresh(track)
    assert len(track.sources) == 2
    catalogue = [entry.module_id for entry in track.modules]
    assert len(catalogue) == len(set(catalogue))  # no module twice
    modules = [entry.id for entry in track.modules]
    assert len(modules) >= 2
    course, other = (db.session.get(TrackModule, module_id) for module_id in modules[:2])

    def screen():
        return browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")

    # The teacher sends the plan to the tutor.
    as_teacher = screen().new_page()
    sign_in(as_teacher, live_server, teacher.email)
    as_teacher.goto(f"{live_server}/tracks/{track.id}")
    plan_page = as_teacher.locator("main").inner_text()
    for title in ("Soft skills педагога", "Методические компетенции"):
        assert title in plan_page, title  # one plan, both diagnostics named
    _post(as_teacher, f"/tracks/{track.id}/submit")
    assert "на согласовании" in as_teacher.content().lower()

    # The tutor sees the teacher among their own and approves the plan.
    as_tutor = screen().new_page()
    sign_in(as_tutor, live_server, tutor.email)
    as_tutor.goto(f"{live_server}/tutor/")
    as_tutor.get_by_role("link", name=teacher.full_name).first.click()
    _post(as_tutor, f"/tutor/tracks/{track.id}/approve")
    assert "согласован" in as_tutor.content().lower()

    # The methodist schedules a course group of the plan's first module, with one place.
    as_methodist = screen().new_page()
    sign_in(as_methodist, live_server, methodist.email, secret)
    as_methodist.goto(f"{live_server}/training/groups/new")
    as_methodist.select_option("#module", course.module.key)
    start = date.today() + timedelta(days=20)
    as_methodist.fill("#starts_on", start.isoformat())
    as_methodist.fill("#ends_on", (start + timedelta(days=4)).isoformat())
    as_methodist.fill("#place", "ХКИРО, ауд. 204")
    as_methodist.fill("#hours", str(course.hours))
    as_methodist.fill("#places", "1")
    as_methodist.fill("#provider", "ХКИРО")
    as_methodist.locator('form.card button[type="submit"]').click()
    as_methodist.wait_for_url(re.compile(r".*/training/groups/\d+$"))
    group = db.session.scalars(select(CourseGroup)).one()
    assert group.places == 1 and group.module_id == course.module_id

    # The teacher finds the group among those of the plan's modules and applies.
    as_teacher.goto(f"{live_server}/training/")
    assert group.title in as_teacher.content()
    _post(as_teacher, f"/training/groups/{group.id}/apply")
    assert "освобождени" in as_teacher.content().lower()  # waits for the director's release

    # The director releases the teacher from work for the course.
    as_director = screen().new_page()
    sign_in(as_director, live_server, director.email)
    as_director.goto(f"{live_server}/training/releases")
    assert teacher.full_name in as_director.content()
    _post(as_director, "/release", button='button[value="approve"]')

    # The methodist enrols the released teacher and records the result.
    as_methodist.goto(f"{live_server}/training/groups/{group.id}")
    _post(as_methodist, f"/training/groups/{group.id}/enrol")
    form = as_methodist.locator('form[action$="/result"]').first
    form.locator('select[name="attended"]').select_option("yes")
    form.locator('select[name="result"]').select_option("passed")
    form.locator('input[name="document"]').fill(QUALIFICATION)
    form.locator('button[type="submit"]').click()
    as_methodist.wait_for_load_state()
    assert QUALIFICATION in as_methodist.content()

    db.session.expire_all()
    course = db.session.get(TrackModule, course.id)
    assert course.status == ModuleStatus.DONE and course.is_confirmed
    assert course.qualification_document == QUALIFICATION

    # The teacher reports the second module done; nobody confirms it.
    as_teacher.goto(f"{live_server}/tracks/{track.id}")
    done = as_teacher.locator(f'form[action*="/tracks/modules/{other.id}/done"]')
    as_teacher.locator("details.module-action", has=done).locator("summary").click()
    done.locator("textarea").fill("Прошла вебинар, конспект в портфолио")
    done.locator('button[type="submit"]').click()
    as_teacher.wait_for_load_state()
    db.session.expire_all()
    other = db.session.get(TrackModule, other.id)
    assert other.status == ModuleStatus.DONE and not other.is_confirmed

    # The rest of the plan is reported done; a year later the teacher retakes both diagnostics.
    for module_id in modules[2:]:
        tracks.mark_done(db.session.get(TrackModule, module_id), "Выполнено", "", None)
    for attempt in (first, second):
        attempt.submitted_at -= timedelta(days=400)
        attempt.started_at -= timedelta(days=400)
    db.session.commit()
    finished_attempt(teacher, best_answer, "soft-skills")
    finished_attempt(teacher, best_answer, "methodical-teacher")

    certificate = db.session.scalars(
        select(Certificate).where(Certificate.user_id == teacher.id, Certificate.kind == "track")
    ).one()
    assert certificate.hours == course.hours  # the confirmed module only

    # Anyone checking the certificate reads the confirmed hours and what it is not.
    address = urlsplit(verify_url(certificate))
    as_teacher.goto(f"{live_server}{address.path}?{address.query}")
    text = as_teacher.locator("main").inner_text()
    assert "не является документом о квалификации" in text
    assert re.search(rf"\b{course.hours}\s+подтвержд\w+ академическ\w+ час", text), text
    for context in (as_teacher, as_tutor, as_methodist, as_director):
        context.context.close()
