"""The municipal and regional pages over HTTP: who opens what, bad query strings, the XLSX."""

import io
import re

import pytest
from openpyxl import load_workbook

from competence.accounts.models import Role
from competence.deficits.categories import CATEGORY_LABELS
from competence.deficits.results import instruments_with_results
from tests.deficits.helpers import signed_in
from tests.deficits.regional_world import KEY, build_region
from tests.factories import make_user

QUERY = f"?instrument={KEY}"


@pytest.fixture
def world(app):
    return build_region()


def test_who_opens_which_page(app, world):
    amur, khabarovsk = world.amur.id, world.khabarovsk.id
    routes = {
        "own": "/analytics/municipality",
        "amur": f"/analytics/municipality/{amur}",
        "khabarovsk": f"/analytics/municipality/{khabarovsk}",
        "missing": "/analytics/municipality/999999",
        "amur.xlsx": f"/analytics/municipality/{amur}.xlsx",
        "khabarovsk.xlsx": f"/analytics/municipality/{khabarovsk}.xlsx",
        "region": "/analytics/region",
        "region.xlsx": "/analytics/region.xlsx",
    }
    expected = {
        # own amur khabarovsk missing amur.xlsx khabarovsk.xlsx region region.xlsx
        "teacher": "403 403 403 403 403 403 403 403",
        "director": "403 403 403 403 403 403 403 403",
        "coordinator_a": "200 200 404 404 200 404 403 403",
        "coordinator_b": "200 404 200 404 404 200 403 403",
        "methodist": "302 200 200 404 200 200 200 200",
        "admin": "302 200 200 404 200 200 200 200",
        "ministry": "302 200 200 404 200 200 200 200",
    }
    observed = {}
    for name in expected:
        client = signed_in(app, world.people[name].email)
        observed[name] = " ".join(str(client.get(url).status_code) for url in routes.values())
    assert observed == expected
    anonymous = app.test_client()
    for url in routes.values():
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_coordinator_sees_the_own_municipality_and_the_region_readers_are_sent_on(app, world):
    page = signed_in(app, world.people["coordinator_b"].email).get("/analytics/municipality")
    assert "г. Хабаровск" in page.get_data(as_text=True)
    methodist = signed_in(app, world.people["methodist"].email)
    response = methodist.get(f"/analytics/municipality{QUERY}")
    assert response.headers["Location"].endswith(f"/analytics/region{QUERY}")


def test_bad_query_strings_are_refused_clearly(app, world):
    client = signed_in(app, world.people["methodist"].email)
    amur = f"/analytics/municipality/{world.amur.id}"
    cases = {
        f"{amur}?instrument=no-such-thing": 404,
        f"{amur}.xlsx?instrument=no-such-thing": 404,
        "/analytics/region?instrument=no-such-thing": 404,
        "/analytics/region.xlsx?instrument=no-such-thing": 404,
        f"{amur}?category=best": 400,
        f"{amur}.xlsx?category=best": 400,
        f"{amur}?instrument={KEY}&sort=no-such-competence": 400,
        f"{amur}?sort=communication&instrument={KEY}": 400,  # another instrument's competence
        "/analytics/municipality/abc": 404,
        "/analytics/municipality/-1": 404,
    }
    for url, status in cases.items():
        response = client.get(url)
        assert response.status_code == status, url
    text = client.get(f"{amur}?instrument=no-such-thing").get_data(as_text=True)
    assert "no-such-thing" in text  # the message names what was not found
    text = client.get(f"{amur}?category=best").get_data(as_text=True)
    assert "best" in text
    # Empty values are the defaults.
    assert client.get(f"{amur}?instrument=&category=&sort=").status_code == 200
    assert client.get(f"{amur}?sort=name").status_code == 200


