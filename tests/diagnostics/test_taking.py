"""Taking a diagnostic through the web client: offers, autosave, time limit, submission."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from competence.accounts.models import Role
from competence.database import utcnow
from competence.diagnostics.models import Attempt, CompetenceScore
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from tests.diagnostics.helpers import (
    best_answer,
    instrument,
    load_instruments,
    open_attempt,
    page_answer,
    save,
    saved,
    start,
)
from tests.factories import csrf_token, login, make_user, post_form


def test_offers_follow_position_and_subjects(app):
    load_instruments()
    cases = [
        (
            "math@example.org",
            "teacher",
            ("mathematics",),
            {"mathematics-teacher", "methodical-teacher", "soft-skills"},
        ),
        (
            "rus@example.org",
            "teacher",
            ("russian", "literature"),
            {"russian-teacher", "methodical-teacher", "soft-skills"},
        ),
        ("head@example.org", "director", (), {"management-director", "soft-skills"}),
        ("psy@example.org", "psychologist", (), {"soft-skills"}),
    ]
    for email, position, subjects, expected in cases:
        make_user(email=email, position=position, subjects=subjects)
        client = app.test_client()
        login(client, email)
        page = client.get("/diagnostics/").get_data(as_text=True)
        offered = {
            key
            for key in (
                "mathematics-teacher",
                "russian-teacher",
                "methodical-teacher",
                "management-director",
                "soft-skills",
            )
            if f"/diagnostics/{key}/start" in page
        }
        assert offered == expected, email


def test_start_resume_and_the_order_is_kept(teacher):
    attempt = open_attempt(teacher)
    first_page = teacher.get(f"/diagnostics/attempts/{attempt.id}").get_data(as_text=True)
    again = open_attempt(teacher)
    assert again.id == attempt.id
    second_page = teacher.get(f"/diagnostics/attempts/{attempt.id}").get_data(as_text=True)
    order = attempt.layout["items"]
    for page in (first_page, second_page):
        positions = [page.index(f'data-item="{item}"') for item in order]
        assert positions == sorted(positions)
    assert sorted(order) == sorted(i.id for i in instrument("soft-skills").instrument.items)


def test_an_answer_is_saved_and_the_sequence_moves_on(teacher):
    attempt = open_attempt(teacher)
    ready = instrument("soft-skills")
    item = ready.instrument.items[0]
    response = save(teacher, attempt, item.id, best_answer(item, ready.scales), sequence=0)
    assert response.status_code == 200
    assert response.json["sequence"] == 1
    assert response.json["answered"] == 1
    assert response.json["total"] == len(ready.instrument.items)  # every item: a fixed form
    assert saved(attempt) == {item.id: best_answer(item, ready.scales)}
    # A replay of the same request names an old sequence: refused, nothing changes.
    replay = save(teacher, attempt, item.id, 1, sequence=0)
    assert replay.status_code == 409 and replay.json["sequence"] == 1
    assert saved(attempt) == {item.id: best_answer(item, ready.scales)}
    # Clearing an answer is a save too.
    cleared = save(teacher, attempt, item.id, None, sequence=1)
    assert cleared.status_code == 200 and saved(attempt) == {}


@pytest.mark.parametrize(
    ("item_index", "answer", "message"),
    [
        (None, "a", "Такого вопроса в этой диагностике нет"),
        ("situational", "zz", "нет такого варианта"),
        ("likert", "много", "Ожидается целое число"),
        ("likert", 9, "Выберите одно из значений шкалы"),
        ("situational", ["a"], "нет такого варианта"),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_change_nothing(
    teacher, item_index, answer, message
):
    attempt = open_attempt(teacher)
    ready = instrument("soft-skills")
    items = {i.type: i for i in ready.instrument.items}
    item_id = items[item_index].id if item_index else "no-such-item"
    response = save(teacher, attempt, item_id, answer, sequence=0)
    assert response.status_code == 400
    assert message in response.json["error"]
    db.session.refresh(attempt)
    assert attempt.sequence == 0 and saved(attempt) == {}


def test_numbers_are_read_with_a_comma_and_text_is_refused(teacher):
    attempt = open_attempt(teacher, "mathematics-teacher")
    numeric = next(
        i for i in instrument("mathematics-teacher").instrument.items if i.type == "numeric"
    )
    good = save(teacher, attempt, numeric.id, "12,5")
    assert good.status_code == 200 and saved(attempt)[numeric.id] == 12.5
    bad = save(teacher, attempt, numeric.id, "двенадцать")
    assert bad.status_code == 400 and "Введите число" in bad.json["error"]
    assert saved(attempt)[numeric.id] == 12.5


def test_somebody_elses_attempt_is_not_found(app, teacher):
    attempt = open_attempt(teacher)
    make_user(email="other@example.org")
    other = app.test_client()
    login(other, "other@example.org")
    item = attempt.layout["items"][0]
    response = other.post(
        f"/api/attempts/{attempt.id}/answers",
        json={"item": item, "answer": 1, "sequence": 0},
        headers={"X-CSRFToken": csrf_token(other, "/diagnostics/")},
    )
    assert response.status_code == 404
    assert other.get(f"/diagnostics/attempts/{attempt.id}").status_code == 404
    assert saved(attempt) == {}


def test_a_save_without_csrf_token_is_refused(teacher):
    attempt = open_attempt(teacher)
    response = teacher.post(
        f"/api/attempts/{attempt.id}/answers",
        json={"item": attempt.layout["items"][0], "answer": 1, "sequence": 0},
    )
    assert response.status_code == 400
    assert "error" in response.json
    assert saved(attempt) == {}


def test_answers_after_the_deadline_are_refused_and_the_attempt_is_submitted(teacher):
    attempt = open_attempt(teacher)
    ready = instrument("soft-skills")
    item = ready.instrument.items[0]
    save(teacher, attempt, item.id, best_answer(item, ready.scales), sequence=0)
    token = csrf_token(teacher, f"/diagnostics/attempts/{attempt.id}")
    attempt.deadline_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    late = save(teacher, attempt, ready.instrument.items[1].id, 3, sequence=1, token=token)
    assert late.status_code == 409
    assert "Диагностика завершена" in late.json["error"]
    db.session.refresh(attempt)
    assert attempt.is_submitted and attempt.submit_reason == "timeout"
    assert saved(attempt) == {item.id: best_answer(item, ready.scales)}
    assert (
        db.session.scalar(
            select(func.count(CompetenceScore.id)).where(CompetenceScore.attempt_id == attempt.id)
        )
        == 6
    )
    page = teacher.get(f"/diagnostics/attempts/{attempt.id}", follow_redirects=True).get_data(
        as_text=True
    )
    assert "завершена по истечении времени" in page


def test_expired_attempts_are_closed_by_the_command(teacher, runner):
    attempt = open_attempt(teacher)
    attempt.deadline_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["diagnostics", "close-expired"])
    assert "1 attempt(s) closed" in result.output
    db.session.refresh(attempt)
    assert attempt.is_submitted


def test_submitting_twice_gives_one_result(app, teacher):
    attempt = open_attempt(teacher)
    url = f"/diagnostics/attempts/{attempt.id}/submit"
    token = csrf_token(teacher, url)
    # Two tabs press "finish" with the same page loaded.
    first = teacher.post(url, data={"csrf_token": token})
    second = teacher.post(url, data={"csrf_token": token})
    assert first.status_code == second.status_code == 302
    assert (
        db.session.scalar(
            select(func.count(CompetenceScore.id)).where(CompetenceScore.attempt_id == attempt.id)
        )
        == 6
    )
    letters = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "diagnostic_result")
    )
    assert letters == 1
    late = save(teacher, attempt, attempt.layout["items"][0], 1, sequence=0, token=token)
    assert late.status_code == 409


def test_plain_form_post_saves_every_answer_and_keeps_a_refused_one(teacher):
    attempt = open_attempt(teacher, "mathematics-teacher")
    ready = instrument("mathematics-teacher")
    choice = next(i for i in ready.instrument.items if i.type == "single_choice")
    numeric = next(i for i in ready.instrument.items if i.type == "numeric")
    ordering = next(i for i in ready.instrument.items if i.type == "ordering")
    size = len(ordering.body.sequence)
    form = {
        "sequence": "0",
        f"a-{choice.id}": page_answer(attempt, choice.id, best_answer(choice, ready.scales)),
        f"a-{numeric.id}": "сорок",
    }
    elements = page_answer(attempt, ordering.id, list(range(size)))
    for place, element in enumerate(elements, start=1):
        form[f"a-{ordering.id}-{element}"] = str(place)
    response = post_form(teacher, f"/diagnostics/attempts/{attempt.id}", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="сорок"' in page and "Введите число" in page
    assert saved(attempt) == {
        choice.id: best_answer(choice, ready.scales),
        ordering.id: list(range(size)),
    }
    form[f"a-{numeric.id}"] = "40"
    form["sequence"] = "1"
    ok = post_form(teacher, f"/diagnostics/attempts/{attempt.id}", form)
    assert ok.status_code == 303
    assert saved(attempt)[numeric.id] == 40
    # The same post again names an old sequence but changes nothing: accepted.
    again = post_form(teacher, f"/diagnostics/attempts/{attempt.id}", form)
    assert again.status_code == 303
    # With another answer it is stale: refused, shown again with what was typed.
    form[f"a-{numeric.id}"] = "41"
    stale = post_form(teacher, f"/diagnostics/attempts/{attempt.id}", form)
    assert stale.status_code == 409
    assert 'value="41"' in stale.get_data(as_text=True)
    assert saved(attempt)[numeric.id] == 40


def test_the_cabinet_shows_offers_and_results(teacher):
    page = teacher.get("/cabinet/").get_data(as_text=True)
    assert "Soft skills педагога" in page and "Начать" in page
    attempt = open_attempt(teacher)
    assert "Продолжить" in teacher.get("/cabinet/").get_data(as_text=True)
    post_form(teacher, f"/diagnostics/attempts/{attempt.id}/submit", {})
    page = teacher.get("/cabinet/").get_data(as_text=True)
    assert f"/diagnostics/attempts/{attempt.id}/result" in page
    assert re.search(r"Пройти повторно можно с \d{1,2}\s[а-я]+\s\d{4}\sг\.(?!\.)", page)


def test_only_the_audience_may_start(teacher):
    response = start(teacher, "management-director")
    assert response.status_code == 303
    assert "предназначена для других должностей" in teacher.get("/diagnostics/").get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(Attempt.id))) == 0


@pytest.mark.parametrize("role", [Role.METHODIST, Role.COORDINATOR, Role.ADMIN])
def test_institute_staff_are_offered_no_diagnostics(app, role):
    # Their position is "other", which the soft-skills audience includes; the role decides.
    load_instruments()
    make_user(email="staff@example.org", role=role, position="other", subjects=())
    client = app.test_client()
    login(client, "staff@example.org")
    page = client.get("/diagnostics/").get_data(as_text=True)
    assert "/diagnostics/soft-skills/start" not in page
    assert "/diagnostics/soft-skills/start" not in client.get("/cabinet/").get_data(as_text=True)
    response = start(client, "soft-skills")
    assert response.status_code == 303
    assert "Диагностику проходят педагоги и руководители" in client.get("/diagnostics/").get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(Attempt.id))) == 0
    # Methodists and administrators still see an instrument as a teacher does, in its preview.
    preview = client.get("/instruments/instrument/soft-skills/preview")
    if role == Role.COORDINATOR:
        assert preview.status_code == 403
    else:
        assert preview.status_code == 200
        assert 'data-type="likert"' in preview.get_data(as_text=True)


def test_items_are_shuffled_per_attempt_and_kept_on_resume(app, teacher):
    ready = instrument("soft-skills")
    written = [item.id for item in ready.instrument.items]
    assert len(written) >= 20
    first = open_attempt(teacher)
    make_user(email="second@example.org")
    other = app.test_client()
    login(other, "second@example.org")
    second = open_attempt(other)

    def page_order(client, attempt):
        page = client.get(f"/diagnostics/attempts/{attempt.id}").get_data(as_text=True)
        return sorted(written, key=lambda item: page.index(f'data-item="{item}"'))

    orders = [page_order(teacher, first), page_order(other, second)]
    assert orders[0] != orders[1]
    assert written not in orders
    assert sorted(orders[0]) == sorted(orders[1]) == sorted(written)
    # Resuming (starting again) gives the same attempt in the same order.
    assert open_attempt(teacher).id == first.id
    assert page_order(teacher, first) == orders[0]
