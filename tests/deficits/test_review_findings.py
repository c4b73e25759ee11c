"""What an attacker review of the analytics found, kept from coming back."""

import re

import pytest

from tests.deficits.helpers import signed_in
from tests.deficits.regional_world import KEY, build_region
from tests.factories import make_user


@pytest.fixture
def world(app):
    return build_region()


def _row(html, table_id, name):
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return next(
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
        for row in table.split("<tr")[1:]
        if name in row
    )


def test_participation_does_not_print_the_n_of_a_hidden_school(app, world):
    # a2's three results are hidden on the deficit table; with three more staff who have not
    # taken the diagnostic, «3 of 6» in participation printed that hidden n.
    for number in range(3):
        make_user(f"a2.extra{number}@example.org", school=world.schools["a2"], subjects=())
    client = signed_in(app, world.people["coordinator_a"].email)
    html = client.get(f"/analytics/municipality/{world.amur.id}?instrument={KEY}").get_data(True)
    name = world.schools["a2"].name
    assert "недостаточно данных" in _row(html, "deficits", name)
    participation = _row(html, "participation", name)
    assert "3 из 6" not in participation and "недостаточно данных" in participation


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("methodist", "/analytics/municipality/" + "9" * 20, 404),
        ("methodist", "/analytics/municipality/" + "9" * 20 + ".xlsx", 404),
        ("director", "/analytics/demand?school=" + "9" * 20, 404),
        ("methodist", "/analytics/demand?municipality=" + "9" * 20, 404),
        ("director", "/analytics/demand?school=" + "9" * 5000, 404),
        ("methodist", "/analytics/demand?group_size=" + "9" * 5000, 400),
    ],
)
def test_huge_numbers_are_refused_not_crashed(app, world, who, url, status):
    client = signed_in(app, world.people[who].email)
    assert client.get(url).status_code == status
