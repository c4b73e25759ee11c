"""A teacher takes every shipped instrument to the end in a real browser and sees the profile."""

import pytest

from tests.diagnostics.helpers import best_answer, instrument, load_instruments
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

CASES = [
    ("methodical-teacher", "teacher"),
    ("mathematics-teacher", "teacher"),
    ("russian-teacher", "teacher"),
    ("soft-skills", "teacher"),
    ("management-director", "director"),
]


def answer_in_page(page, item, answer):
    """Give an answer the way a person does: click, type, choose."""
    name = f"a-{item.id}"
    if item.type == "likert":
        page.click(f"label[for='{name}-{answer}']")  # the scale's points are buttons
    elif item.type in ("single_choice", "situational"):
        page.check(f"#{name}-{answer}")
    elif item.type == "multiple_choice":
        for option in answer:
            page.check(f"#{name}-{option}")
    elif item.type == "numeric":
        page.fill(f"#{name}", str(answer).replace(".", ","))
        page.press(f"#{name}", "Tab")
    elif item.type == "matching":
        for left, right in enumerate(answer):
            page.select_option(f"#{name}-{left}", str(right))
    elif item.type == "ordering":
        for place, element in enumerate(answer, start=1):
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
    total = len(ready.instrument.items)
    for item in ready.instrument.items:
        answer_in_page(page, item, best_answer(item, ready.scales))
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
