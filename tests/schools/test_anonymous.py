"""Every page of the school module sends an anonymous visitor to sign in, never to an error."""

from datetime import date

import pytest

from competence.extensions import db
from competence.schools.models import SchoolPartnership
from competence.schools.plan_models import ImprovementPlan, PlanGoal, PlanMeasure
from tests.factories import csrf_token, make_school

# Values for the variable parts of the module's rules; every object exists with id 1.
ARGUMENTS = {"stage": "entry"}


@pytest.fixture
def objects(app):
    school = make_school("t-001")
    partner = make_school("t-002", name="МБОУ СОШ № 2")
    plan = ImprovementPlan(
        school=school, title="План", starts_on=date(2025, 9, 1), ends_on=date(2026, 8, 31)
    )
    goal = PlanGoal(plan=plan, position=1, title="Цель", baseline=1.0, target=2.0)
    measure = PlanMeasure(plan=plan, title="Мера", responsible="Иванова", due_on=date(2026, 1, 1))
    agreement = SchoolPartnership(
        school=school, partner=partner, agreement_number="1", agreement_date=date(2025, 1, 1)
    )
    db.session.add_all([plan, goal, measure, agreement])
    db.session.commit()
    assert {plan.id, goal.id, measure.id, agreement.id, school.id} == {1}


def school_requests(app):
    """Return (method, url) for every rule of the schools blueprint, GET and POST alike."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("schools."):
            continue
        values = {name: ARGUMENTS.get(name, 1) for name in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            found.append((method, url))
    return found


def test_every_school_route_sends_an_anonymous_visitor_to_sign_in(app, client, objects):
    requests = school_requests(app)
    assert len(requests) >= 20  # the walk really covers the module
    # A token from the sign-in page lets the POSTs past CSRF, to the check that matters here.
    token = csrf_token(client, "/login")
    for method, url in requests:
        if method == "POST":
            response = client.post(url, data={"csrf_token": token})
        else:
            response = client.get(url)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.headers["Location"].startswith("/login"), (method, url)


def test_an_anonymous_json_request_gets_401(app, client, objects):
    response = client.get("/schools/1", headers={"Accept": "application/json"})
    assert response.status_code == 401
