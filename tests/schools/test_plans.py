"""Improvement plans: the director edits, reviewers comment and approve, monitoring and progress."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from competence.accounts.models import Role
from competence.extensions import db
from competence.schools.plan_models import (
    ImprovementPlan,
    MonitoringPoint,
    PlanComment,
    PlanGoal,
    PlanMeasure,
    PlanStatus,
)
from tests.diagnostics.helpers import load_instruments
from tests.factories import csrf_token, login, make_user
from tests.schools.helpers import load_region


def client_of(app, role, school, email):
    make_user(
        email,
        role,
        position="director" if role == Role.DIRECTOR else "other",
        school=school,
        municipality=school.municipality,
        full_name=email.split("@")[0],
    )
    client = app.test_client()
    login(client, email)
    return client


def send(client, url, data, page=None):
    """Post a form with the CSRF token of the page it sits on."""
    return client.post(url, data={"csrf_token": csrf_token(client, page or url), **data})


@pytest.fixture
def region(app):
    load_instruments()  # the published frameworks give the competences goals are tied to
    return load_region()


@pytest.fixture
def director(app, region):
    return client_of(app, Role.DIRECTOR, region["a1"], "head@example.org")


def new_plan(director, school) -> ImprovementPlan:
    response = send(
        director,
        f"/schools/{school.id}/plans/new",
        {"title": "План-программа 2025–2026", "starts_on": "2025-09-01", "ends_on": "2026-08-31"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(ImprovementPlan).order_by(ImprovementPlan.id.desc()))


def add_goal(director, plan, **data):
    fields = {"title": "Снизить долю «2»", "indicator_code": "", "baseline": "", "target": ""}
    fields.update(data)
    return send(director, f"/schools/plans/{plan.id}/goals/new", fields)


def test_the_director_creates_a_plan_with_goals_and_measures(region, director):
    form = director.get(f"/schools/{region['a1'].id}/plans/new").get_data(as_text=True)
    assert "План-программа повышения качества образования" in form
    plan = new_plan(director, region["a1"])
    assert (plan.school, plan.status, plan.starts_on) == (region["a1"], "draft", date(2025, 9, 1))
    # an indicator goal without a baseline takes the school's latest value: a1 had 10 in 2024
    response = add_goal(
        director, plan, title="Больше «5» на ОГЭ", indicator_code="oge_rus_grade5", target="25"
    )
    assert response.status_code == 302
    # a competence goal needs a baseline and a target that differs from it
    competence = {"competences": "soft-skills/communication"}
    response = add_goal(
        director, plan, title="Меньше дефицитов", baseline="60", target="20", **competence
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    first, second = plan.goals
    assert (first.indicator_code, first.baseline, first.target) == ("oge_rus_grade5", 10.0, 25.0)
    assert second.competences[0]["framework"] == "soft-skills"
    response = send(
        director,
        f"/schools/plans/{plan.id}/measures/new",
        {
            "title": "Методический семинар по ОГЭ",
            "goal": first.id,
            "responsible": "Петрова И. А., заместитель директора",
            "due_on": "2025-12-20",
        },
    )
    assert response.status_code == 302
    page = director.get(f"/schools/plans/{plan.id}").get_data(as_text=True)
    assert "Методический семинар по ОГЭ" in page and "Петрова И. А." in page
    assert "Ответственный: Петрова И. А., заместитель директора" in page


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        (
            {"indicator_code": "oge_math_grade2", "baseline": "10", "target": "12"},
            "Для этого показателя лучше меньшее значение",
        ),
        (
            {"indicator_code": "oge_rus_grade5", "baseline": "30", "target": "20"},
            "Для этого показателя лучше большее значение",
        ),
        (
            {"indicator_code": "free_meals", "baseline": "30", "target": "140"},
            "Показатель принимает значения от 0 до 100.",
        ),
        (
            {"baseline": "30", "target": "30", "competences": "soft-skills/communication"},
            "Целевое значение должно отличаться от исходного.",
        ),
        ({"baseline": "30", "target": "20"}, "Привяжите цель к показателю или к компетенциям"),
        (
            {"baseline": "", "target": "20", "competences": "soft-skills/communication"},
            "Укажите исходное значение.",
        ),
        ({"indicator_code": "oge_rus_grade5", "baseline": "abc", "target": "20"}, None),
        (
            {"indicator_code": "oge_rus_grade5", "baseline": "inf", "target": "20"},
            "Введите число, например 12,5.",
        ),
    ],
)
def test_bad_goals_are_refused_with_the_users_data(region, director, data, field_message):
    plan = new_plan(director, region["a1"])
    response = add_goal(director, plan, title="Цель с ошибкой", **data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Цель с ошибкой" in page  # the user's input is kept
    if field_message:
        assert field_message in page
    assert db.session.scalars(select(PlanGoal)).all() == []


def test_keeping_a_level_is_a_goal_for_an_indicator(region, director):
    plan = new_plan(director, region["a1"])
    response = add_goal(director, plan, indicator_code="oge_rus_grade5", baseline="30", target="30")
    assert response.status_code == 302


def submit(client, plan, note=""):
    return send(
        client, f"/schools/plans/{plan.id}/submit", {"note": note}, page=f"/schools/plans/{plan.id}"
    )


def approve(client, plan, note=""):
    return send(
        client,
        f"/schools/plans/{plan.id}/approve",
        {"note": note},
        page=f"/schools/plans/{plan.id}",
    )


def test_review_approval_lock_and_reopening(app, region, director):
    plan = new_plan(director, region["a1"])
    coordinator = client_of(app, Role.COORDINATOR, region["a4"], "coord@example.org")
    # nothing to submit yet
    response = submit(director, plan)
    assert response.status_code == 422
    assert "Добавьте хотя бы одну цель" in response.get_data(as_text=True)
    add_goal(director, plan, indicator_code="oge_rus_grade5", baseline="10", target="20")
    goal = db.session.scalar(select(PlanGoal))
    page = f"/schools/plans/{plan.id}"
    response = send(coordinator, f"{page}/comments", {"body": "Добавьте мероприятия."}, page)
    assert response.status_code == 302
    assert submit(director, plan).status_code == 302
    assert approve(coordinator, plan, "Согласовано ОМСУ").status_code == 302
    db.session.expire_all()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by.email == "coord@example.org"
    assert [c.kind for c in plan.comments] == ["comment", "submitted", "approved"]
    # the status badge and the approval date read as one phrase: «Утверждён 1 дек. 2026 г., …»
    heading = coordinator.get(page).get_data(as_text=True).split("</h1>")[1].split("</div>")[0]
    assert re.search(r"Утверждён</span>\s*\d{1,2} \w+\.? \d{4}\s?г\., coord", heading), heading
    assert "утверждён" not in heading
    # a second approval from a page opened before the first: 409 and the reason on the page
    response = approve(coordinator, plan)
    assert response.status_code == 409
    assert "План уже утверждён; на странице он показан таким, какой он сейчас." in (
        response.get_data(as_text=True)
    )
    # locked: the director cannot change goals, measures or the period; a form sent from a page
    # opened before the approval comes back with what was typed and the reason
    for url, data in [
        (f"{page}/goals/new", {"title": "Новая цель директора", "baseline": "1", "target": "2"}),
        (f"/schools/plans/goals/{goal.id}", {"title": "Правка цели", "target": "2"}),
        (f"{page}/measures/new", {"title": "Новый семинар", "responsible": "Орлова"}),
        (f"{page}/edit", {"title": "Новое название", "starts_on": "2025-09-01"}),
    ]:
        response = director.post(url, data={"csrf_token": csrf_token(director, page), **data})
        assert response.status_code == 409, url
        body = response.get_data(as_text=True)
        assert "Не сохранено: пока вы редактировали, план утвердили." in body, url
        assert data["title"] in body, url  # what was typed is kept
    response = director.post(
        f"/schools/plans/goals/{goal.id}/delete", data={"csrf_token": csrf_token(director, page)}
    )
    assert response.status_code == 409
    assert "План утверждён" in response.get_data(as_text=True)
    assert director.get(f"{page}/goals/new").status_code == 409
    db.session.expire_all()
    assert len(plan.goals) == 1 and plan.goals[0].title == "Снизить долю «2»"
    # reopening needs a reason
    response = send(coordinator, f"{page}/reopen", {"reason": ""}, page)
    assert response.status_code == 422
    assert (
        send(coordinator, f"{page}/reopen", {"reason": "Уточните сроки."}, page).status_code == 302
    )
    db.session.expire_all()
    assert plan.status == PlanStatus.RETURNED and plan.approved_at is None
    response = send(coordinator, f"{page}/reopen", {"reason": "ещё раз"}, page)
    assert response.status_code == 409
    assert "План уже возвращён на доработку" in response.get_data(as_text=True)
    assert (
        add_goal(
            director, plan, indicator_code="vpr_rus_grade2", baseline="12", target="6"
        ).status_code
        == 302
    )
    discussion = director.get(page).get_data(as_text=True)
    assert "вернул(а) план на доработку" in discussion and "Уточните сроки." in discussion


def test_measures_status_and_monitoring_go_on_while_approved(app, region, director):
    plan = new_plan(director, region["a1"])
    add_goal(director, plan, indicator_code="oge_rus_grade5", baseline="10", target="30")
    add_goal(director, plan, indicator_code="oge_math_grade2", baseline="12", target="4")
    page = f"/schools/plans/{plan.id}"
    send(
        director,
        f"{page}/measures/new",
        {"title": "Семинар", "responsible": "Иванова", "due_on": "2025-11-01"},
    )
    methodist = client_of(app, Role.METHODIST, region["b2"], "m@example.org")
    assert submit(director, plan).status_code == 302
    assert approve(methodist, plan).status_code == 302
    measure = db.session.scalar(select(PlanMeasure))
    response = send(
        director, f"/schools/plans/measures/{measure.id}/status", {"status": "done"}, page
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert measure.status == "done"
    first, second = plan.goals
    # entry: 10 and 12 (the baselines); interim: 15 -> (15 - 10) / 20 = 25 %, 6 -> 75 %
    for stage, held_on, values in (
        ("entry", "2025-10-01", ("10", "12")),
        ("interim", "2026-01-25", ("15", "6")),
    ):
        response = send(
            director,
            f"{page}/monitoring/{stage}",
            {
                "held_on": held_on,
                f"goal_{first.id}": values[0],
                f"goal_{second.id}": values[1],
            },
        )
        assert response.status_code == 302
    body = director.get(page).get_data(as_text=True)
    assert "25\u00a0%" in body and "75\u00a0%" in body
    assert "общий прогресс 50\u00a0%" in body
    # a value outside the indicator's range is refused, the earlier values stay
    response = send(
        director, f"{page}/monitoring/final", {"held_on": "2026-05-20", f"goal_{first.id}": "120"}
    )
    assert response.status_code == 422
    assert "Показатель принимает значения от 0 до 100." in response.get_data(as_text=True)
    assert (
        db.session.scalar(select(MonitoringPoint).where(MonitoringPoint.stage == "final")) is None
    )
    # final: 35 is beyond the target (reached), 14 is worse than the baseline (regressed)
    send(
        director,
        f"{page}/monitoring/final",
        {"held_on": "2026-05-20", f"goal_{first.id}": "35", f"goal_{second.id}": "14"},
    )
    body = director.get(page).get_data(as_text=True)
    assert "достигнута" in body and "хуже исходного" in body
    # a reviewer may correct monitoring values too; emptying a field removes the value
    send(
        methodist,
        f"{page}/monitoring/final",
        {"held_on": "2026-05-21", f"goal_{first.id}": "35", f"goal_{second.id}": ""},
    )
    db.session.expire_all()
    final = db.session.scalar(select(MonitoringPoint).where(MonitoringPoint.stage == "final"))
    assert [(v.goal_id, v.value) for v in final.values] == [(first.id, 35.0)]
    assert director.get(f"{page}/monitoring/unknown").status_code == 404


def test_monitoring_points_must_follow_each_other_in_time(app, region, director):
    plan = new_plan(director, region["a1"])
    add_goal(director, plan, indicator_code="oge_rus_grade5", baseline="10", target="30")
    goal = db.session.scalar(select(PlanGoal))
    page = f"/schools/plans/{plan.id}"

    def record(stage, held_on, value="12"):
        return send(
            director, f"{page}/monitoring/{stage}", {"held_on": held_on, f"goal_{goal.id}": value}
        )

    assert record("entry", "2025-09-20").status_code == 302
    # the interim point on the day of the entry point or before it is refused, input kept
    for held_on in ("2025-09-20", "2025-09-01"):
        response = record("interim", held_on, "17,5")
        body = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Дата должна быть позже даты, когда прошёл входной мониторинг" in body
        assert 'value="17,5"' in body
    assert record("interim", "2026-01-25").status_code == 302
    assert record("final", "2026-01-25").status_code == 422
    assert record("final", "2026-05-20").status_code == 302
    # moving the entry point after the interim one is refused as well
    response = record("entry", "2026-02-01")
    assert response.status_code == 422
    assert "Дата должна быть раньше даты, когда прошёл промежуточный мониторинг" in (
        response.get_data(as_text=True)
    )
    db.session.expire_all()
    held = {point.stage: point.held_on for point in plan.monitoring}
    assert held == {
        "entry": date(2025, 9, 20),
        "interim": date(2026, 1, 25),
        "final": date(2026, 5, 20),
    }


def test_who_may_do_what(app, region, director):
    plan = new_plan(director, region["a1"])
    page = f"/schools/plans/{plan.id}"
    coordinator = client_of(app, Role.COORDINATOR, region["a4"], "coord@example.org")
    assert coordinator.get(page).status_code == 200
    # reviewers do not edit the plan's content
    assert coordinator.get(f"{page}/goals/new").status_code == 403
    assert send(coordinator, f"{page}/goals/new", {"title": "x"}, page).status_code == 403
    # another school's director, another municipality's coordinator: not found
    other_director = client_of(app, Role.DIRECTOR, region["a2"], "head2@example.org")
    other_coordinator = client_of(app, Role.COORDINATOR, region["b2"], "coord2@example.org")
    for client in (other_director, other_coordinator):
        assert client.get(page).status_code == 404
        assert client.get(f"{page}/plan.pdf").status_code == 404
        assert client.get(f"/schools/{region['a1'].id}/plans/new").status_code == 404
    # the director neither approves nor reopens; teachers have no business here at all
    assert approve(director, plan).status_code == 403
    teacher = client_of(app, Role.TEACHER, region["a1"], "teacher@example.org")
    assert teacher.get(page).status_code == 403
    # administrators read
    admin = client_of(app, Role.ADMIN, region["b2"], "admin@example.org")
    assert admin.get(page).status_code == 200
    assert send(admin, f"{page}/comments", {"body": "x"}, page).status_code == 403
    assert admin.get(f"/schools/{region['a1'].id}/plans/new").status_code == 403
    # the director comments on the own plan
    assert send(director, f"{page}/comments", {"body": "Ответ директора"}).status_code == 302
    assert send(director, f"{page}/comments", {"body": ""}, page).status_code == 422
    assert [c.body for c in db.session.scalars(select(PlanComment))] == ["Ответ директора"]


def test_a_period_that_ends_before_it_starts_is_refused(region, director):
    response = send(
        director,
        f"/schools/{region['a1'].id}/plans/new",
        {"title": "План", "starts_on": "2026-09-01", "ends_on": "2026-01-01"},
    )
    assert response.status_code == 422
    assert "Период должен заканчиваться позже, чем начинается." in response.get_data(as_text=True)
    assert db.session.scalars(select(ImprovementPlan)).all() == []


def test_deleting_a_goal_unties_its_measures(region, director):
    plan = new_plan(director, region["a1"])
    add_goal(director, plan, indicator_code="oge_rus_grade5", baseline="10", target="20")
    add_goal(director, plan, indicator_code="oge_rus_grade5", baseline="10", target="15")
    first, second = db.session.scalars(select(PlanGoal).order_by(PlanGoal.id)).all()
    page = f"/schools/plans/{plan.id}"
    send(
        director,
        f"{page}/measures/new",
        {"title": "Семинар", "goal": first.id, "responsible": "Иванова", "due_on": "2025-11-01"},
    )
    send(director, f"{page}/monitoring/entry", {"held_on": "2025-10-01", f"goal_{first.id}": "11"})
    assert send(director, f"/schools/plans/goals/{first.id}/delete", {}, page).status_code == 302
    db.session.expire_all()
    assert [(g.id, g.position) for g in plan.goals] == [(second.id, 1)]
    assert plan.measures[0].goal is None
    assert plan.monitoring[0].values == []
