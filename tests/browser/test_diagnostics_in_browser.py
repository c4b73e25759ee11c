"""A teacher takes every shipped instrument to the end in a real browser and sees the profile."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from competence import errors
from competence.diagnostics import services
from competence.diagnostics.models import Attempt, AttemptAnswer
from competence.extensions import db
from tests.diagnostics.helpers import best_answer, instrument, load_instruments, page_answer
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

CASES = [
    ("methodical-teacher", "teacher"),
    ("mathematics-teacher", "teacher"),
    ("russian-teacher", "teacher"),
    ("soft-skills", "teacher"),
    ("management-director", "director"),
]


def answer_in_page(page, attempt, item, answer):
    """Give an answer the way a person does: click, type, choose (named as the page names it)."""
    name = f"a-{item.id}"
    shown = page_answer(attempt, item.id, answer)
    if item.type == "likert":
        page.click(f"label[for='{name}-{answer}']")  # the scale's points are buttons
    elif item.type in ("single_choice", "situational"):
        page.check(f"#{name}-{shown}")
    elif item.type == "multiple_choice":
        for option in shown:
            page.check(f"#{name}-{option}")
    elif item.type == "numeric":
        page.fill(f"#{name}", str(answer).replace(".", ","))
        page.press(f"#{name}", "Tab")
    elif item.type == "matching":
        for left, right in enumerate(shown):
            page.select_option(f"#{name}-{left}", right)
    elif item.type == "ordering":
        for place, element in enumerate(shown, start=1):
            page.select_option(f"#{name}-{element}", str(place))


@pytest.mark.parametrize(("key", "position"), CASES)
def test_take_an_instrument_to_the_end(live_server, page, key, position):
    load_instruments()
    make_user(position=position, subjects=("mathematics", "russian"))
    ready = instrument(key)
    page.goto(live_server + "/login")
    page.fill("#email", "teacher@example.org")
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/cabinet/")
    page.click(f"form[action='/diagnostics/{key}/start'] button")
    page.wait_for_url("**/diagnostics/attempts/*")
    attempt = db.session.get(Attempt, int(page.url.rsplit("/", 1)[1]))
    total = len(ready.instrument.items)
    for item in ready.instrument.items:
        answer_in_page(page, attempt, item, best_answer(item, ready.scales))
    # Every answer reaches the server through autosave before finishing. (Selectors, not
    # wait_for_function: the page's Content-Security-Policy forbids evaluating strings.)
    page.wait_for_selector(f"#progress-label:text-is('Отвечено {total} из {total}')", timeout=20000)
    page.wait_for_selector("#save-state.text-success:text-is('Сохранено')")
    page.click("button[name=finish]")
    page.wait_for_url("**/submit")
    page.click("button[type=submit].btn-success")
    page.wait_for_url("**/result")
    body = page.inner_text("main")
    assert ready.instrument.title in body
    assert "Дефицитов нет" in body
    assert body.count("100%") >= len(ready.instrument.competences)


def sign_in(page, live_server):
    page.goto(live_server + "/login")
    page.fill("#email", "teacher@example.org")
    page.fill("#password", PASSWORD)
    page.click("#submit")


def open_attempt_page(page, live_server, key="mathematics-teacher"):
    """Sign in, start a diagnostic and return the id of the attempt."""
    sign_in(page, live_server)
    page.wait_for_url("**/cabinet/")
    page.click(f"form[action='/diagnostics/{key}/start'] button")
    page.wait_for_url("**/diagnostics/attempts/*")
    return int(page.url.rsplit("/", 1)[1])


def stored_answers(attempt_id):
    db.session.expire_all()
    rows = db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id))
    return {row.item_id: row.value for row in rows}


def test_finishing_right_after_typing_a_number_reaches_the_confirmation(live_server, page):
    load_instruments()
    make_user(subjects=("mathematics",))
    attempt_id = open_attempt_page(page, live_server)
    numeric = next(
        i for i in instrument("mathematics-teacher").instrument.items if i.type == "numeric"
    )
    # With scripts on, the page promises autosave and does not ask to press the button.
    assert page.is_visible("[data-autosave-note=on]")
    assert page.is_hidden("[data-autosave-note=off]")
    # The click blurs the field, whose autosave is in flight as the form is posted.
    page.fill(f"#a-{numeric.id}", "40")
    page.click("button[name=finish]")
    page.wait_for_url("**/submit")
    body = page.inner_text("main")
    assert "другой вкладке" not in body
    assert stored_answers(attempt_id) == {numeric.id: 40}
    page.click("button[type=submit].btn-success")
    page.wait_for_url("**/result")


def test_saving_after_signing_out_elsewhere_keeps_the_answer_for_after_signing_in(
    live_server, page
):
    load_instruments()
    make_user(subjects=("mathematics",))
    attempt_id = open_attempt_page(page, live_server)
    ready = instrument("mathematics-teacher")
    choice = next(i for i in ready.instrument.items if i.type == "single_choice")
    answer = best_answer(choice, ready.scales)
    # Another tab of the same browser signs out.
    other = page.context.new_page()
    other.goto(live_server + "/cabinet/")
    other.dispatch_event("form[action='/logout'] button", "click")  # in a closed menu
    other.wait_for_url(live_server + "/")
    other.close()
    shown = page_answer(db.session.get(Attempt, attempt_id), choice.id, answer)
    page.check(f"#a-{choice.id}-{shown}")
    alert = page.wait_for_selector("#attempt-form .alert-danger:has-text('Сеанс завершён')")
    assert "Нет связи" not in page.inner_text("#save-state")
    assert stored_answers(attempt_id) == {}
    alert.query_selector("a:text-is('Войти снова')").click()
    page.wait_for_url("**/login?next=**")
    page.fill("#email", "teacher@example.org")
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url(f"**/diagnostics/attempts/{attempt_id}")
    # The answer kept in the browser is put back and saved.
    page.wait_for_selector("#save-state.text-success:text-is('Сохранено')")
    assert page.is_checked(f"#a-{choice.id}-{shown}")
    assert stored_answers(attempt_id) == {choice.id: answer}


def test_an_answer_the_server_failed_to_save_is_saved_after_it_recovers(
    live_server, page, monkeypatch
):
    load_instruments()
    make_user(subjects=("mathematics",))
    attempt_id = open_attempt_page(page, live_server)
    ready = instrument("mathematics-teacher")
    choice = next(i for i in ready.instrument.items if i.type == "single_choice")
    answer = best_answer(choice, ready.scales)
    # The database is locked for the first saves (SQLite's "database is locked"), then free.
    real_save, failures = services.save_page_answer, []

    def locked_then_free(*args, **kwargs):
        if len(failures) < 2:
            failures.append(1)
            raise OperationalError("UPDATE attempts", {}, Exception("database is locked"))
        return real_save(*args, **kwargs)

    monkeypatch.setattr(services, "save_page_answer", locked_then_free)
    monkeypatch.setattr(errors, "RETRY_AFTER_SECONDS", 1)
    shown = page_answer(db.session.get(Attempt, attempt_id), choice.id, answer)
    page.check(f"#a-{choice.id}-{shown}")
    page.wait_for_selector("#save-state.text-danger")
    assert stored_answers(attempt_id) == {}
    # Nothing is shown as refused: the answer waits and is sent again.
    assert page.query_selector(f"#item-{choice.id} .save-error") is None
    page.wait_for_selector("#save-state.text-success:text-is('Сохранено')", timeout=20000)
    assert len(failures) == 2
    assert stored_answers(attempt_id) == {choice.id: answer}
