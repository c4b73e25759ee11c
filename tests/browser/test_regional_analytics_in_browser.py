"""The regional and municipal analytics pages at a desktop's and a phone's width: wide tables
scroll inside their box and never widen the page; the first column stays in view."""

import pytest

from tests.browser.test_layout_in_browser import sign_in
from tests.deficits.regional_world import KEY, build_region
from tests.factories import enable_second_factor

pytestmark = pytest.mark.browser

PAGE_WIDTH = "() => document.documentElement.scrollWidth"


@pytest.mark.parametrize(("device", "width"), [("page", 1280), ("phone", 390)])
def test_the_region_and_a_municipality_fit_the_screen(live_server, request, device, width):
    screen = request.getfixturevalue(device)
    world = build_region()
    methodist = world.people["methodist"]
    secret, _codes = enable_second_factor(methodist)
    sign_in(screen, live_server, methodist.email, secret)

    screen.goto(f"{live_server}/analytics/region?instrument={KEY}")
    for key in ("deficits", "categories", "subjects", "growth", "participation", "tracks"):
        assert screen.locator(f"table#{key}").count() == 1
    assert screen.evaluate(PAGE_WIDTH) <= width
    chart = screen.locator("svg[aria-describedby='deficits']").bounding_box()
    assert chart["x"] >= 0 and chart["x"] + chart["width"] <= width

    screen.goto(f"{live_server}/analytics/municipality/{world.amur.id}?instrument={KEY}")
    assert screen.evaluate(PAGE_WIDTH) <= width
    # Scrolled sideways, a table keeps the school's name in view.
    box = screen.locator("#participation").locator("xpath=..")
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    name = screen.locator("#participation tbody th").first.bounding_box()
    frame = box.bounding_box()
    assert frame["x"] - 1 <= name["x"] <= frame["x"] + 20
    # Hidden cells read as such, the controls are not printed.
    assert screen.locator("#deficits [data-hidden]").count() == 4
    assert "d-print-none" in screen.locator("form.filter-bar").get_attribute("class")
