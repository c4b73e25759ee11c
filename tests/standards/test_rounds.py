"""A modified-Angoff round through the pages: opening, rating, the cut, adoption."""

import re

import pytest
from sqlalchemy import select

from competence.accounts.models import Role
from competence.analytics.angoff import angoff_cut, rounded_cut
from competence.audit import AuditEvent
from competence.extensions import db
from competence.instruments import services as content
from competence.instruments.models import ContentKind
from competence.outbox.models import OutboxMessage
from competence.standards.models import Rating, StandardRound
from competence.standards.results import rated_items
from tests.factories import csrf_token, login, make_user
from tests.instruments.helpers import document
from tests.standards.conftest import COMPETENCE, INSTRUMENT, open_round


def the_round() -> StandardRound:
    db.session.expire_all()
    return db.session.scalars(select(StandardRound)).one()


def item_ids(round_) -> list[str]:
    return [rated.item.id for rated in rated_items(round_.version, round_.competence)]


def rate(client, round_id, values: dict, action="save"):
    """Post ratings (item id -> typed text) from the rating page."""
    url = f"/standards/{round_id}/rate"
    data = {f"rating-{key}": value for key, value in values.items()}
    return client.post(url, data={**data, "action": action, "csrf_token": csrf_token(client, url)})


def audit_codes() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_instrument_page_offers_a_round_and_says_the_authors_set_the_cuts(panel):
    page = panel.clients["owner"].get(f"/instruments/instrument/{INSTRUMENT}")
    html = page.get_data(as_text=True)
    assert f"/standards/new/{INSTRUMENT}" in html
    assert "экспертное суждение авторов" in html


def test_opening_a_round_invites_the_panel_by_letter_and_is_audited(panel):
    response = open_round(panel)
    round_ = the_round()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/standards/{round_.id}")
    assert {p.user_id for p in round_.panellists} == {panel.owner.id, panel.second.id}
    assert round_.version.number == document("instrument", INSTRUMENT).latest_published.number
    letters = db.session.scalars(select(OutboxMessage)).all()
    # The owner does not write to themself.
    assert [letter.recipient for letter in letters] == ["second@example.org"]
    assert f"/standards/{round_.id}/rate" in letters[0].body_text
    assert "Порог планирования" in letters[0].body_text
    assert "standard_round_opened" in audit_codes()
    # The invited panellist sees the round among theirs.
    assert "Порог планирования" in panel.clients["second"].get("/standards/").get_data(True)


def test_a_round_needs_two_panellists_and_a_competence_with_items(panel):
    response = open_round(panel, panellists=[panel.owner.id])
    assert response.status_code == 422
    assert "не менее двух" in response.get_data(as_text=True)
    response = open_round(panel, competence="no-such-competence")
    assert response.status_code == 422
    assert db.session.scalars(select(StandardRound)).all() == []
    # A teacher cannot be put on the panel.
    response = open_round(panel, panellists=[panel.owner.id, panel.teacher.id])
    assert response.status_code == 422


def test_only_invited_panellists_open_the_rating_page_and_teachers_none(panel):
    open_round(panel)
    round_id = the_round().id
    assert panel.clients["second"].get(f"/standards/{round_id}/rate").status_code == 200
    assert panel.clients["outsider"].get(f"/standards/{round_id}/rate").status_code == 404
    assert panel.clients["outsider"].get(f"/standards/{round_id}").status_code == 200
    for url in (f"/standards/{round_id}/rate", f"/standards/{round_id}", "/standards/"):
        assert panel.clients["teacher"].get(url).status_code == 403


def test_the_rating_page_shows_stems_and_keys(panel):
    open_round(panel)
    round_ = the_round()
    html = panel.clients["second"].get(f"/standards/{round_.id}/rate").get_data(as_text=True)
    for rated in rated_items(round_.version, COMPETENCE):
        assert f'name="rating-{rated.item.id}"' in html
    assert "bi-check-circle-fill" in html or "Ответ" in html


def test_partial_save_keeps_everything_and_bad_input_changes_nothing(panel):
    open_round(panel)
    round_ = the_round()
    ids = item_ids(round_)
    client = panel.clients["second"]
    response = rate(client, round_.id, {ids[0]: "0,7", ids[1]: "0.4"})
    assert response.status_code == 302
    html = client.get(f"/standards/{round_.id}/rate").get_data(as_text=True)
    assert re.search(rf'name="rating-{ids[0]}" value="0,7"', html)
    # 1.5 and text: refused as a whole, with a Russian message; the good 0.9 is not saved either.
    for bad in ("1.5", "много", "nan"):
        response = rate(client, round_.id, {ids[0]: "0.9", ids[1]: "0.4", ids[2]: bad})
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "от 0 до 1" in html
        assert f'value="{bad}"' in html  # what was typed stays on the page
    db.session.expire_all()
    values = dict(db.session.execute(select(Rating.item_id, Rating.value)).all())
    assert values == {ids[0]: 0.7, ids[1]: 0.4}


