"""Registration and sign-in in a real browser, on a desktop and on a phone."""

import re

import pytest
from sqlalchemy import select

from competence.extensions import db
from competence.outbox.models import OutboxMessage
from tests.factories import PASSWORD, make_school, make_user

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_register_confirm_and_sign_in(live_server, page):
    make_school(code="a-1", name="МБОУ СОШ № 1 п. Аян", municipality="Аяно-Майский район")
    make_school(code="b-1", name="МБОУ СОШ № 2 г. Бикина", municipality="Бикинский район")
    make_school(
        code="b-2", name="МБОУ ООШ с. Лончаково", municipality="Бикинский район", group="basic"
    )

    page.goto(live_server + "/register")
    page.fill("#full_name", "Орлова Дарья Игоревна")
    page.fill("#email", "orlova@example.org")
    page.fill("#password", "a browser pass phrase")
    page.fill("#password_confirm", "a browser pass phrase")
    page.select_option("#position", "primary_teacher")
    page.select_option("#municipality", label="Бикинский район")
    # The school list now holds only the schools of the chosen municipality.
    schools = page.eval_on_selector_all("#school option", "els => els.map(e => e.textContent)")
    assert "МБОУ СОШ № 1 п. Аян" not in schools
    assert "МБОУ ООШ с. Лончаково" in schools
    page.select_option("#school", label="МБОУ ООШ с. Лончаково")
    page.check("input[name=subjects][value=primary]")
    page.check("#consent")
    page.click("#submit")
    page.wait_for_url("**/register/done")
    assert "orlova@example.org" in page.inner_text("main")

    letter = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "orlova@example.org")
    )
    link = re.search(r"http://\S+", letter.body_text).group(0)
    page.goto(live_server + link[link.index("/confirm/") :])
    page.wait_for_url("**/login?**")
    assert "подтверждён" in page.inner_text("main")
    page.fill("#password", "a browser pass phrase")
    page.click("#submit")
    page.wait_for_url("**/cabinet/")
    assert "Здравствуйте, Орлова Дарья Игоревна" in page.inner_text("h1")
    assert "МБОУ ООШ с. Лончаково" in page.inner_text("main")


def test_pages_fit_a_phone_screen_and_run_without_script_errors(live_server, phone):
    make_user()
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for path in ("/", "/login", "/password/forgot", "/consent", "/register"):
        phone.goto(live_server + path)
        assert no_horizontal_scroll(phone), path
    phone.select_option("#municipality", index=1)  # runs the school filter script
    phone.goto(live_server + "/login")
    phone.fill("#email", "teacher@example.org")
    phone.fill("#password", PASSWORD)
    phone.click("#submit")
    phone.wait_for_url("**/cabinet/")
    assert no_horizontal_scroll(phone)
    # The menu folds into the toggler and opens on tap.
    assert not phone.is_visible("text=Выйти")
    phone.click(".navbar-toggler")
    phone.click(".dropdown-toggle")
    assert phone.is_visible("text=Выйти")
    assert errors == []
