"""The training-demand page: figures by hand on a small region, groups, small groups, reach, XLSX.

The region: «Район А» with school A1 (6 teachers holding a current track) and A2 (2), «Район Б»
with B1 (5). Modules: course-a (36 h, «Курс А»), webinar-b (4 h, «Вебинар Б»), intern-c (16 h,
«Стажировка В»). What each teacher still needs (m: mandatory, o: optional):

    A1  t1 course-a m, webinar-b o          t2 course-a o (webinar-b done, intern-c m declined)
        t3 course-a o (postponed, in a second track; the first awaits its retake, all done)
        t4 course-a o in one track, m in another: m, counted once
        t6 intern-c o                       t7 course-a m (postponed)
        t5 a completed track only: not counted; t8 an inactive account: not counted
    A2  u1 course-a m                       u2 webinar-b m
    B1  v1..v5 course-a o; v1, v2 webinar-b m; v3 intern-c m

So A1: course-a 5 (3 m), webinar-b 1 (0 m), intern-c 1 (0 m); A2: course-a 1 (1), webinar-b
1 (1); B1: course-a 5 (0), webinar-b 2 (2), intern-c 1 (1). Район А (8 holders): course-a 6 (4),
webinar-b 2 (1), intern-c 1 (0). Region (13): course-a 11 (4), webinar-b 4 (3), intern-c 2 (1).
A2 has fewer than 5 holders, so it is hidden, and A1 with it: Район А minus A1 would give A2.
"""

import io
import re
from datetime import date
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from flask_babel import gettext
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import func, select

from competence.accounts.models import Role
from competence.analytics.campaigns import school_year
from competence.deficits.demand import demand_report
from competence.deficits.demand_scope import Scope
from competence.deficits.export import HIDDEN
from competence.extensions import db
from competence.tracks.models import (
    CatalogModule,
    DevelopmentTrack,
    ModuleStatus,
    TrackModule,
    TrackStatus,
)
from competence.tracks.services import local_today, new_plan
from tests.deficits.helpers import record_result
from tests.diagnostics.helpers import load_instruments
from tests.factories import login, make_school, make_user

MAND, OPT = True, False
PLANNED, POSTPONED = ModuleStatus.PLANNED, ModuleStatus.POSTPONED
DONE, DECLINED = ModuleStatus.DONE, ModuleStatus.DECLINED


def catalog_module(key, kind, title, fmt, hours) -> CatalogModule:
    module = CatalogModule(
        key=key,
        kind=kind,
        title=title,
        description="—",
        provider="ХКИРО",
        format=fmt,
        hours=hours,
        duration_weeks=4,
        audience={"positions": ["teacher"]},
        develops=[],
    )
    db.session.add(module)
    return module


def give_track(user, entries, status=TrackStatus.ACTIVE) -> DevelopmentTrack:
    """Give a teacher a track of (module, mandatory, status) entries."""
    attempt = record_result(user, "soft-skills", {})
    # One open plan a school year: a second open one of a teacher is given the year before.
    taken = db.session.scalar(
        select(func.count())
        .select_from(DevelopmentTrack)
        .where(DevelopmentTrack.user_id == user.id, DevelopmentTrack.status != "completed")
    )
    year = school_year(local_today()) - (taken if status != TrackStatus.COMPLETED else 0)
    track = new_plan(attempt, status=status, school_year=year)
    for position, (module, mandatory, module_status) in enumerate(entries):
        track.modules.append(
            TrackModule(
                module=module,
                position=position,
                mandatory=mandatory,
                deficits=[],
                title=module.title,
                kind=module.kind,
                hours=module.hours,
                status=module_status,
                due_date=date(2027, 1, 1),
            )
        )
    db.session.add(track)
    db.session.commit()
    return track


