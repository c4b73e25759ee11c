"""The director's analytics page: figures checked against counts made by hand."""

import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from competence.accounts.models import Role
from competence.extensions import db
from competence.tracks import services as tracks
from competence.tracks.models import ModuleStatus, TrackModule
from competence.tracks.services import progress
from tests.certificates.helpers import finished_attempt, prepare
from tests.deficits.helpers import record_result
from tests.diagnostics.helpers import load_instruments, worst_answer
from tests.factories import login, make_school, make_user

AUTUMN_2025 = datetime(2025, 10, 6, 10, tzinfo=UTC)  # school year 2025/26
AUTUMN_2026 = datetime(2026, 10, 5, 10, tzinfo=UTC)  # school year 2026/27


def _teachers(school, prefix, communication, teamwork=80, subjects=("russian",)):
    people = []
    for index, score in enumerate(communication, start=1):
        user = make_user(
            f"{prefix}{index}@example.org",
            school=school,
            full_name=f"{prefix.upper()} Учитель {index}",
            subjects=subjects,
        )
        record_result(
            user, "soft-skills", {"communication": score, "teamwork": teamwork}, AUTUMN_2026
        )
        people.append(user)
    return people


@pytest.fixture
def region(app):
    """School A (the director's, six teachers) and B (three) in М1; school C (six) in М2.

    Communication, latest results: A 40 50 60 70 80 90 (3 of 6 below 65), B 30 30 90 (2 of 3),
    C 50 50 50 80 80 80 (3 of 6). So М1 has 5 of 9, the region 8 of 15. М1 is published, but not
    to A's director: М1 less A is school B's three teachers. The first teacher of A
    also sat the diagnostic a year earlier (communication 30, teamwork 60), the second too
    (communication 0): 0 -> 50 is beyond the error of 14 items, 30 -> 40 is not.
    """
    load_instruments()
    school_a = make_school("a-1", "Школа А", municipality="М1")
    school_b = make_school("b-1", "Школа Б", municipality="М1")
    school_c = make_school("c-1", "Школа В", municipality="М2")
    a = _teachers(school_a, "a", [40, 50, 60, 70, 80, 90])
    _teachers(school_b, "b", [30, 30, 90])
    _teachers(school_c, "c", [50, 50, 50, 80, 80, 80])
    record_result(a[0], "soft-skills", {"communication": 30, "teamwork": 60}, AUTUMN_2025)
    record_result(a[1], "soft-skills", {"communication": 0, "teamwork": 80}, AUTUMN_2025)
    a[2].subjects = ["mathematics"]
    director = make_user(
        "director.a@example.org", Role.DIRECTOR, "director", school_a, full_name="Директор А"
    )
    return {"a": a, "director": director, "school_a": school_a}


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_shares_beside_the_municipality_and_the_region(client, region):
    login(client, "director.a@example.org")
    page = _text(client.get("/analytics/school?instrument=soft-skills"))
    row = re.search(r"Коммуникация.*?</tr>", page[page.index('id="shares-table"') :]).group(0)
    assert re.findall(r"(\d+)%</span> <span[^>]*>\((\d+) из (\d+)\)", row) == [
        ("50", "3", "6"),
        ("53", "8", "15"),
    ]
    assert row.count("недостаточно данных") == 1


def test_heat_map_shows_the_latest_score_with_its_error_and_marks_deficits(client, region):
    login(client, "director.a@example.org")
    page = _text(client.get("/analytics/school?sort=communication&order=desc"))
    names = re.findall(r"<th scope=\"row\" class=\"fw-normal\"><a [^>]*>([^<]+)</a>", page)
    assert names[:6] == [f"A Учитель {n}" for n in (6, 5, 4, 3, 2, 1)]
    # Teacher 1: 40 now (low, a deficit); 14 items give an SEM of 14 points.
    first = re.search(r"A Учитель 1</a>.*?</tr>", page).group(0)
    assert re.search(
        r'heat-cell heat-low heat-deficit".*?!</span>'
        r'<span class="fw-semibold">40</span><span class="heat-sem">±14</span>',
        first,
    )
    assert "heat-cell heat-high" not in first


def test_filters_by_subject_and_position(client, region):
    login(client, "director.a@example.org")
    page = _text(client.get("/analytics/school?subject=mathematics"))
    heat = page[page.index('id="heat-table"') : page.index('id="shares-table"')]
    assert "A Учитель 3" in heat and "A Учитель 4" not in heat
    page = _text(client.get("/analytics/school?position=director"))
    assert "Ни один педагог не подходит под фильтр" in page


def test_trend_counts_each_year_latest_result(client, region):
    login(client, "director.a@example.org")
    page = _text(client.get("/analytics/school"))
    trend = page[page.index("Динамика по учебным годам") :]
    row = re.search(r"Коммуникация.*?</tr>", trend).group(0)
    assert "2025/26" in trend and "2026/27" in trend
    # 2025/26: teachers 1 and 2 (30 and 0), both deficits; 2026/27: 3 of 6.
    assert re.findall(r"(\d+)%</span> <span[^>]*>\((\d+) из (\d+)\)", row) == [
        ("100", "2", "2"),
        ("50", "3", "6"),
    ]


