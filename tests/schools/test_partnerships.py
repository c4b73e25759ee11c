"""Partner schools: suggestions on the card, recording and ending an agreement, who may do it."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from competence.accounts.models import Role
from competence.audit import AuditEvent
from competence.extensions import db
from competence.schools.dataset import load_dataset
from competence.schools.models import SchoolPartnership
from competence.schools.partnerships import suggestions
from tests.factories import csrf_token, login, make_user
from tests.schools.helpers import load_region, school_name


@pytest.fixture
def region(app):
    return load_region()


def client_of(app, role, school, email):
    make_user(email, role, position="other", school=school, municipality=school.municipality)
    client = app.test_client()
    login(client, email)
    return client


def confirm(client, school, partner, number="СВ-12", signed_on=None, notes="Наставничество"):
    url = f"/schools/{school.id}"
    return client.post(
        f"/schools/{school.id}/partnerships",
        data={
            "csrf_token": csrf_token(client, url),
            "partner": partner.id if partner else "",
            "number": number,
            "signed_on": (signed_on or date(2025, 3, 1)).isoformat(),
            "notes": notes,
        },
    )


def in_force() -> list[SchoolPartnership]:
    return db.session.scalars(
        select(SchoolPartnership).where(SchoolPartnership.ended_at.is_(None))
    ).all()


def test_suggestions_same_group_same_municipality_first_then_closest_conditions(region):
    dataset = load_dataset()
    window = dataset.window()
    # a1 (ШНРО, Амурский): a3 is stable high in the same municipality; b1 (stable high and
    # resilient) is elsewhere
    assert [s.school.code for s in suggestions(dataset, window, region["a1"])] == ["a3", "b1"]
    assert [s.school.code for s in suggestions(dataset, window, region["a2"])] == ["a3", "b1"]
    # schools that are not ШНРО or risk get none
    assert suggestions(dataset, window, region["a4"]) == []
    assert suggestions(dataset, window, region["b1"]) == []


def test_card_lists_suggestions_and_a_coordinator_records_the_agreement(app, region):
    coordinator = client_of(app, Role.COORDINATOR, region["a4"], "coord@example.org")
    page = coordinator.get(f"/schools/{region['a1'].id}").get_data(as_text=True)
    partners = page.split('id="partners"')[1].split("</section>")[0]
    names = [n.strip() for n in re.findall(r"<tr>\s*<td>(?:<a [^>]*>)?([^<]+)<", partners)]
    assert names == [school_name("a3"), school_name("b1")]
    # a3 of the own municipality is a link; b1 of another municipality is not reachable
    assert f'href="/schools/{region["a3"].id}"' in partners
    assert f'href="/schools/{region["b1"].id}"' not in partners
    response = confirm(coordinator, region["a1"], region["b1"])
    assert response.status_code == 302
    (partnership,) = in_force()
    assert (partnership.school, partnership.partner) == (region["a1"], region["b1"])
    assert (partnership.agreement_number, partnership.agreement_date) == ("СВ-12", date(2025, 3, 1))
    assert partnership.created_by.email == "coord@example.org"
    assert db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "partnership_confirmed")
    )
    card = coordinator.get(f"/schools/{region['a1'].id}").get_data(as_text=True)
    card = card.replace("\u202f", " ").replace("\xa0", " ")  # CLDR spaces in dates
    # the partner in force is no longer shown among the suggestions
    partners = card.split('id="partners"')[1].split("Предлагаемые")[1].split("</table>")[0]
    assert school_name("a3") in partners and school_name("b1") not in partners
    assert "Договор № СВ-12 от 1 мар. 2025 г." in card and "Наставничество" in card
    methodist = client_of(app, Role.METHODIST, region["b2"], "m@example.org")
    partner_card = methodist.get(f"/schools/{region['b1'].id}").get_data(as_text=True)
    assert "Школа поддерживает" in partner_card and school_name("a1") in partner_card


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"number": ""}, 422, "Заполните это поле."),
        ({"signed_on": date.today() + timedelta(days=3)}, 422, "Договор не может быть датирован"),
        ({"partner": "a4"}, 422, None),  # not among the suggested partners
    ],
)
def test_bad_agreements_are_refused_and_nothing_is_recorded(app, region, data, status, message):
    methodist = client_of(app, Role.METHODIST, region["b2"], "m@example.org")
    partner = region[data.pop("partner")] if "partner" in data else region["a3"]
    response = confirm(methodist, region["a1"], partner, **data)
    assert response.status_code == status
    assert message is None or message in response.get_data(as_text=True)
    assert in_force() == []


def test_the_same_agreement_twice_is_a_conflict(app, region):
    methodist = client_of(app, Role.METHODIST, region["b2"], "m@example.org")
    assert confirm(methodist, region["a1"], region["a3"]).status_code == 302
    response = confirm(methodist, region["a1"], region["a3"], number="СВ-13")
    assert response.status_code == 409
    assert "С этой школой уже действует договор (№ СВ-12)." in response.get_data(as_text=True)
    assert len(in_force()) == 1


def test_ending_an_agreement_keeps_it_in_the_history(app, region):
    methodist = client_of(app, Role.METHODIST, region["b2"], "m@example.org")
    confirm(methodist, region["a1"], region["a3"])
    (partnership,) = in_force()
    url = f"/schools/partnerships/{partnership.id}/end"
    token = csrf_token(methodist, f"/schools/{region['a1'].id}")
    response = methodist.post(url, data={"csrf_token": token, "reason": "Срок договора истёк"})
    assert response.status_code == 302
    db.session.expire_all()
    assert in_force() == []
    card = methodist.get(f"/schools/{region['a1'].id}").get_data(as_text=True)
    assert "прекращён" in card and "Срок договора истёк" in card
    assert methodist.post(url, data={"csrf_token": token}).status_code == 409
    # a new agreement with the same school may follow an ended one
    assert confirm(methodist, region["a1"], region["a3"], number="СВ-14").status_code == 302


def test_who_may_record_and_end(app, region):
    # a coordinator of another municipality does not even see the school
    other = client_of(app, Role.COORDINATOR, region["b2"], "other@example.org")
    assert confirm(other, region["a1"], region["a3"]).status_code == 404
    # the director of the school sees the card and the suggestions but does not record
    director = client_of(app, Role.DIRECTOR, region["a1"], "head@example.org")
    page = director.get(f"/schools/{region['a1'].id}").get_data(as_text=True)
    assert "Оформить договор о сетевом взаимодействии" not in page
    assert confirm(director, region["a1"], region["a3"]).status_code == 403
    admin = client_of(app, Role.ADMIN, region["b2"], "admin@example.org")
    assert confirm(admin, region["a1"], region["a3"]).status_code == 403
    methodist = client_of(app, Role.METHODIST, region["b2"], "m@example.org")
    confirm(methodist, region["a1"], region["a3"])
    (partnership,) = in_force()
    url = f"/schools/partnerships/{partnership.id}/end"
    token = csrf_token(director, f"/schools/{region['a1'].id}")
    assert director.post(url, data={"csrf_token": token}).status_code == 403
    other_token = csrf_token(other, "/cabinet/")
    assert other.post(url, data={"csrf_token": other_token}).status_code == 404
    assert len(in_force()) == 1
