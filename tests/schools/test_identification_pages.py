"""The lists, the cross-table, movement and the school card, per role and municipality."""

import re

import pytest

from competence.accounts.models import Role
from competence.schools.imports import import_indicators
from tests.factories import login, make_school, make_user
from tests.schools.helpers import (
    AMUR,
    KHABAROVSK,
    csv_file,
    load_region,
    region_rows,
    school_name,
)


def signed_in(app, role, municipality=None, school=None, email=None):
    """Return a client signed in as a new user of the role."""
    email = email or f"{role}@example.org"
    place = school or make_school(code="home", municipality=municipality or AMUR)
    make_user(email, role, position="other", school=place, municipality=place.municipality)
    client = app.test_client()
    login(client, email)
    return client


def listed(page: str) -> list[str]:
    """Return the school names in the list table of a page, in order."""
    if "school-list" not in page:  # an empty list has no table
        return []
    table = page.split("school-list")[1].split("</table>")[0]
    return re.findall(r'<a href="/schools/\d+\?year=\d+">([^<]+)</a>', table)


@pytest.fixture
def region(app):
    return load_region()


def test_lists_for_the_whole_region(app, region):
    methodist = signed_in(app, Role.METHODIST)
    page = methodist.get("/schools/").get_data(as_text=True)
    assert "ШНРО, 2022–2024" in page
    assert listed(page) == [school_name("a1")]
    risk = methodist.get("/schools/?list=risk").get_data(as_text=True)
    assert listed(risk) == [school_name("a2")]
    high = methodist.get("/schools/?list=stable_high").get_data(as_text=True)
    assert listed(high) == [school_name("a3"), school_name("b1")]  # index 1.0, then 0.9375
    unfavourable = methodist.get("/schools/?list=unfavourable").get_data(as_text=True)
    assert listed(unfavourable) == [school_name("a1"), school_name("b1")]  # hardest first
    favourable = methodist.get("/schools/?list=favourable").get_data(as_text=True)
    assert listed(favourable) == [school_name("a3"), school_name("b3")]
    resilient = methodist.get("/schools/?list=resilient").get_data(as_text=True)
    assert listed(resilient) == [school_name("b1")]
    # results index of a2 in 2024: (15 - 10) / 80 = 0.0625 -> 0,06; conditions 40 / 70 -> 0,57
    assert "0,06" in risk and "0,57" in risk
    # phones: the columns hidden below md come as a line under the school's name
    details = risk.split('class="d-md-none small list-details"')[1].split("</td>")[0]
    assert "Индекс условий 0,57" in details
    assert "Уровни по годам" in details and details.count("band-dot edu-") == 3
    # no window before 2022-2024 is stored: "earlier: no data"
    assert re.search(r"Ранее:\s*<span class=\"badge cat-none\">нет данных</span>", details)


def test_municipality_and_group_filters(app, region):
    methodist = signed_in(app, Role.METHODIST)
    khabarovsk = region["b1"].municipality_id
    page = methodist.get(f"/schools/?list=stable_high&municipality={khabarovsk}")
    assert listed(page.get_data(as_text=True)) == [school_name("b1")]
    basic = methodist.get("/schools/?list=stable_high&group=basic").get_data(as_text=True)
    assert "В этом списке нет школ" in basic


def test_cross_table_counts_schools_by_both_categories(app, region):
    methodist = signed_in(app, Role.METHODIST)
    page = methodist.get("/schools/").get_data(as_text=True)
    table = page.split('id="cross-title"')[1].split("</table>")[0]
    rows = {
        name: re.findall(r"<td[^>]*>\s*(?:<a [^>]*>)?(\d+)", row)
        for name, row in re.findall(r'<th scope="row">([^<]+)<span.*?</th>(.*?)</tr>', table, re.S)
    }
    # columns: ШНСУ, usual, favourable, total
    assert rows["ШНРО"] == ["1", "0", "0", "1"]  # a1
    assert rows["Группа риска"] == ["0", "1", "0", "1"]  # a2
    assert rows["Стабильно высокие"] == ["1", "0", "1", "2"]  # b1, a3
    assert rows["Средние результаты"] == ["0", "3", "1", "4"]  # a4, b2, b4; b3
    # phones have no room for the totals column: each row's name carries its total
    totals = re.findall(
        r'<th scope="row">([^<]+)<span class="d-block d-sm-none[^>]*>([^<]+)', table
    )
    assert totals == [
        ("ШНРО", "Всего: 1"),
        ("Группа риска", "Всего: 1"),
        ("Стабильно высокие", "Всего: 2"),
        ("Средние результаты", "Всего: 4"),
    ]
    both = methodist.get("/schools/?list=low_results&social=unfavourable").get_data(as_text=True)
    assert listed(both) == [school_name("a1")]


