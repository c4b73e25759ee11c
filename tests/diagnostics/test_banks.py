"""Sittings of a banked instrument: the drawn form is what is shown, saved, scored, reviewed."""

from sqlalchemy import select

from competence.diagnostics import sittings
from competence.diagnostics.models import Attempt
from competence.diagnostics.pagetokens import attempt_tokens
from competence.extensions import db
from competence.instruments.presentation import PageTokens
from competence.measurement.models import ItemCalibration
from tests.diagnostics.banks import BANK, COMPETENCES, KEY, K, publish_bank
from tests.diagnostics.helpers import (
    best_answer,
    document,
    instrument,
    open_attempt,
    save,
    saved,
    take,
    worst_answer,
)
from tests.factories import csrf_token, post_form


def banked(teacher, **options):
    publish_bank(**options)
    return teacher


def competence_of(item_id):
    return COMPETENCES[int(item_id[3]) - 1]


def test_a_sitting_draws_k_items_per_competence_and_keeps_them_in_its_layout(teacher):
    client = banked(teacher)
    attempt = open_attempt(client, KEY)
    drawn = attempt.layout["form"]
    assert len(drawn) == K * len(COMPETENCES)
    assert sorted(attempt.layout["items"]) == sorted(drawn)
    for competence in COMPETENCES:
        assert sum(competence_of(i) == competence for i in drawn) == K
    # Matched in difficulty: one item from each third of each competence's bank.
    for c in "12":
        assert sorted((int(i[4]) - 1) // 2 for i in drawn if i[3] == c) == [0, 1, 2]

    page = client.get(f"/diagnostics/attempts/{attempt.id}").get_data(as_text=True)
    stems = {item.id: item.stem for item in instrument(KEY).instrument.items}
    for item_id, stem in stems.items():
        assert (stem in page) == (item_id in drawn), item_id
    # The offer says how many questions one sitting has.
    assert f"{K * len(COMPETENCES)} вопросов" in client.get("/diagnostics/").get_data(as_text=True)


def test_instruments_without_a_form_lay_out_every_item(teacher):
    attempt = open_attempt(teacher, "soft-skills")
    assert "form" not in attempt.layout
    assert len(attempt.layout["items"]) == len(instrument("soft-skills").instrument.items)


def test_the_answer_api_refuses_items_the_sitting_did_not_draw(teacher):
    client = banked(teacher)
    attempt = open_attempt(client, KEY)
    drawn = attempt.layout["form"]
    other = next(item.id for item in instrument(KEY).instrument.items if item.id not in drawn)
    response = save(client, attempt, other, "a")
    assert response.status_code == 400
    assert response.json["error"] == "Такого вопроса в этой диагностике нет."
    db.session.refresh(attempt)
    assert attempt.sequence == 0 and saved(attempt) == {}

    response = save(client, attempt, drawn[0], "a")
    assert response.status_code == 200
    assert response.json["answered"] == 1
    assert response.json["total"] == len(drawn)


def test_a_plain_form_post_saves_only_the_drawn_items(teacher):
    client = banked(teacher)
    attempt = open_attempt(client, KEY)
    drawn = attempt.layout["form"]
    tokens = attempt_tokens(attempt)
    data = {"sequence": "0"}
    for item in instrument(KEY).instrument.items:
        data[f"a-{item.id}"] = tokens(item.id, PageTokens.OPTION, "a")
    url = f"/diagnostics/attempts/{attempt.id}"
    response = post_form(client, url, data)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert saved(attempt) == dict.fromkeys(drawn, "a")

    confirm = client.get(f"{url}/submit").get_data(as_text=True)
    assert f"Отвечено {len(drawn)} из {len(drawn)}." in confirm
    assert "Без ответа" not in confirm


def test_scores_count_only_the_drawn_items(teacher):
    client = banked(teacher)
    attempt = take(client, KEY, best_answer)
    drawn = attempt.layout["form"]
    assert set(attempt.item_scores) == set(drawn)
    assert attempt.total_score == 100
    scores = {row.competence: row.score for row in attempt.competence_scores}
    assert scores == dict.fromkeys(COMPETENCES, 100)


def test_a_wrong_answer_weighs_one_drawn_item_not_one_bank_item(teacher):
    client = banked(teacher)
    attempt = open_attempt(client, KEY)
    drawn = attempt.layout["form"]
    ready = instrument(KEY)
    by_id = {item.id: item for item in ready.instrument.items}
    first = next(i for i in drawn if competence_of(i) == COMPETENCES[0])
    for item_id in drawn:
        choose = worst_answer if item_id == first else best_answer
        response = save(client, attempt, item_id, choose(by_id[item_id], ready.scales))
        assert response.status_code == 200
    post_form(client, f"/diagnostics/attempts/{attempt.id}/submit", {})
    db.session.refresh(attempt)
    scores = {row.competence: row.score for row in attempt.competence_scores}
    # Out of K drawn items, not out of the BANK items the competence has.
    assert round(scores[COMPETENCES[0]], 6) == round(100 * (K - 1) / K, 6)
    assert scores[COMPETENCES[1]] == 100
    assert attempt.item_scores[first] == 0


def test_the_review_lists_the_drawn_items_only(teacher):
    client = banked(teacher)
    attempt = take(client, KEY, best_answer)
    page = client.get(f"/diagnostics/attempts/{attempt.id}/review").get_data(as_text=True)
    for item in instrument(KEY).instrument.items:
        assert (item.stem in page) == (item.id in attempt.layout["form"]), item.id


def test_a_retake_draws_items_not_seen_before_then_falls_back_to_seen_ones(teacher):
    client = banked(teacher)
    first = take(client, KEY, best_answer)
    second = take(client, KEY, best_answer)
    assert not set(first.layout["form"]) & set(second.layout["form"])
    assert len(second.layout["form"]) == K * len(COMPETENCES)
    # With BANK = 2K the bank has no unseen item left: the third sitting takes seen ones.
    assert BANK == 2 * K
    third = take(client, KEY, best_answer)
    assert len(third.layout["form"]) == K * len(COMPETENCES)
    assert third.total_score == 100


def test_items_seen_in_an_older_version_count_as_seen(teacher):
    client = banked(teacher)
    first = take(client, KEY, best_answer)
    publish_bank(attempts_per_year=4)  # a new version of the same document
    second = open_attempt(client, KEY)
    assert second.version_id != first.version_id
    assert not set(first.layout["form"]) & set(second.layout["form"])


def test_shared_items_count_for_both_competences(teacher):
    client = banked(teacher, shared=True)
    attempt = take(client, KEY, best_answer)
    drawn = attempt.layout["form"]
    ready = instrument(KEY)
    links = {item.id: dict(item.competences) for item in ready.instrument.items}
    for competence in COMPETENCES:
        assert sum(competence in links[i] for i in drawn) >= K
    assert K * len(COMPETENCES) - 1 <= len(drawn) <= K * len(COMPETENCES)
    assert attempt.total_score == 100


def test_calibrated_difficulties_replace_the_stated_ones_once_a_competence_is_calibrated(teacher):
    publish_bank()
    doc = document(KEY)
    version = doc.latest_published
    ready = instrument(KEY)
    ids = [item.id for item in ready.instrument.items]
    for n, item_id in enumerate(ids):
        db.session.add(
            ItemCalibration(
                document_id=doc.id,
                version_id=version.id,
                item_id=item_id,
                n_attempts=50,
                facility=0.5,
                discrimination=None,
                upper_lower=None,
                rasch_difficulty=float(n),
                rasch_se=0.3,
                infit=None,
                outfit=None,
            )
        )
    db.session.commit()
    bank = sittings.bank_of(ready.instrument, doc.id)
    assert [item.calibrated for item in bank] == [float(n) for n in range(len(ids))]
    assert [item.stated for item in bank][:2] == ["easy", "easy"]

    # An extreme item of the latest calibration has no difficulty: its competence is
    # stratified on the stated difficulties again.
    latest = db.session.scalar(select(ItemCalibration).where(ItemCalibration.item_id == ids[0]))
    latest.rasch_difficulty = None
    db.session.commit()
    assert ids[0] not in sittings.calibrated_difficulties(doc.id)

    # A calibration over too few attempts does not count.
    assert ids[1] in sittings.calibrated_difficulties(doc.id)
    thin = db.session.scalar(select(ItemCalibration).where(ItemCalibration.item_id == ids[1]))
    thin.n_attempts = 12
    db.session.commit()
    assert ids[1] not in sittings.calibrated_difficulties(doc.id)


def test_the_attempt_page_counts_the_drawn_items(teacher):
    client = banked(teacher)
    attempt = open_attempt(client, KEY)
    url = f"/diagnostics/attempts/{attempt.id}"
    token = csrf_token(client, url)
    drawn = attempt.layout["form"]
    response = save(client, attempt, drawn[0], "a", token=token)
    assert response.json["total"] == len(drawn)
    assert db.session.get(Attempt, attempt.id).layout["form"] == drawn