def test_growth_is_counted_only_beyond_the_error(client, region):
    login(client, "director.a@example.org")
    page = _text(client.get("/analytics/school"))
    progress = page[page.index("Треки и подтверждённый рост") :]
    first = re.search(r"A Учитель 1</th>.*?</tr>", progress).group(0)
    second = re.search(r"A Учитель 2</th>.*?</tr>", progress).group(0)
    # 1: +10 and +20 are within the error; teamwork 60 -> 80 closes a deficit.
    assert "0 из 2 компетенций" in first and first.endswith('<td class="text-end">1</td></tr>')
    # 2: communication 0 -> 50 is growth; it stays a deficit, so nothing is closed.
    assert "1 из 2 компетенций" in second and second.endswith('<td class="text-end">0</td></tr>')


def test_lists_who_has_not_taken_what(client, region):
    login(client, "director.a@example.org")
    page = _text(client.get("/analytics/school"))
    missing = page[page.index("Кто не прошёл какую диагностику") :]
    line = re.search(r"A Учитель 3</span>: ([^<]+)</li>", missing).group(1)
    assert "математик" in line.lower() and "Гибкие" not in line


def test_workbook_holds_the_page_figures(client, region):
    login(client, "director.a@example.org")
    response = client.get("/analytics/school.xlsx?instrument=soft-skills")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    shares = book.worksheets[1]
    header = [cell.value for cell in shares[3]]
    row = next(r for r in shares.iter_rows(min_row=4, values_only=True) if r[0] == "Коммуникация")
    values = dict(zip(header, row, strict=True))
    assert values["Школа: доля, %"] == 50 and values["Муниципалитет: доля, %"] is None
    assert values["Регион: доля, %"] == 53 and values["Регион: педагогов"] == 15
    heat = book.worksheets[0]
    first = next(r for r in heat.iter_rows(min_row=4, values_only=True) if r[0] == "A Учитель 1")
    assert 40 in first and 14 in first


def test_the_municipality_is_shown_to_a_director_when_the_rest_is_large_enough(client, region):
    more = make_school("b-2", "Школа Г", municipality="М1")
    _teachers(more, "d", [20, 90])  # М1 less A: five teachers of B and Г
    login(client, "director.a@example.org")
    page = _text(client.get("/analytics/school"))
    row = re.search(r"Коммуникация.*?</tr>", page[page.index('id="shares-table"') :]).group(0)
    assert "(6 из 11)" in row and "55%" in row


def test_a_small_municipality_is_withheld_even_from_a_director(client, app):
    load_instruments()
    school = make_school("z-1", "Школа Малая", municipality="Малый район")
    _teachers(school, "z", [40, 90, 90])
    make_user("director.z@example.org", Role.DIRECTOR, "director", school)
    login(client, "director.z@example.org")
    page = _text(client.get("/analytics/school"))
    row = re.search(r"Коммуникация.*?</tr>", page[page.index('id="shares-table"') :]).group(0)
    assert "(1 из 3)" in row and row.count("недостаточно данных") == 2
    book = load_workbook(io.BytesIO(client.get("/analytics/school.xlsx").data))
    row = next(
        r
        for r in book.worksheets[1].iter_rows(min_row=4, values_only=True)
        if r[0] == "Коммуникация"
    )
    assert row[1:4] == (3, 1, 33) and row[4:] == (None, None, None, None)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("instrument=no-such", 404),
        ("sort=no-such", 400),
        ("order=sideways", 400),
        ("subject=alchemy", 400),
        ("position=king", 400),
    ],
)
def test_bad_parameters_are_refused(client, region, query, status):
    login(client, "director.a@example.org")
    response = client.get(f"/analytics/school?{query}")
    assert response.status_code == status
    assert "<html" in response.get_data(as_text=True).lower()


def test_only_a_director_opens_the_school_page(client, region):
    login(client, "a1@example.org")
    assert client.get("/analytics/school").status_code == 403
    assert client.get("/analytics/school.xlsx").status_code == 403
    assert client.get("/analytics/").status_code == 403


def test_the_entry_sends_a_director_to_the_school(client, region):
    login(client, "director.a@example.org")
    response = client.get("/analytics/")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/analytics/school"
    )


def test_track_progress_agrees_with_the_track_page(client, region):
    prepare()
    teacher = make_user(
        "a7@example.org", school=region["school_a"], full_name="A Учитель 7", subjects=("russian",)
    )
    track = tracks.build_track(finished_attempt(teacher, worst_answer, "soft-skills"))
    modules = list(track.modules)
    tracks.mark_done(db.session.get(TrackModule, modules[0].id), "Выполнено", "", None)
    modules[-1].status = ModuleStatus.DECLINED
    db.session.commit()
    expected = progress(track)
    assert 0 < expected.done < expected.total
    login(client, "director.a@example.org")
    page = _text(client.get("/analytics/school"))
    progress_table = page[page.index("Треки и подтверждённый рост") :]
    row = re.search(r"A Учитель 7</th>.*?</tr>", progress_table).group(0)
    assert f"Выполнено модулей: {expected.done} из {expected.total}" in row
