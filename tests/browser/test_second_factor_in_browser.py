"""The second factor in a browser: a methodist must connect an app, then signs in with codes."""

import pyotp
import pytest

from competence.accounts.models import Role
from tests.factories import PASSWORD, make_user, next_code

pytestmark = pytest.mark.browser


def password_step(page, live_server, email):
    page.goto(live_server + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")


@pytest.mark.parametrize("viewport", ["page", "phone"])
def test_a_methodist_connects_an_app_and_signs_in_with_a_code(live_server, request, viewport):
    page = request.getfixturevalue(viewport)
    make_user(email="methodist@example.org", role=Role.METHODIST, position="other")
    password_step(page, live_server, "methodist@example.org")
    # Sent to connect the app before anything else; the cabinet sends back here.
    page.wait_for_url("**/profile/second-factor**")
    page.goto(live_server + "/cabinet/")
    page.wait_for_url("**/profile/second-factor**")
    assert page.locator(".qr-code svg").is_visible()
    qr = page.locator(".qr-code").bounding_box()
    assert qr["x"] >= 0 and qr["x"] + qr["width"] <= page.viewport_size["width"]
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.fill("#code", "000000")
    page.click("#submit")
    assert page.locator(".invalid-feedback, .form-errors, .alert-danger").first.is_visible()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("#submit")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.click("text=Я сохранил(а) коды")
    page.wait_for_url("**/cabinet/**")

    # Sign out; the password alone no longer opens the cabinet.
    page.context.clear_cookies()
    password_step(page, live_server, "methodist@example.org")
    page.wait_for_url("**/login/code**")
    page.goto(live_server + "/cabinet/")
    page.wait_for_url("**/login**")
    password_step(page, live_server, "methodist@example.org")
    page.wait_for_url("**/login/code**")
    page.fill("#code", next_code(secret))
    page.click("#submit")
    page.wait_for_url("**/cabinet/")

    # A recovery code works when the phone is lost.
    page.context.clear_cookies()
    password_step(page, live_server, "methodist@example.org")
    page.wait_for_url("**/login/code**")
    page.fill("#code", codes[0])
    page.click("#submit")
    page.wait_for_url("**/cabinet/")
    assert "осталось 9" in page.content()