def test_the_municipality_page_shows_the_figures_and_hides_the_small(app, world):
    client = signed_in(app, world.people["coordinator_a"].email)
    html = client.get(f"/analytics/municipality/{world.amur.id}{QUERY}").get_data(as_text=True)
    deficits = html[html.index('id="deficits"') : html.index('id="participation-title"')]
    # a3: 38 % (n = 8) and 50 %; a4: 0 % and 100 %; the municipality and the region.
    for figure in ("38&nbsp;%", "n&nbsp;=&nbsp;8", "100&nbsp;%", "26&nbsp;%", "57&nbsp;%"):
        assert figure in deficits, figure
    assert "34&nbsp;%" in deficits and "59&nbsp;%" in deficits
    # a1 and a2 hidden in both columns with results; the note under each table says the minimum.
    assert deficits.count("data-hidden") == 4
    assert "n&nbsp;=&nbsp;6</span>" in deficits  # a4's n, published
    assert "n&nbsp;=&nbsp;3<" not in deficits  # a2's n never
    notes = re.findall(r'<p class="small text-body-secondary mb-0">(.*?)</p>', html)
    assert len(notes) == 3 and all(" 5 " in note for note in notes)  # the minimum, under each
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'aria-describedby="deficits"' in html
    )
    assert 'class="card card-body filter-bar mb-3 d-print-none"' in html
    # Sorting links and the filter keep the instrument.
    assert "sort=fgos-planning" in html and f"instrument={KEY}" in html
    filtered = client.get(f"/analytics/municipality/{world.amur.id}{QUERY}&category=other")
    text = filtered.get_data(as_text=True)
    assert "МБОУ СОШ A1" not in text and "МБОУ СОШ A3" in text
    assert str(CATEGORY_LABELS["other"]) in text


def test_the_region_page_shows_every_table(app, world):
    client = signed_in(app, world.people["ministry"].email)
    html = client.get(f"/analytics/region{QUERY}").get_data(as_text=True)
    for key in ("deficits", "categories", "subjects", "growth", "participation", "tracks"):
        assert f'id="{key}"' in html, key
    assert f'href="/analytics/municipality/{world.amur.id}?instrument={KEY}"' in html
    growth = html[html.index('id="growth"') :]
    growth = growth[: growth.index("</table>")]
    # F: 6 teachers; growth 2 (33 %), within 3 (50 %), decline 1 (17 %); 3 of 5 closed.
    cells = re.findall(r'<td class="text-end[^"]*">(.*?)</td>', growth)
    digits = [re.findall(r"\d+", re.sub(r"<[^>]+>", "", cell)) for cell in cells[:5]]
    assert digits == [["6"], ["2", "33"], ["3", "50"], ["1", "17"], ["3", "5"]]
    assert growth.count("data-hidden") == 1  # A: three teachers


def read(response):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def rows_of(sheet):
    """Return the table of a sheet: the header (row 3) and the rows below, up to the gap."""
    rows = []
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if all(value is None for value in row) and rows:
            break
        rows.append(list(row))
    return rows[0], {row[0]: row[1:] for row in rows[1:]}


def test_municipality_xlsx_holds_the_page_figures(app, world):
    client = signed_in(app, world.people["coordinator_a"].email)
    book = read(
        client.get(f"/analytics/municipality/{world.amur.id}.xlsx{QUERY}&sort=fgos-planning")
    )
    assert len(book.sheetnames) == 3
    header, rows = rows_of(book[book.sheetnames[0]])
    instrument = next(ref for ref in instruments_with_results() if ref.key == KEY)
    f_title = instrument.title_of("fgos-planning")
    assert header[2:4] == [f"{f_title}, %", f"{f_title}, n"]
    # Sorted by F as the page was: a3 38 %, a4 0 %, the hidden last; then the totals.
    assert list(rows)[:5] == [
        "МБОУ СОШ A3",
        "МБОУ СОШ A4",
        "МБОУ СОШ A1",
        "МБОУ СОШ A2",
        "Амурский район",
    ]
    # Category, then F %, F n, A %, A n: numbers as numbers.
    assert rows["МБОУ СОШ A3"][:5] == [str(CATEGORY_LABELS["other"]), 38, 8, 50, 8]
    assert rows["МБОУ СОШ A4"][1:5] == [0, 6, 100, 6]
    assert rows["Амурский район"][1:5] == [26, 23, 57, 23]
    assert list(rows.values())[-1][1:5] == [34, 41, 59, 41]
    # Hidden: empty and grey; a competence nobody took: empty, no fill.
    assert rows["МБОУ СОШ A1"][1:5] == [None, None, None, None]
    sheet = book[book.sheetnames[0]]
    a1_row = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == "МБОУ СОШ A1")
    assert a1_row[2].fill.fgColor.rgb.endswith("DDDDDD") and a1_row[2].comment is not None
    assert rows["МБОУ СОШ A3"][5] is None and a1_row[6].comment is None
    # Participation: staff, then per instrument took and %.
    header, rows = rows_of(book[book.sheetnames[1]])
    assert rows["МБОУ СОШ A3"] == [10, 0, 0, 8, 80]
    assert rows["МБОУ СОШ A1"] == [None] * 5
    assert rows["Амурский район"] == [25, 0, 0, 23, 92]
    header, rows = rows_of(book[book.sheetnames[2]])
    assert rows["МБОУ СОШ A3"] == [6, 3, 50]
    assert rows["Амурский район"] == [6, 3, 50]


