"""The analytics pages as people see them: the director's heat map and the regional page."""

from datetime import UTC, datetime

import pytest

from competence.accounts.models import Role
from tests.browser.test_layout_in_browser import sign_in
from tests.deficits.helpers import record_result
from tests.diagnostics.helpers import load_instruments
from tests.factories import make_school, make_user

pytestmark = pytest.mark.browser

WHEN = datetime(2026, 10, 5, 10, tzinfo=UTC)
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def _region():
    """Two municipalities, three schools of six teachers with soft-skills results."""
    load_instruments()
    schools = [
        make_school("a-1", "МБОУ СОШ № 1", municipality="Район А"),
        make_school("a-2", "МБОУ СОШ № 2", municipality="Район А"),
        make_school("b-1", "МБОУ СОШ № 3", municipality="Район Б"),
    ]
    for number, school in enumerate(schools):
        for index in range(6):
            user = make_user(
                f"t{number}-{index}@example.org",
                school=school,
                full_name=f"Педагогова Мария Сергеевна {number}{index}",
            )
            score = 30 + 12 * index
            record_result(
                user,
                "soft-skills",
                {"communication": score, "teamwork": 100 - score, "stress-resilience": 70},
                WHEN,
            )
    return schools


@pytest.mark.parametrize("width", [1280, 390])
def test_the_directors_heat_map(live_server, browser, width):
    schools = _region()
    make_user("director@example.org", Role.DIRECTOR, "director", schools[0])
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU")
    page = context.new_page()
    sign_in(page, live_server, "director@example.org")
    page.goto(live_server + "/analytics/school")
    table = page.locator("#heat-table")
    assert table.locator("tbody tr").count() == 6
    # A deficit cell is filled with its level's colour and marked, not left white.
    low = table.locator("td.heat-low").first
    assert low.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(246, 201, 179)"
    assert low.locator(".heat-mark").inner_text() == "!"
    # Sorting by a competence's heading puts the strongest first on the second click.
    page.click("#heat-table thead >> text=Коммуникация")
    page.click("#heat-table thead >> text=Коммуникация")
    first = table.locator("tbody tr").first.locator("td").first
    assert first.inner_text().startswith("90±")
    # The page never scrolls sideways; only the table does (measured once styles and fonts are in).
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready")
    assert page.evaluate(PAGE_WIDTH) <= width
    page.screenshot(path=f"/tmp/analytics-school-{width}.png", full_page=True)
    context.close()