@pytest.fixture
def region(app):
    load_instruments()
    a1 = make_school("a-001", "Школа А1", municipality="Район А")
    a2 = make_school("a-002", "Школа А2", municipality="Район А")
    b1 = make_school("b-001", "Школа Б1", municipality="Район Б")
    course = catalog_module("course-a", "course", "Курс А", "in_person", 36)
    webinar = catalog_module("webinar-b", "webinar", "Вебинар Б", "distance", 4)
    intern = catalog_module("intern-c", "internship", "Стажировка В", "blended", 16)
    db.session.commit()

    def teacher(name, school):
        return make_user(f"{name}@example.org", school=school, full_name=name)

    t1 = teacher("t1", a1)
    give_track(t1, [(course, MAND, PLANNED), (webinar, OPT, PLANNED)])
    give_track(
        teacher("t2", a1), [(course, OPT, PLANNED), (webinar, OPT, DONE), (intern, MAND, DECLINED)]
    )
    t3 = teacher("t3", a1)
    give_track(t3, [(course, MAND, DONE), (webinar, OPT, DECLINED)], TrackStatus.AWAITING_RETAKE)
    give_track(t3, [(course, OPT, POSTPONED)])
    t4 = teacher("t4", a1)
    give_track(t4, [(course, OPT, PLANNED)])
    give_track(t4, [(course, MAND, PLANNED)])
    give_track(teacher("t5", a1), [(course, MAND, PLANNED)], TrackStatus.COMPLETED)
    give_track(teacher("t6", a1), [(intern, OPT, PLANNED)])
    give_track(teacher("t7", a1), [(course, MAND, POSTPONED)])
    t8 = teacher("t8", a1)
    give_track(t8, [(course, MAND, PLANNED), (webinar, MAND, PLANNED)])
    t8.active = False
    db.session.commit()
    give_track(teacher("u1", a2), [(course, MAND, PLANNED)])
    give_track(teacher("u2", a2), [(webinar, MAND, PLANNED)])
    for number in range(1, 6):
        entries = [(course, OPT, PLANNED)]
        if number <= 2:
            entries.append((webinar, MAND, PLANNED))
        if number == 3:
            entries.append((intern, MAND, PLANNED))
        give_track(teacher(f"v{number}", b1), entries)
    people = {
        "teacher": t1,
        "director_a1": make_user("d.a1@example.org", Role.DIRECTOR, "director", a1),
        "director_a2": make_user("d.a2@example.org", Role.DIRECTOR, "director", a2),
        "coordinator_a": make_user(
            "c.a@example.org", Role.COORDINATOR, "other", a1, municipality=a1.municipality
        ),
        "coordinator_b": make_user(
            "c.b@example.org", Role.COORDINATOR, "other", b1, municipality=b1.municipality
        ),
        "methodist": make_user("m@example.org", Role.METHODIST, "other", b1),
        "admin": make_user("admin@example.org", Role.ADMIN, "other", b1),
        "ministry": make_user("min@example.org", Role.MINISTRY, "other", b1),
    }
    return SimpleNamespace(
        a1=a1, a2=a2, b1=b1, course=course, webinar=webinar, intern=intern, **people
    )


COLUMNS = ("mandatory", "optional", "total", "groups", "mandatory_groups", "hours")


def figures(report) -> dict[str, tuple]:
    """Return each row's figures by module key, in the order shown."""
    return {row.module.key: tuple(getattr(row, name) for name in COLUMNS) for row in report.rows}


def hidden_row(n=6):
    return (HIDDEN,) * n


def test_nobody_with_a_current_track(app):
    school = make_school("a-001", "Школа А1", municipality="Район А")
    teacher = make_user("t@example.org", school=school)
    load_instruments()
    module = catalog_module("course-a", "course", "Курс А", "in_person", 36)
    give_track(teacher, [(module, MAND, PLANNED)], TrackStatus.COMPLETED)
    people = [
        make_user("m@example.org", Role.METHODIST, "other", school),
        make_user("c@example.org", Role.COORDINATOR, "other", school),
        make_user("d@example.org", Role.DIRECTOR, "director", school),
    ]
    for user in people:
        client = signed_in(app, user)
        page = client.get("/analytics/demand")
        assert page.status_code == 200, user.email
        assert 'id="demand-table"' not in page.get_data(as_text=True)
        book = read_back(client.get("/analytics/demand.xlsx"))
        sheet = book.worksheets[0]
        assert [row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[1]] == []


def test_region_figures_by_hand(region):
    report = demand_report(region.methodist, Scope(), 25, 5)
    assert report.holders == 13
    assert list(figures(report).items()) == [
        ("course-a", (4, 7, 11, 1, 1, 11 * 36)),
        ("webinar-b", (3, 1, 4, 1, 1, 4 * 4)),
        ("intern-c", (1, 1, 2, 1, 1, 2 * 16)),
    ]
    assert report.totals == {
        "mandatory": 8,
        "optional": 9,
        "total": 17,
        "groups": 3,
        "mandatory_groups": 3,
        "hours": 396 + 16 + 32,
    }
    assert report.breakdown == [
        ("Район А", {"course-a": 6, "webinar-b": 2, "intern-c": 1}),
        ("Район Б", {"course-a": 5, "webinar-b": 2, "intern-c": 1}),
    ]