def test_region_xlsx_holds_every_table(app, world):
    client = signed_in(app, world.people["methodist"].email)
    book = read(client.get(f"/analytics/region.xlsx{QUERY}"))
    assert len(book.sheetnames) == 6
    header, rows = rows_of(book[book.sheetnames[0]])
    assert rows["Амурский район"][:4] == [26, 23, 57, 23]
    assert rows["г. Хабаровск"][:4] == [44, 18, 61, 18]
    header, rows = rows_of(book[book.sheetnames[1]])
    assert rows[str(CATEGORY_LABELS["other"])][:4] == [14, 21, 81, 21]
    assert rows[str(CATEGORY_LABELS["low_results"])][:4] == [None] * 4
    header, rows = rows_of(book[book.sheetnames[5]])
    growth = list(rows.values())
    # F: n, growth and %, within and %, decline and %, deficit at first, closed.
    assert growth[0] == [6, 2, 33, 3, 50, 1, 17, 5, 3]
    assert growth[1] == [None] * 9  # A: hidden
    assert growth[2] == [0] + [None] * 8  # nobody has two results


def test_pages_without_any_result(app):
    make_user("methodist@example.org", Role.METHODIST, "other")
    client = signed_in(app, "methodist@example.org")
    assert client.get("/analytics/region").status_code == 200
    assert client.get("/analytics/region.xlsx").status_code == 404
    assert client.get("/analytics/region?instrument=soft-skills").status_code == 404


def page_shares(html: str, key: str) -> list[int]:
    """Return every share a table of the page prints, row by row."""
    table = html[html.index(f'id="{key}"') :]
    table = table[: table.index("</table>")]
    return [int(value) for value in re.findall(r"(\d+)&nbsp;%", table)]


def sheet_shares(sheet) -> list[int]:
    """Return every share (a column whose header ends with «, %») of a sheet, row by row."""
    header, rows = rows_of(sheet)
    columns = [i for i, name in enumerate(header) if name and name.endswith(", %")]
    return [
        row[i - 1]
        for row in rows.values()
        for i in columns
        if row[i - 1] is not None  # empty: hidden or nobody
    ]


def test_every_share_of_the_page_is_in_the_workbook_to_the_digit(app, world):
    client = signed_in(app, world.people["admin"].email)
    html = client.get(f"/analytics/region{QUERY}").get_data(as_text=True)
    book = read(client.get(f"/analytics/region.xlsx{QUERY}"))
    keys = ("deficits", "categories", "subjects", "participation", "tracks")
    for key, name in zip(keys, book.sheetnames, strict=False):
        shares = page_shares(html, key)
        assert shares and shares == sheet_shares(book[name]), key
    html = client.get(f"/analytics/municipality/{world.khabarovsk.id}{QUERY}").get_data(
        as_text=True
    )
    book = read(client.get(f"/analytics/municipality/{world.khabarovsk.id}.xlsx{QUERY}"))
    for key, name in zip(("deficits", "participation", "tracks"), book.sheetnames, strict=True):
        assert page_shares(html, key) == sheet_shares(book[name]), key
