"""Saving answers: stale and repeated form posts, limits of numbers, sign-in, the deadline."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from competence.database import utcnow
from competence.diagnostics import services
from competence.diagnostics.models import Attempt, AttemptStatus
from competence.extensions import db
from tests.diagnostics.helpers import (
    best_answer,
    instrument,
    open_attempt,
    page_answer,
    save,
    saved,
    worst_answer,
)
from tests.factories import csrf_token, login, make_user, post_form


def items_of(key, *types):
    """Return the first item of each type, in the order asked."""
    ready = instrument(key)
    return [next(i for i in ready.instrument.items if i.type == kind) for kind in types]


def form_of(attempt, ready, answers: dict, sequence: int) -> dict:
    """Return a plain form post giving these answers (choice and numeric items)."""
    form = {"sequence": str(sequence)}
    for item in ready.instrument.items:
        if item.id in answers:
            value = page_answer(attempt, item.id, answers[item.id])
            form[f"a-{item.id}"] = str(value).replace(".", ",")
    return form


def test_a_form_post_after_the_autosave_of_the_same_answers_is_not_stale(teacher):
    # The page autosaves the last number as "finish" is clicked; the post names the sequence
    # the page had before that save. It carries the same answers, so it is not refused.
    attempt = open_attempt(teacher, "mathematics-teacher")
    ready = instrument("mathematics-teacher")
    choice, numeric = items_of("mathematics-teacher", "single_choice", "numeric")
    assert save(teacher, attempt, choice.id, best_answer(choice, ready.scales)).status_code == 200
    assert save(teacher, attempt, numeric.id, "40").status_code == 200
    db.session.refresh(attempt)
    assert attempt.sequence == 2
    form = form_of(
        attempt, ready, {choice.id: best_answer(choice, ready.scales), numeric.id: "40"}, sequence=1
    )
    form["finish"] = "1"
    response = post_form(teacher, f"/diagnostics/attempts/{attempt.id}", form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/diagnostics/attempts/{attempt.id}/submit")
    page = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "изменены в другой вкладке" not in page
    assert saved(attempt) == {choice.id: best_answer(choice, ready.scales), numeric.id: 40}


def test_a_stale_form_post_is_shown_again_with_what_was_typed(teacher):
    attempt = open_attempt(teacher, "mathematics-teacher")
    ready = instrument("mathematics-teacher")
    choice, numeric = items_of("mathematics-teacher", "single_choice", "numeric")
    # Another tab saves a number; this page, opened before, posts another one.
    assert save(teacher, attempt, numeric.id, "41").status_code == 200
    wrong = worst_answer(choice, ready.scales)
    form = form_of(attempt, ready, {choice.id: wrong, numeric.id: "40,5"}, sequence=0)
    response = post_form(teacher, f"/diagnostics/attempts/{attempt.id}", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "изменены в другой вкладке" in page and "не сохранены" in page
    assert 'value="40,5"' in page
    shown = page_answer(attempt, choice.id, wrong)
    assert f'id="a-{choice.id}-{shown}" value="{shown}" checked' in page
    # The page now names the current sequence, so pressing "save" again works.
    assert 'name="sequence" value="1"' in page
    assert saved(attempt) == {numeric.id: 41}
    again = post_form(teacher, f"/diagnostics/attempts/{attempt.id}", form | {"sequence": "1"})
    assert again.status_code == 303
    assert saved(attempt) == {choice.id: wrong, numeric.id: 40.5}


@pytest.mark.parametrize("sequence", [2**63, 2**31, -1, 10**40])
def test_a_sequence_out_of_range_is_refused(teacher, sequence):
    attempt = open_attempt(teacher)
    item = attempt.layout["items"][0]
    response = save(teacher, attempt, item, 3, sequence=sequence)
    assert response.status_code == 400
    assert "неверный номер сохранения" in response.json["error"]
    form = post_form(teacher, f"/diagnostics/attempts/{attempt.id}", {"sequence": str(sequence)})
    assert form.status_code == 400
    assert "неверный номер сохранения" in form.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.sequence == 0 and saved(attempt) == {}


@pytest.mark.parametrize(
    ("kind", "answer", "message"),
    [
        ("numeric", 10**400, "Слишком большое число"),
        ("numeric", "9" * 400, "Введите число"),
        ("numeric", float("inf"), "Введите число"),
        # The page names elements by tokens: digits name none of them.
        ("ordering", ["9" * 5000, "1", "2"], "своё место"),
        ("ordering", ["²", "1", "2"], "своё место"),
        ("matching", [10**400, None, None], "Такого элемента справа нет"),
    ],
)
def test_huge_numbers_are_refused_with_a_message(teacher, kind, answer, message):
    attempt = open_attempt(teacher, "mathematics-teacher")
    (item,) = items_of("mathematics-teacher", kind)
    if kind == "matching":
        answer = answer + [None] * (len(item.body.pairs) - len(answer))
    response = save(teacher, attempt, item.id, answer)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert message in response.json["error"]
    assert saved(attempt) == {}


def test_a_save_without_a_session_gets_401_json(app, teacher):
    attempt = open_attempt(teacher)
    ready = instrument("soft-skills")
    item = ready.instrument.items[0]
    token = csrf_token(teacher, f"/diagnostics/attempts/{attempt.id}")
    # Signed out in another tab: the same cookie, no user any more.
    post_form(teacher, "/logout", {}, page="/cabinet/")
    response = save(teacher, attempt, item.id, best_answer(item, ready.scales), 0, token)
    assert response.status_code == 401
    assert response.is_json and "Сеанс завершён" in response.json["error"]
    assert response.json["login"] == f"/login?next=/diagnostics/attempts/{attempt.id}"
    # Without any session at all (the cookie expired) it is the same, not a CSRF error.
    stranger = app.test_client()
    response = save(stranger, attempt, item.id, 1, 0, token="whatever")
    assert response.status_code == 401 and "Сеанс завершён" in response.json["error"]
    assert saved(attempt) == {}
    # Signed in again, the CSRF check still applies.
    login(teacher)
    refused = save(teacher, attempt, item.id, best_answer(item, ready.scales), 0, "forged")
    assert refused.status_code == 400 and saved(attempt) == {}


@pytest.mark.parametrize(("late", "accepted"), [(1.0, False), (-1.5, True)])
def test_the_deadline_grace_is_short(teacher, late, accepted):
    attempt = open_attempt(teacher)
    ready = instrument("soft-skills")
    first, second = ready.instrument.items[:2]
    save(teacher, attempt, first.id, best_answer(first, ready.scales), sequence=0)
    token = csrf_token(teacher, f"/diagnostics/attempts/{attempt.id}")
    # `late` seconds after the deadline plus the grace.
    attempt.deadline_at = utcnow() - services.DEADLINE_GRACE - timedelta(seconds=late)
    db.session.commit()
    response = save(teacher, attempt, second.id, best_answer(second, ready.scales), 1, token)
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    if accepted:
        assert response.status_code == 200
        assert second.id in saved(attempt) and attempt.status == AttemptStatus.IN_PROGRESS
    else:
        assert response.status_code == 409
        assert "Диагностика завершена" in response.json["error"]
        assert saved(attempt) == {first.id: best_answer(first, ready.scales)}
        assert attempt.is_submitted and attempt.sequence == 1
    assert timedelta(seconds=3) >= services.DEADLINE_GRACE


@pytest.mark.parametrize(
    ("kind", "answer", "message"),
    [
        ("multiple_choice", "a", "Ожидается список выбранных вариантов"),
        ("multiple_choice", ["zz"], "нет такого варианта"),
        ("multiple_choice", [1, 2], "Ожидается список выбранных вариантов"),
        ("matching", [0], "Ожидается выбор для каждого элемента слева"),
        ("matching", {"0": 1}, "Ожидается выбор для каждого элемента слева"),
        ("matching", "all", "Ожидается выбор для каждого элемента слева"),
        ("ordering", [0, 0, 1], "своё место"),
        ("ordering", "0,1,2", "своё место"),
        ("ordering", [True, 0, 1], "своё место"),
    ],
)
def test_bad_json_answers_leave_the_saved_ones(teacher, kind, answer, message):
    attempt = open_attempt(teacher, "mathematics-teacher")
    ready = instrument("mathematics-teacher")
    (item,) = items_of("mathematics-teacher", kind)
    choice, numeric = items_of("mathematics-teacher", "single_choice", "numeric")
    before = {
        choice.id: best_answer(choice, ready.scales),
        numeric.id: 40,
        item.id: best_answer(item, ready.scales),
    }
    for item_id, value in before.items():
        assert save(teacher, attempt, item_id, value).status_code == 200
    if kind == "ordering" and isinstance(answer, list):
        answer = answer + list(range(3, len(item.body.sequence)))
    response = save(teacher, attempt, item.id, answer)
    assert response.status_code == 400
    assert message in response.json["error"], response.json["error"]
    assert response.json["item"] == item.id
    db.session.refresh(attempt)
    assert attempt.sequence == 3 and saved(attempt) == before


def test_somebody_elses_attempt_is_not_found_anywhere(app, teacher):
    attempt = open_attempt(teacher)
    make_user(email="other@example.org")
    other = app.test_client()
    login(other, "other@example.org")
    url = f"/diagnostics/attempts/{attempt.id}"
    form = post_form(other, url, {"sequence": "0"}, page="/diagnostics/")
    submit = post_form(other, f"{url}/submit", {}, page="/diagnostics/")
    assert form.status_code == submit.status_code == 404
    assert other.get(f"{url}/submit").status_code == 404
    services.submit(attempt)
    assert other.get(f"{url}/result").status_code == 404
    assert teacher.get(f"{url}/result").status_code == 200
    db.session.expire_all()
    stored = db.session.scalar(select(Attempt).where(Attempt.id == attempt.id))
    assert stored.sequence == 0 and stored.submit_reason == "taker"


def test_without_scripts_the_page_asks_to_press_save(teacher):
    attempt = open_attempt(teacher)
    page = teacher.get(f"/diagnostics/attempts/{attempt.id}").get_data(as_text=True)
    # The autosave sentence is hidden until the script shows it (tested in the browser).
    promise = re.search(r'<span data-autosave-note="on"( hidden)?>([^<]*)</span>', page)
    assert promise and promise.group(1) == " hidden"
    assert "Ответы сохраняются сразу" in promise.group(2)
    hint = re.search(r'<span data-autosave-note="off">([^<]*)</span>', page).group(1)
    assert "нажмите «Сохранить ответы»" in hint
