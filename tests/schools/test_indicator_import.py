"""Importing indicator files into the database: the page, the command, bad input, replacement."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from competence.accounts.models import Role
from competence.extensions import db
from competence.schools.imports import import_indicators, parse_years
from competence.schools.indicator_files import IndicatorFileError
from competence.schools.models import IndicatorImport, RegionMean, SchoolIndicators
from tests.factories import csrf_token, login, make_user
from tests.schools.helpers import csv_file, make_region, region_rows

URL = "/schools/indicators"


def upload(client, data: bytes, name="indicators.csv", means=None, years=""):
    """Post the import form with a file (and optionally a region-means file)."""
    form = {
        "csrf_token": csrf_token(client, URL),
        "indicators": (io.BytesIO(data), name),
        "years": years,
    }
    if means is not None:
        form["region_means"] = (io.BytesIO(means[1]), means[0])
    return client.post(URL, data=form, content_type="multipart/form-data")


def stored_count() -> int:
    return db.session.scalar(select(func.count(SchoolIndicators.id)))


@pytest.fixture
def methodist(client):
    make_region()
    make_user("methodist@example.org", Role.METHODIST, position="other")
    login(client, "methodist@example.org")
    return client


def test_the_page_imports_three_years_and_lists_them(methodist):
    response = upload(methodist, csv_file(region_rows()))
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Загружено строк: 24 за 2022, 2023, 2024." in page
    assert stored_count() == 24
    batch = db.session.scalar(select(IndicatorImport))
    assert (batch.filename, batch.years, batch.rows) == ("indicators.csv", [2022, 2023, 2024], 24)
    assert batch.imported_by.email == "methodist@example.org"
    row = db.session.scalar(
        select(SchoolIndicators).where(SchoolIndicators.year == 2022).order_by(SchoolIndicators.id)
    )
    assert row.values == {"oge_rus_grade5": 10.0, "free_meals": 80.0}
    listing = methodist.get(URL).get_data(as_text=True)
    assert "Годы в базе" in listing and "2024" in listing and "indicators.csv" in listing


def test_an_xlsx_file_is_imported_too(methodist):
    rows = region_rows()
    workbook = openpyxl.Workbook()
    workbook.active.append(list(rows[0]))
    for row in rows:
        workbook.active.append(list(row.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert upload(methodist, buffer.getvalue(), "indicators.xlsx").status_code == 200
    assert stored_count() == 24


def test_reimporting_a_year_replaces_that_year_only(methodist):
    upload(methodist, csv_file(region_rows()))
    corrected = [dict(row, oge_rus_grade5=55) for row in region_rows() if row["year"] == 2024]
    corrected = [row for row in corrected if row["school_id"] != "b4"]  # b4 dropped from 2024
    page = upload(methodist, csv_file(corrected)).get_data(as_text=True)
    assert "Прежние данные за 2024 заменены." in page
    assert stored_count() == 23
    values_2024 = db.session.scalars(
        select(SchoolIndicators.values).where(SchoolIndicators.year == 2024)
    ).all()
    assert {v["oge_rus_grade5"] for v in values_2024} == {55.0}
    values_2023 = db.session.scalars(
        select(SchoolIndicators.values).where(SchoolIndicators.year == 2023)
    ).all()
    assert len(values_2023) == 8 and {v["oge_rus_grade5"] for v in values_2023} != {55.0}


def bad_files():
    rows = region_rows()
    wrong_column = csv_file([{**rows[0], "oge_rus_grade6": 1}])
    above_100 = [dict(r) for r in rows]
    above_100[3]["free_meals"] = 140
    text = [dict(r) for r in rows]
    text[9]["oge_rus_grade5"] = "много"
    gap = [r for r in rows if r["year"] != 2023]  # 2022 and 2024 without 2023
    unknown = [dict(r) for r in rows]
    unknown[0]["school_id"] = "zz-404"
    return [
        (wrong_column, "", "строка 1, столбец «oge_rus_grade6»: неизвестный столбец"),
        (
            csv_file(above_100),
            "",
            "indicators.csv, строка 5, столбец «free_meals»: значение «140» вне допустимого "
            "диапазона 0–100",
        ),
        (
            csv_file(text),
            "",
            "indicators.csv, строка 11, столбец «oge_rus_grade5»: значение «много» не является "
            "числом",
        ),
        (csv_file(gap), "", "indicators.csv, столбец «year»: нет ни одной строки за 2023 год"),
        (
            csv_file([r for r in rows if r["year"] == 2024]),
            "2023, 2024",
            "indicators.csv, столбец «year»: нет ни одной строки за 2023 год",
        ),
        (
            csv_file(unknown),
            "",
            "indicators.csv, строка 2, столбец «school_id»: школы «zz-404» нет в реестре школ",
        ),
    ]


@pytest.mark.parametrize(("data", "years", "message"), bad_files())
def test_bad_input_names_file_row_and_column_and_imports_nothing(methodist, data, years, message):
    upload(methodist, csv_file(region_rows()))  # something stored before must stay untouched
    before = db.session.scalars(select(SchoolIndicators.values)).all()
    response = upload(methodist, data, years=years)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ничего не загружено" in page
    assert message in page.replace("&#34;", '"').replace("&#39;", "'")
    db.session.expire_all()
    assert db.session.scalars(select(SchoolIndicators.values)).all() == before
    assert db.session.scalar(select(func.count(IndicatorImport.id))) == 1


@pytest.mark.parametrize(
    ("stored", "file_years", "missing"),
    [
        ((2021, 2022, 2023, 2024), (2026,), [2025]),  # a window "2024-2026" would skip 2025
        ((2022, 2023, 2024), (2019,), [2020, 2021]),
        ((2022, 2023, 2024), (2026, 2027), [2025]),
    ],
)
def test_a_year_missing_for_everyone_next_to_the_stored_years_is_refused(
    methodist, stored, file_years, missing
):
    upload(methodist, csv_file(region_rows(stored)))
    response = upload(methodist, csv_file(region_rows(file_years)))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ничего не загружено" in page
    for year in missing:
        assert (
            f"indicators.csv, столбец «year»: за {year} год нет строк ни в файле, ни в портале "
            f"(там {stored[0]}–{stored[-1]}): годы должны идти подряд, сначала загрузите {year} год"
        ) in page
    db.session.expire_all()
    assert sorted(set(db.session.scalars(select(SchoolIndicators.year)))) == list(stored)
    assert db.session.scalar(select(func.count(IndicatorImport.id))) == 1


def test_the_next_year_or_a_replaced_year_is_accepted(methodist):
    upload(methodist, csv_file(region_rows((2021, 2022, 2023, 2024))))
    assert upload(methodist, csv_file(region_rows((2025,)))).status_code == 200
    assert upload(methodist, csv_file(region_rows((2022,)))).status_code == 200
    assert upload(methodist, csv_file(region_rows((2020,)))).status_code == 200
    assert sorted(set(db.session.scalars(select(SchoolIndicators.year)))) == list(range(2020, 2026))


def test_region_means_are_stored_and_must_belong_to_the_imported_years(methodist):
    means = csv_file(
        [
            {"year": 2024, "indicator": "oge_rus_mean", "value": "3,9"},
            {"year": 2021, "indicator": "oge_rus_mean", "value": "4.0"},
        ]
    )
    response = upload(methodist, csv_file(region_rows()), means=("means.csv", means))
    assert response.status_code == 422
    assert (
        "means.csv, строка 3, столбец «year»: за 2021 год в файле показателей нет строк"
        in response.get_data(as_text=True)
    )
    assert stored_count() == 0
    good = csv_file([{"year": 2024, "indicator": "oge_rus_mean", "value": "3,9"}])
    assert upload(methodist, csv_file(region_rows()), means=("m.csv", good)).status_code == 200
    assert db.session.get(RegionMean, (2024, "oge_rus_mean")).value == 3.9
    # a later import of 2024 without means drops the old 2024 means with the old values
    upload(methodist, csv_file([r for r in region_rows() if r["year"] == 2024]))
    db.session.expire_all()
    assert db.session.get(RegionMean, (2024, "oge_rus_mean")) is None


def test_a_form_without_a_file_or_with_bad_years_is_refused(methodist):
    response = methodist.post(URL, data={"csrf_token": csrf_token(methodist, URL)})
    assert response.status_code == 422
    assert "Выберите файл." in response.get_data(as_text=True)
    response = upload(methodist, csv_file(region_rows()), years="22, 23")
    assert response.status_code == 422
    assert "укажите годы четырьмя цифрами" in response.get_data(as_text=True)
    assert stored_count() == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.TEACHER, 403), (Role.DIRECTOR, 403), (Role.COORDINATOR, 403), (Role.ADMIN, 200)],
)
def test_only_methodists_and_administrators_import(client, role, status):
    make_user("someone@example.org", role, position="other")
    login(client, "someone@example.org")
    assert client.get(URL).status_code == status
    assert client.get(URL + "/template.csv").status_code == status


def test_the_empty_template_has_every_column(methodist):
    response = methodist.get(URL + "/template.csv")
    header = response.get_data(as_text=True).lstrip("\ufeff").splitlines()[0].split(",")
    assert header[:5] == ["year", "school_id", "school_name", "municipality", "group"]
    assert "ege_no_cert" in header and "guardianship" in header and header[-1] == "excluded"
    assert len(header) == 5 + 32 + 1


def test_the_command_imports_and_reports_errors(app, runner, tmp_path):
    make_region()
    good = tmp_path / "indicators.csv"
    good.write_bytes(csv_file(region_rows()))
    result = runner.invoke(args=["schools", "import-indicators", str(good), "--years", "2022,2024"])
    assert result.exit_code == 0, result.output
    assert "imported rows: 24; years: 2022, 2023, 2024" in result.output
    bad = tmp_path / "bad.csv"
    rows = region_rows()
    rows[0]["oge_rus_grade5"] = "abc"
    bad.write_bytes(csv_file(rows))
    result = runner.invoke(args=["schools", "import-indicators", str(bad)])
    assert result.exit_code == 1
    assert "bad.csv, строка 2, столбец «oge_rus_grade5»: значение «abc» не является числом" in (
        result.output
    )
    assert stored_count() == 24


def test_service_raises_with_every_error_of_both_files(app):
    make_region()
    rows = region_rows()
    rows[0]["free_meals"] = 101
    means = csv_file([{"year": 2024, "indicator": "ege_no_cert", "value": 1}])
    with pytest.raises(IndicatorFileError) as caught:
        import_indicators("f.csv", csv_file(rows), means_filename="m.csv", means_data=means)
    assert [(e.file, e.row, e.column) for e in caught.value.errors] == [
        ("f.csv", 2, "free_meals"),
        ("m.csv", 2, "indicator"),
    ]


@pytest.mark.parametrize(
    ("text", "years"),
    [("", None), ("2024, 2022;2023", (2022, 2023, 2024)), ("2022 2023", (2022, 2023))],
)
def test_parse_years(text, years):
    assert parse_years(text) == years
