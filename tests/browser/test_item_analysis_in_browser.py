"""The item analysis page fits a desktop and a phone: wide tables scroll inside their box."""

import os

import pytest

from competence.accounts.models import Role
from tests.diagnostics.helpers import load_instruments
from tests.factories import PASSWORD, enable_second_factor, make_user, next_code
from tests.measurement.helpers import KEY, cohort

pytestmark = pytest.mark.browser

# Set to a folder to keep screenshots of the page for review.
SHOTS = os.environ.get("ITEM_ANALYSIS_SHOTS")


def sign_in(page, live_server, email, secret):
    page.goto(live_server + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    # Methodists sign in with a second factor, as in production.
    page.wait_for_url("**/login/code**")
    page.fill("#code", next_code(secret))
    page.click("#submit")
    page.wait_for_url("**/cabinet/")


@pytest.mark.parametrize("device", ["page", "phone"])
def test_the_report_on_a_desktop_and_a_phone(live_server, request, device):
    view = request.getfixturevalue(device)
    load_instruments()
    methodist = make_user(email="methodist@example.org", role=Role.METHODIST, position="methodist")
    secret, _codes = enable_second_factor(methodist)
    cohort(12)
    sign_in(view, live_server, methodist.email, secret)
    view.goto(live_server + f"/instruments/instrument/{KEY}")
    view.click("text=анализ заданий")
    view.wait_for_selector("#items")
    assert view.locator("h1").inner_text() == "Анализ заданий"
    width = view.viewport_size["width"]
    # The page itself never scrolls sideways; the item table scrolls in its own box.
    assert view.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        view.screenshot(path=os.path.join(SHOTS, f"item-analysis-{width}.png"), full_page=True)
    view.click("text=Пересчитать и сохранить")
    assert view.locator(".alert-success").count() == 1
