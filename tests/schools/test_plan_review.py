"""The plan's review: submitted by the director, approved or returned by a reviewer, people told.

Also: monitoring points are never dated after today in the portal's time zone.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from competence.accounts.models import Role
from competence.audit import AuditEvent
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.schools.plan_models import PlanComment, PlanGoal, PlanStatus
from competence.tracks.services import local_today
from tests.diagnostics.helpers import load_instruments
from tests.factories import make_user
from tests.schools.helpers import load_region
from tests.schools.test_plans import add_goal, approve, client_of, new_plan, send, submit


@pytest.fixture
def region(app):
    load_instruments()
    return load_region()


@pytest.fixture
def director(app, region):
    return client_of(app, Role.DIRECTOR, region["a1"], "head@example.org")


def plan_with_goal(client, school):
    plan = new_plan(client, school)
    response = add_goal(client, plan, indicator_code="oge_rus_grade5", baseline="10", target="20")
    assert response.status_code == 302
    return plan


def letters() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def actions() -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.object_type == "improvement_plan")
    return [a for a in db.session.scalars(query.order_by(AuditEvent.id)) if "goal" not in a]


def test_a_draft_cannot_be_approved(app, region, director):
    plan = plan_with_goal(director, region["a1"])
    coordinator = client_of(app, Role.COORDINATOR, region["a4"], "coord@example.org")
    page = coordinator.get(f"/schools/plans/{plan.id}").get_data(as_text=True)
    assert f"/schools/plans/{plan.id}/approve" not in page  # no approval form on a draft
    assert "черновик нельзя утвердить" in page
    response = approve(coordinator, plan, "Согласовано")
    assert response.status_code == 409
    assert "План ещё черновик" in response.get_data(as_text=True)
    db.session.expire_all()
    assert plan.status == PlanStatus.DRAFT and plan.approved_at is None
    assert [c.kind for c in plan.comments] == []
    assert "plan_approved" not in actions() and letters() == []


def test_submission_notifies_the_municipalitys_coordinators(app, region, director):
    plan = plan_with_goal(director, region["a1"])
    coordinator = client_of(app, Role.COORDINATOR, region["a4"], "coord@example.org")
    client_of(app, Role.COORDINATOR, region["b1"], "other-coord@example.org")
    make_user("blocked@example.org", Role.COORDINATOR, position="other", school=region["a2"])
    db.session.scalar(select_user("blocked@example.org")).active = False
    db.session.commit()
    response = submit(director, plan, "Просим утвердить до 1 октября.")
    assert response.status_code == 302
    db.session.expire_all()
    assert plan.status == PlanStatus.SUBMITTED
    assert [(c.kind, c.body) for c in plan.comments] == [
        ("submitted", "Просим утвердить до 1 октября.")
    ]
    (letter,) = letters()  # the own municipality's active coordinator, nobody else
    assert letter.recipient == "coord@example.org" and letter.kind == "plan_submitted"
    assert "План-программа 2025–2026" in letter.body_text
    assert f"http://localhost/schools/plans/{plan.id}" in letter.body_text
    assert "Просим утвердить до 1 октября." in letter.body_html
    assert actions() == ["plan_created", "plan_submitted"]
    # under review the director cannot change the plan; a second submission is refused
    page = f"/schools/plans/{plan.id}"
    response = director.post(f"{page}/goals/new", data={"title": "Новая цель"})
    assert director.get(f"{page}/goals/new").status_code == 409
    assert "План отправлен на утверждение" in director.get(f"{page}/goals/new").get_data(
        as_text=True
    )
    assert submit(director, plan).status_code == 409
    # the reviewer sees the approval and return forms
    body = coordinator.get(page).get_data(as_text=True)
    assert f"{page}/approve" in body and f"{page}/reopen" in body
    assert "На утверждении" in body


def test_return_and_approval_notify_the_director(app, region, director):
    plan = plan_with_goal(director, region["a1"])
    coordinator = client_of(app, Role.COORDINATOR, region["a4"], "coord@example.org")
    page = f"/schools/plans/{plan.id}"
    assert submit(director, plan).status_code == 302
    assert (
        send(coordinator, f"{page}/reopen", {"reason": "Уточните сроки."}, page).status_code == 302
    )
    db.session.expire_all()
    assert plan.status == PlanStatus.RETURNED
    returned = letters()[-1]
    assert returned.recipient == "head@example.org" and returned.kind == "plan_returned"
    assert "Уточните сроки." in returned.body_text and "на доработку" in returned.subject
    body = director.get(page).get_data(as_text=True)
    assert "вернул(а) план на доработку" in body and "Уточните сроки." in body
    # the director changes the returned plan and submits it again; now it can be approved
    response = add_goal(director, plan, indicator_code="vpr_rus_grade2", baseline="12", target="6")
    assert response.status_code == 302
    assert submit(director, plan).status_code == 302
    assert approve(coordinator, plan, "Согласовано ОМСУ").status_code == 302
    db.session.expire_all()
    assert plan.status == PlanStatus.APPROVED
    approved = letters()[-1]
    assert approved.recipient == "head@example.org" and approved.kind == "plan_approved"
    assert "утверждена" in approved.subject and "Согласовано ОМСУ" in approved.body_text
    assert [m.kind for m in letters()] == [
        "plan_submitted",
        "plan_returned",
        "plan_submitted",
        "plan_approved",
    ]
    assert actions() == [
        "plan_created",
        "plan_submitted",
        "plan_returned",
        "plan_submitted",
        "plan_approved",
    ]
    kinds = db.session.scalars(select(PlanComment.kind).order_by(PlanComment.id)).all()
    assert kinds == ["submitted", "reopened", "submitted", "approved"]


def select_user(email):
    from competence.accounts.models import User

    return select(User).where(User.email == email)


def record(client, plan, held_on, value="12"):
    goal = db.session.scalar(select(PlanGoal))
    return send(
        client,
        f"/schools/plans/{plan.id}/monitoring/entry",
        {"held_on": held_on, f"goal_{goal.id}": value},
    )


def test_a_monitoring_point_dated_in_the_future_is_refused(app, region, director):
    plan = plan_with_goal(director, region["a1"])
    tomorrow = local_today() + timedelta(days=1)
    response = record(director, plan, tomorrow.isoformat(), "17,5")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Точку мониторинга нельзя датировать будущим числом" in body
    assert 'value="17,5"' in body  # what was typed is kept
    db.session.expire_all()
    assert plan.monitoring == []
    assert record(director, plan, local_today().isoformat()).status_code == 302


def test_today_is_the_portals_date_not_the_servers(app, region, director, monkeypatch):
    plan = plan_with_goal(director, region["a1"])
    # 20:30 UTC on 3 December is already 4 December in Vladivostok (PORTAL_TIMEZONE, UTC+10)
    evening = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)
    monkeypatch.setattr("competence.tracks.services.utcnow", lambda: evening)
    assert record(director, plan, "2026-12-05").status_code == 422
    assert record(director, plan, "2026-12-04").status_code == 302
    db.session.expire_all()
    assert plan.monitoring[0].held_on == date(2026, 12, 4)