def test_movement_between_windows(app):
    load_region()
    # 2025: a1 recovers (95, the best) and b4 falls (10, with a1's old place)
    rows = [dict(r, year=2025) for r in region_rows() if r["year"] == 2024]
    for row in rows:
        row["oge_rus_grade5"] = {"a1": 95, "b4": 5}.get(row["school_id"], row["oge_rus_grade5"])
    import_indicators("2025.csv", csv_file(rows))
    methodist = signed_in(app, Role.METHODIST)
    page = methodist.get("/schools/").get_data(as_text=True)
    assert "ШНРО, 2023–2025" in page
    # 2025 sorted: b4 5, a2 15 | b2 30, a4 40, b3 60, b1 85 | a3 90, a1 95: a2 is now low three
    # years running (ШНРО), a1 left the list; b4 is low in 2025 only
    assert listed(page) == [school_name("a2")]
    assert listed(methodist.get("/schools/?list=risk").get_data(as_text=True)) == []
    movement = page.split('id="movement-title"')[1].split("</table>")[0]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', movement, re.S))

    def cells(name):
        return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", rows[name])]

    # columns: ШНРО, risk, stable high, middle (over 2023-2025); rows: over 2022-2024
    assert cells("ШНРО") == ["0", "0", "0", "1"]  # a1
    assert cells("Группа риска") == ["1", "0", "0", "0"]  # a2
    assert cells("Стабильно высокие") == ["0", "0", "1", "1"]  # a3 stays; b1 is middle in 2025
    assert cells("Средние результаты") == ["0", "0", "0", "4"]
    older = methodist.get("/schools/?year=2024").get_data(as_text=True)
    assert listed(older) == [school_name("a1")]


def test_coordinator_sees_own_municipality_only(app, region):
    coordinator = signed_in(app, Role.COORDINATOR, municipality=KHABAROVSK)
    page = coordinator.get("/schools/?list=stable_high").get_data(as_text=True)
    assert listed(page) == [school_name("b1")]
    assert 'name="municipality"' not in page
    # asking for another municipality in the query changes nothing
    amur = region["a1"].municipality_id
    again = coordinator.get(f"/schools/?list=stable_high&municipality={amur}")
    assert listed(again.get_data(as_text=True)) == [school_name("b1")]
    assert coordinator.get(f"/schools/{region['b1'].id}").status_code == 200
    assert coordinator.get(f"/schools/{region['a1'].id}").status_code == 404
    assert coordinator.get("/schools/999999").status_code == 404


def test_coordinator_without_a_municipality_is_told_why(app, region):
    make_user("lost@example.org", Role.COORDINATOR, position="other")
    client = app.test_client()
    login(client, "lost@example.org")
    from competence.accounts.models import User
    from competence.extensions import db

    user = db.session.scalar(db.select(User).where(User.email == "lost@example.org"))
    user.municipality = None
    db.session.commit()
    response = client.get("/schools/")
    assert response.status_code == 403
    assert "Вам не назначен муниципалитет" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "lists", "own_card", "other_card"),
    [
        (Role.TEACHER, 403, 403, 403),
        (Role.DIRECTOR, 403, 200, 404),
        (Role.COORDINATOR, 200, 200, 404),
        (Role.METHODIST, 200, 200, 200),
        (Role.ADMIN, 200, 200, 200),
    ],
)
def test_access_per_role(app, region, role, lists, own_card, other_card):
    client = signed_in(app, role, school=region["a1"])
    assert client.get("/schools/").status_code == lists
    assert client.get(f"/schools/{region['a1'].id}").status_code == own_card
    assert client.get(f"/schools/{region['b1'].id}").status_code == other_card


