"""A teacher takes a banked instrument in a browser, retakes it and meets new questions."""

import pytest

from competence.diagnostics.models import Attempt
from competence.extensions import db
from tests.browser.test_diagnostics_in_browser import answer_in_page, sign_in
from tests.diagnostics.banks import COMPETENCES, KEY, K, publish_bank
from tests.diagnostics.helpers import best_answer, instrument, load_instruments
from tests.factories import make_user

pytestmark = pytest.mark.browser

SITTING = K * len(COMPETENCES)


def take_in_page(page, live_server, button) -> tuple[Attempt, set[str]]:
    """Start (or retake) the banked instrument from the list, answer it all and finish."""
    page.goto(live_server + "/diagnostics/")
    assert f"{SITTING} вопросов" in page.inner_text("main")
    page.click(f"form[action='/diagnostics/{KEY}/start'] button:text-is('{button}')")
    page.wait_for_url("**/diagnostics/attempts/*")
    attempt = db.session.get(Attempt, int(page.url.rsplit("/", 1)[1]))
    ready = instrument(KEY)
    cards = page.locator("fieldset.item-card")
    shown = [cards.nth(n).get_attribute("data-item") for n in range(cards.count())]
    assert sorted(shown) == sorted(attempt.layout["form"])
    assert page.inner_text("#progress-label") == f"Отвечено 0 из {SITTING}"
    by_id = {item.id: item for item in ready.instrument.items}
    for item_id in shown:
        item = by_id[item_id]
        answer_in_page(page, attempt, item, best_answer(item, ready.scales))
    label = f"Отвечено {SITTING} из {SITTING}"
    page.wait_for_selector(f"#progress-label:text-is('{label}')", timeout=20000)
    page.wait_for_selector("#save-state.text-success:text-is('Сохранено')")
    page.click("button[name=finish]")
    page.wait_for_url("**/submit")
    page.click("button[type=submit].btn-success")
    page.wait_for_url("**/result")
    body = page.inner_text("main")
    assert "Дефицитов нет" in body
    # Scored over the drawn questions only: every competence at 100 %.
    assert body.count("100%") >= len(COMPETENCES)
    return attempt, set(shown)


def test_a_retake_of_a_banked_instrument_shows_questions_not_seen_before(live_server, page):
    load_instruments()
    publish_bank()  # cooldown 0, three attempts a year
    make_user(subjects=("mathematics",))
    sign_in(page, live_server)
    page.wait_for_url("**/cabinet/")

    first, seen = take_in_page(page, live_server, "Начать")
    second, shown = take_in_page(page, live_server, "Пройти снова")
    assert second.id != first.id
    assert len(shown) == SITTING
    assert not shown & seen