def test_group_size_changes_the_groups_only(region):
    report = demand_report(region.methodist, Scope(), 2, 5)
    assert figures(report) == {
        "course-a": (4, 7, 11, 6, 2, 396),
        "webinar-b": (3, 1, 4, 2, 2, 16),
        "intern-c": (1, 1, 2, 1, 1, 32),
    }
    assert report.totals["groups"] == 9 and report.totals["mandatory_groups"] == 5


def test_municipality_and_school_figures_with_small_groups_hidden(region):
    municipality = demand_report(region.coordinator_a, Scope(region.a1.municipality), 25, 5)
    assert municipality.holders == 8
    assert list(figures(municipality).items()) == [
        ("course-a", (4, 2, 6, 1, 1, 6 * 36)),
        ("webinar-b", (1, 1, 2, 1, 1, 2 * 4)),
        ("intern-c", (0, 1, 1, 1, 0, 16)),
    ]
    # A2 has 2 holders: hidden; A1 (6) too, or Район А minus A1 would give A2 away.
    assert municipality.breakdown == [
        ("Школа А1", dict.fromkeys(("course-a", "webinar-b", "intern-c"), HIDDEN)),
        ("Школа А2", dict.fromkeys(("course-a", "webinar-b", "intern-c"), HIDDEN)),
    ]
    for school in (region.a1, region.a2):
        for user in (region.coordinator_a, region.methodist, region.ministry):
            report = demand_report(user, Scope(school.municipality, school), 25, 5)
            assert report.holders is HIDDEN
            assert report.totals is None
            # Every module of the region is listed, so that which ones a hidden school needs
            # is not given away either; in title order, as no total can order them.
            assert list(figures(report).items()) == [
                ("webinar-b", hidden_row()),
                ("course-a", hidden_row()),
                ("intern-c", hidden_row()),
            ]
    b1 = demand_report(region.coordinator_b, Scope(region.b1.municipality, region.b1), 25, 5)
    assert b1.holders == 5
    assert list(figures(b1).items()) == [
        ("course-a", (0, 5, 5, 1, 0, 180)),
        ("webinar-b", (2, 0, 2, 1, 1, 8)),
        ("intern-c", (1, 0, 1, 1, 1, 16)),
    ]


def test_a_director_reads_the_own_school_unhidden(region):
    a1 = demand_report(region.director_a1, Scope(region.a1.municipality, region.a1), 25, 5)
    assert a1.holders == 6
    assert list(figures(a1).items()) == [
        ("course-a", (3, 2, 5, 1, 1, 180)),
        ("webinar-b", (0, 1, 1, 1, 0, 4)),
        ("intern-c", (0, 1, 1, 1, 0, 16)),
    ]
    a2 = demand_report(region.director_a2, Scope(region.a2.municipality, region.a2), 25, 5)
    assert a2.holders == 2
    assert list(figures(a2).items()) == [
        ("webinar-b", (1, 0, 1, 1, 1, 4)),
        ("course-a", (1, 0, 1, 1, 1, 36)),
    ]
    assert a2.breakdown == []


# --- the page ---------------------------------------------------------------------------------

ROW = re.compile(r'<tr[^>]*data-module="([^"]+)"[^>]*>(.*?)</tr>', re.S)
CELL = re.compile(r'data-column="(\w+)">(.*?)</td>', re.S)


def page_table(page: str) -> dict[str, dict[str, object]]:
    """Read the demand table of a page: module key -> column -> int or "hidden"."""
    found = {}
    for key, body in ROW.findall(page):
        found[key] = {
            column: "hidden" if "data-hidden" in text else int(text.strip())
            for column, text in CELL.findall(body)
        }
    return found


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def scope_line(page: str) -> str:
    return re.search(r'id="demand-scope">([^<]*)<', page).group(1)