def test_nav_and_cabinet_link_to_the_module(app, region):
    methodist = signed_in(app, Role.METHODIST)
    cabinet = methodist.get("/cabinet/").get_data(as_text=True)
    assert 'href="/schools/"' in cabinet and "Идентификация школ" in cabinet
    director = signed_in(app, Role.DIRECTOR, school=region["a1"], email="head@example.org")
    page = director.get("/cabinet/").get_data(as_text=True)
    assert f'href="/schools/{region["a1"].id}"' in page
    assert f'href="/schools/{region["a1"].id}#plans"' in page
    assert 'href="/schools/">Школы</a>' not in page


def test_school_card_shows_indices_movement_and_weak_indicators(app, region):
    methodist = signed_in(app, Role.METHODIST)
    page = methodist.get(f"/schools/{region['a2'].id}").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page
    assert "Индексы школы МБОУ СОШ A2 по годам" in page
    # the year table: 2022 (50 - 10) / 80 = 0,50 middle; 2024 0,06 low; conditions 0,57 usual
    assert re.search(r"2022</td>\s*<td><span class=\"index-value\">0,50</span>", page)
    assert re.search(r"2024</td>\s*<td><span class=\"index-value\">0,06</span>", page)
    assert "Группа риска" in page
    weak = page.split('id="weak-title"')[1].split("</section>")[0]
    assert "Доля «5» на ОГЭ по русскому языку" in weak
    # a2 has 15 against the group's mean (10+15+90+40+85+30+60+60) / 8 = 48,75
    assert "48,75" in weak
    hard = page.split('id="hard-title"')[1].split("</section>")[0]
    assert "Доля обучающихся, обеспеченных бесплатным питанием" in hard


def test_card_without_data(app):
    school = make_school(code="lonely")
    methodist = signed_in(app, Role.METHODIST)
    page = methodist.get(f"/schools/{school.id}").get_data(as_text=True)
    assert "Пока нет значений показателей за три года" in page
    assert methodist.get("/schools/").status_code == 200
    assert "Недостаточно данных для идентификации" in methodist.get("/schools/").get_data(
        as_text=True
    )


def test_card_movement_over_windows(app):
    load_region()
    rows = [dict(r, year=2025) for r in region_rows() if r["year"] == 2024]
    for row in rows:
        row["oge_rus_grade5"] = {"a1": 95, "b4": 5}.get(row["school_id"], row["oge_rus_grade5"])
    import_indicators("2025.csv", csv_file(rows))
    methodist = signed_in(app, Role.METHODIST)
    from competence.extensions import db
    from competence.schools.models import School

    a1 = db.session.scalar(db.select(School).where(School.code == "a1"))
    page = methodist.get(f"/schools/{a1.id}").get_data(as_text=True)
    history = page.split('id="history-title"')[1].split("</table>")[0]
    windows = re.findall(r"(\d{4}–\d{4})</th>\s*<td[^>]*>.*?badge cat-(\w+)", history, re.S)
    assert windows == [("2022–2024", "low_results"), ("2023–2025", "middle")]
    # phones stack each window with labelled cells, the resilient column too
    assert 'class="table table-sm small mb-0 table-stack"' in history
    assert history.count('data-label="Резильентная"') == 2


def test_odd_query_parameters_fall_back_to_defaults(app, region):
    methodist = signed_in(app, Role.METHODIST)
    page = methodist.get("/schools/?year=abc&municipality=x&group=primary&list=nope&social=z")
    assert page.status_code == 200
    assert listed(page.get_data(as_text=True)) == [school_name("a1")]
    assert methodist.get(f"/schools/{region['a1'].id}?year=1990").status_code == 200