def test_finishing_needs_every_item_and_the_cut_appears_after_two(panel):
    open_round(panel)
    round_ = the_round()
    ids = item_ids(round_)
    owner, second = panel.clients["owner"], panel.clients["second"]
    response = rate(second, round_.id, {ids[0]: "0.5"}, action="finish")
    assert response.status_code == 302
    assert the_round().panellists[1].finished_at is None
    second_values = [0.5 + 0.05 * (i % 3) for i in range(len(ids))]
    owner_values = [0.8 - 0.1 * (i % 2) for i in range(len(ids))]
    rate(second, round_.id, dict(zip(ids, map(str, second_values), strict=True)), action="finish")
    # One finished panellist: the owner, still rating, sees the progress and no cut.
    html = owner.get(f"/standards/{round_.id}").get_data(as_text=True)
    assert "1 из 2" in html and "Порог каждого эксперта" not in html
    rate(owner, round_.id, dict(zip(ids, map(str, owner_values), strict=True)), action="finish")
    weights = [rated.weight for rated in rated_items(round_.version, COMPETENCE)]
    expected = angoff_cut([owner_values, second_values], weights)
    owners_view = owner.get(f"/standards/{round_.id}").get_data(as_text=True)
    assert f"{expected.cut:.1f}".replace(".", ",") in owners_view
    assert "Белов Борис" in owners_view and "Орлова Ольга" in owners_view
    # To the other panellist the panel is anonymous.
    seconds_view = second.get(f"/standards/{round_.id}").get_data(as_text=True)
    assert "Эксперт 1" in seconds_view and "Эксперт 2" in seconds_view
    assert "Орлова Ольга" not in seconds_view.split("Орлова Ольга,")[-1]
    assert "standard_ratings_finished" in audit_codes()
    # Having seen the others' cuts, a panellist cannot move their own towards them.
    locked = second.get(f"/standards/{round_.id}/rate").get_data(as_text=True)
    assert 'value="finish"' not in locked and " disabled" in locked
    moved = rate(second, round_.id, dict.fromkeys(ids, "0.9"), action="finish")
    assert moved.status_code in (409, 422)
    db.session.expire_all()
    stored = db.session.scalars(
        select(Rating.value).where(Rating.panellist_id == the_round().panellists[1].id)
    ).all()
    assert sorted(stored) == sorted(second_values)


def finish_both(panel, round_):
    ids = item_ids(round_)
    rate(panel.clients["owner"], round_.id, dict.fromkeys(ids, "0.62"), action="finish")
    rate(panel.clients["second"], round_.id, dict.fromkeys(ids, "0.7"), action="finish")


def test_adoption_writes_the_cut_into_a_new_draft_with_its_provenance(panel):
    open_round(panel)
    round_ = the_round()
    owner = panel.clients["owner"]
    adopt = f"/standards/{round_.id}/adopt"
    # Too early: fewer than two finished.
    response = owner.post(adopt, data={"csrf_token": csrf_token(owner, f"/standards/{round_.id}")})
    assert response.status_code == 409
    finish_both(panel, round_)
    # Only the owner adopts.
    second = panel.clients["second"]
    token = csrf_token(second, f"/standards/{round_.id}")
    assert second.post(adopt, data={"csrf_token": token}).status_code == 403
    response = owner.post(adopt, data={"csrf_token": csrf_token(owner, f"/standards/{round_.id}")})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/instruments/instrument/{INSTRUMENT}")
    round_ = the_round()
    assert not round_.is_open
    assert round_.adopted_cut == rounded_cut(66.0) == 66
    assert round_.panel_size == 2
    doc = document(ContentKind.INSTRUMENT, INSTRUMENT)
    draft = doc.draft
    assert draft is not None and round_.adopted_version_id == draft.id
    assert draft.content["thresholds"] == {COMPETENCE: 66}
    assert (
        list(draft.content).index("thresholds")
        == list(draft.content).index("deficit_threshold") + 1
    )
    assert "standard_cut_adopted" in audit_codes()
    page = owner.get(f"/instruments/instrument/{INSTRUMENT}").get_data(as_text=True)
    assert f"№ {round_.id}" in page and "не опубликован" in page
    # Published, the cut says where it came from; the round can no longer be rated.
    content.publish_draft(draft, panel.owner)
    page = owner.get(f"/instruments/instrument/{INSTRUMENT}").get_data(as_text=True)
    assert "Ангоф" in page
    response = rate(panel.clients["second"], round_.id, {item_ids(round_)[0]: "0.1"})
    assert response.status_code == 409
    assert (
        owner.post(adopt, data={"csrf_token": csrf_token(owner, "/standards/")}).status_code == 409
    )


@pytest.mark.parametrize("who", ["owner", "outsider"])
def test_the_new_round_page_is_for_methodists(panel, who):
    assert panel.clients[who].get(f"/standards/new/{INSTRUMENT}").status_code == 200
    assert panel.clients["teacher"].get(f"/standards/new/{INSTRUMENT}").status_code == 403
    assert panel.clients[who].get("/standards/new/no-such").status_code == 404


def test_a_panellist_still_rating_does_not_see_the_others_cuts(panel):
    open_round(panel, panellists=[panel.owner.id, panel.second.id, panel.outsider.id])
    round_ = the_round()
    ids = item_ids(round_)
    rate(panel.clients["owner"], round_.id, dict.fromkeys(ids, "0.6"), action="finish")
    rate(panel.clients["outsider"], round_.id, dict.fromkeys(ids, "0.8"), action="finish")
    seconds_view = panel.clients["second"].get(f"/standards/{round_.id}").get_data(as_text=True)
    assert "когда вы завершите свою оценку" in seconds_view
    assert "70,0" not in seconds_view and "Эксперт 1" not in seconds_view
    rate(panel.clients["second"], round_.id, dict.fromkeys(ids, "0.7"), action="finish")
    seconds_view = panel.clients["second"].get(f"/standards/{round_.id}").get_data(as_text=True)
    assert "70,0" in seconds_view and "Эксперт 3" in seconds_view


def test_an_administrator_sees_a_round_but_rates_only_when_invited(panel, app):
    make_user("admin@example.org", Role.ADMIN, "other", full_name="Админ")
    admin = app.test_client()
    login(admin, "admin@example.org")
    open_round(panel)
    round_id = the_round().id
    assert admin.get(f"/standards/{round_id}").status_code == 200
    assert admin.get(f"/standards/{round_id}/rate").status_code == 404