def test_each_role_sees_its_scope(app, region):
    methodist = signed_in(app, region.methodist)
    page = methodist.get("/analytics/demand").get_data(as_text=True)
    table = page_table(page)
    assert list(table) == ["course-a", "webinar-b", "intern-c", "*total"]
    assert table["course-a"] == dict(zip(COLUMNS, (4, 7, 11, 1, 1, 396), strict=True))
    assert table["*total"] == dict(zip(COLUMNS, (8, 9, 17, 3, 3, 444), strict=True))
    assert 'name="group_size"' in page
    assert "/tracks/catalog/course-a" in page  # methodists open the module's catalogue page

    municipality = methodist.get(f"/analytics/demand?municipality={region.a1.municipality_id}")
    assert scope_line(municipality.get_data(as_text=True)) == "Район А"
    assert page_table(municipality.get_data(as_text=True))["course-a"]["total"] == 6

    coordinator = signed_in(app, region.coordinator_a)
    page = coordinator.get("/analytics/demand").get_data(as_text=True)
    assert scope_line(page) == "Район А"
    assert page_table(page)["intern-c"] == dict(zip(COLUMNS, (0, 1, 1, 1, 0, 16), strict=True))
    assert 'name="group_size"' not in page
    assert "/tracks/catalog/" not in page
    hidden = coordinator.get(f"/analytics/demand?school={region.a1.id}").get_data(as_text=True)
    assert scope_line(hidden) == "Школа А1 · Район А"
    # Hidden as a whole: no table, the reason instead; the count of holders is withheld too.
    assert page_table(hidden) == {} and 'id="demand-hidden-note"' in hidden
    summary = re.search(r'id="demand-summary">(.*?)</p>', hidden, re.S).group(1)
    assert "data-hidden" in summary and not re.search(r"<strong>\s*\d", summary)

    director = signed_in(app, region.director_a1)
    page = director.get("/analytics/demand").get_data(as_text=True)
    assert scope_line(page) == "Школа А1 · Район А"
    assert page_table(page)["course-a"] == dict(zip(COLUMNS, (3, 2, 5, 1, 1, 180), strict=True))
    assert 'name="group_size"' not in page and 'name="school"' not in page

    ministry = signed_in(app, region.ministry)
    page = ministry.get(f"/analytics/demand?school={region.b1.id}").get_data(as_text=True)
    assert page_table(page)["course-a"]["total"] == 5
    assert 'name="municipality"' in page and 'name="group_size"' not in page


def test_a_school_outside_the_chosen_municipality_gives_way_to_it(app, region):
    methodist = signed_in(app, region.methodist)
    response = methodist.get(
        f"/analytics/demand?municipality={region.a1.municipality_id}&school={region.b1.id}"
    )
    assert response.status_code == 200
    assert scope_line(response.get_data(as_text=True)) == "Район А"


def test_requests_out_of_reach_are_not_found(app, region):
    a, b = region.a1.municipality_id, region.b1.municipality_id
    refusals = {
        region.coordinator_a: [f"school={region.b1.id}", f"municipality={b}"],
        region.coordinator_b: [f"school={region.a1.id}", f"school={region.a2.id}"],
        region.director_a1: [
            f"school={region.a2.id}",
            f"school={region.b1.id}",
            f"municipality={a}",
        ],
        region.methodist: ["school=999999", "municipality=999999"],
    }
    for user, queries in refusals.items():
        client = signed_in(app, user)
        for query in queries:
            for path in ("/analytics/demand", "/analytics/demand.xlsx"):
                assert client.get(f"{path}?{query}").status_code == 404, (user.email, query)
    director = signed_in(app, region.director_a1)
    assert director.get(f"/analytics/demand?school={region.a1.id}").status_code == 200
    teacher = signed_in(app, region.teacher)
    assert teacher.get("/analytics/demand").status_code == 403
    assert teacher.get("/analytics/demand.xlsx").status_code == 403
    anonymous = app.test_client().get("/analytics/demand")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_coordinator_or_director_attached_nowhere_is_refused(app, region):
    loose = [
        make_user("c.none@example.org", Role.COORDINATOR, "other", region.a1),
        make_user("d.none@example.org", Role.DIRECTOR, "director", region.a1),
    ]
    loose[0].municipality_id = None
    loose[1].school_id = None
    db.session.commit()
    for user in loose:
        client = signed_in(app, user)
        assert client.get("/analytics/demand").status_code == 403, user.email
        assert client.get(f"/analytics/demand?school={region.a1.id}").status_code == 404


def test_malformed_ids_are_refused_with_a_message(app, region):
    methodist = signed_in(app, region.methodist)
    for query in ("school=abc", "municipality=1.5", "school=-1"):
        response = methodist.get(f"/analytics/demand?{query}")
        assert response.status_code == 400, query
        page = response.get_data(as_text=True)
        assert 'id="demand-error"' in page and 'id="demand-table"' not in page
    assert methodist.get("/analytics/demand?school=&municipality=").status_code == 200


