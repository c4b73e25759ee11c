"""Administration and cabinet pages keep their words whole and their layout regular."""

import pytest

from competence.accounts.models import Role
from tests.diagnostics.helpers import load_instruments
from tests.factories import PASSWORD, enable_second_factor, make_user, next_code

pytestmark = pytest.mark.browser

# How many lines a text node occupies: a word broken in two gives two.
LINES = (
    "node => { const r = document.createRange(); r.selectNodeContents(node); "
    "return r.getClientRects().length; }"
)


def sign_in(page, live_server, email, secret=None):
    page.goto(live_server + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    if secret is not None:
        page.wait_for_url("**/login/code**")
        page.fill("#code", next_code(secret))
        page.click("#submit")
    page.wait_for_url("**/cabinet/")


def test_admin_pages_on_a_phone(live_server, phone):
    admin = make_user(email="administrator.of.the.portal@khkiro.example", role=Role.ADMIN)
    secret, _codes = enable_second_factor(admin)
    sign_in(phone, live_server, admin.email, secret)
    phone.goto(live_server + f"/admin/users/{admin.id}")
    # Every tab of the administration is on screen, none cut off.
    for box in (tab.bounding_box() for tab in phone.query_selector_all(".nav-pills .nav-link")):
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    registered = phone.locator("dt", has_text="Зарегистрирован")
    assert registered.evaluate(LINES) == 1

    phone.goto(live_server + "/admin/users")
    cell = phone.locator("td div.d-sm-none").first
    # The address may wrap only after the @: each half stays on one line.
    halves = cell.evaluate(
        "el => [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim())"
        ".map(n => { const r = document.createRange(); r.selectNodeContents(n); "
        "return r.getClientRects().length; })"
    )
    assert halves == [1, 1]


def test_the_cabinets_diagnostic_cards_put_their_buttons_alike(live_server, page):
    load_instruments()
    make_user(position="teacher", subjects=("mathematics", "russian"))
    sign_in(page, live_server, "teacher@example.org")
    buttons = [button.bounding_box() for button in page.query_selector_all(".offer form button")]
    assert len(buttons) >= 2
    assert len({round(box["x"] + box["width"]) for box in buttons}) == 1
