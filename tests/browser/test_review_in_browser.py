"""A teacher reads the review of their answers on a phone: it fits the screen and explains."""

import pytest

from competence.instruments import spec
from tests.diagnostics.helpers import instrument, load_instruments, take, worst_answer
from tests.diagnostics.test_review import republish
from tests.factories import PASSWORD, login, make_user

pytestmark = pytest.mark.browser

KEY = "mathematics-teacher"


def test_the_answer_review_reads_well_at_390_px(app, live_server, phone):
    load_instruments()
    republish(KEY, retake=spec.Retake(cooldown_days=0, attempts_per_year=1))
    make_user(subjects=("mathematics",))
    taker = app.test_client()
    login(taker)
    attempt = take(taker, KEY, worst_answer)
    single = next(
        item
        for item in instrument(KEY).instrument.items
        if item.type == "single_choice" and item.comment
    )
    chosen = next(o for o in single.body.options if o.id == worst_answer(single, {}))

    phone.goto(live_server + "/login")
    phone.fill("#email", "teacher@example.org")
    phone.fill("#password", PASSWORD)
    phone.click("#submit")
    phone.wait_for_url("**/cabinet/")
    phone.goto(f"{live_server}/diagnostics/attempts/{attempt.id}/result")
    phone.click(f"a[href='/diagnostics/attempts/{attempt.id}/review']")
    phone.wait_for_url("**/review")

    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    card = phone.locator(f"#review-{single.id}")
    assert card.locator(".review-option.chosen").inner_text().startswith(chosen.text[:30])
    assert "ваш ответ" in card.locator(".review-option.chosen").inner_text()
    assert "правильный ответ" in card.locator(".review-option.right").inner_text()
    explanation = card.locator(".review-comment")
    assert explanation.is_visible()
    assert " ".join(single.comment.split())[:60] in " ".join(explanation.inner_text().split())
    # Every card stays inside the screen, the explanation too.
    for box in (card.bounding_box(), explanation.bounding_box()):
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