def test_a_bad_group_size_shows_the_form_again_with_a_message(app, region):
    methodist = signed_in(app, region.methodist)
    with app.test_request_context():
        message = gettext(
            "The group size must be a whole number from %(low)s to %(high)s.", low=1, high=200
        )
    for size in ("0", "201", "abc", "2.5", "-3", "+25", "1e2", "25 groups"):
        query = urlencode({"group_size": size})
        response = methodist.get(f"/analytics/demand?{query}")
        assert response.status_code == 400, size
        page = response.get_data(as_text=True)
        assert re.search(r'id="demand-error">\s*' + re.escape(message), page)
        shown = re.escape(str(escape(size)))
        assert re.search(r'name="group_size"[^>]*value="' + shown + '"', page)
        assert 'aria-invalid="true"' in page and 'id="demand-table"' not in page
        assert methodist.get(f"/analytics/demand.xlsx?{query}").status_code == 400


def test_group_sizes_at_the_bounds_and_the_others_keep_the_default(app, region):
    methodist = signed_in(app, region.methodist)
    one = page_table(methodist.get("/analytics/demand?group_size=1").get_data(as_text=True))
    assert (one["course-a"]["groups"], one["course-a"]["mandatory_groups"]) == (11, 4)
    many = page_table(methodist.get("/analytics/demand?group_size=200").get_data(as_text=True))
    assert (many["course-a"]["groups"], many["intern-c"]["mandatory_groups"]) == (1, 1)
    five = page_table(methodist.get("/analytics/demand?group_size=5").get_data(as_text=True))
    assert five["course-a"]["groups"] == 3 and five["*total"]["groups"] == 5
    # Only planners choose a size: anybody else's is ignored, never refused.
    coordinator = signed_in(app, region.coordinator_b)
    for query in ("group_size=1", "group_size=abc"):
        response = coordinator.get(f"/analytics/demand?{query}")
        assert response.status_code == 200
        assert page_table(response.get_data(as_text=True))["course-a"]["groups"] == 1


def read_back(response):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def test_the_xlsx_holds_the_page_figures_as_numbers(app, region):
    methodist = signed_in(app, region.methodist)
    book = read_back(methodist.get("/analytics/demand.xlsx?group_size=5"))
    demand, by_municipality = book.worksheets
    rows = list(demand.iter_rows(min_row=4, max_row=7, values_only=True))
    assert rows[0] == ("Курс А", "course-a", rows[0][2], rows[0][3], 36, 4, 7, 11, 3, 1, 396)
    assert [row[1] for row in rows] == ["course-a", "webinar-b", "intern-c", None]
    assert rows[3][5:] == (8, 9, 17, 5, 3, 444)
    assert all(isinstance(value, int) for row in rows for value in row[5:])
    header = next(by_municipality.iter_rows(min_row=3, max_row=3, values_only=True))
    assert header[2:] == ("Район А", "Район Б")
    assert next(by_municipality.iter_rows(min_row=4, max_row=4, values_only=True)) == (
        "Курс А",
        "course-a",
        6,
        5,
    )


def test_the_xlsx_leaves_hidden_cells_empty(app, region):
    coordinator = signed_in(app, region.coordinator_a)
    response = coordinator.get(f"/analytics/demand.xlsx?school={region.a1.id}")
    assert f"school-{region.a1.id}" in response.headers["Content-Disposition"]
    sheet = read_back(response).worksheets[0]
    rows = list(sheet.iter_rows(min_row=4, max_row=6))
    assert [row[1].value for row in rows] == ["webinar-b", "course-a", "intern-c"]
    for row in rows:
        assert row[4].value in (4, 36, 16)  # the module's own hours are no secret
        assert all(cell.value is None and cell.comment is not None for cell in row[5:])
    book = read_back(coordinator.get("/analytics/demand.xlsx"))
    by_school = book.worksheets[1]
    assert next(by_school.iter_rows(min_row=4, max_row=4, values_only=True)) == (
        "Курс А",
        "course-a",
        None,
        None,
    )
    director = signed_in(app, region.director_a1)
    own = read_back(director.get("/analytics/demand.xlsx")).worksheets
    assert len(own) == 1
    first = next(own[0].iter_rows(min_row=4, max_row=4, values_only=True))
    assert first[1:] == ("course-a", first[2], first[3], 36, 3, 2, 5, 1, 1, 180)
