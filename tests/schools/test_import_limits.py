"""Oversized tables are refused while they are read, with the limit named, before the whole file.

Rows read are counted at the reader (competence.tabular._xlsx_rows), so the tests say how much
of a file was read, not how long it took.
"""

import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from competence import tabular
from competence.accounts.models import Role
from competence.extensions import db
from competence.schools.models import SchoolIndicators
from tests.factories import login, make_user
from tests.schools.helpers import HEADER, csv_file, make_region, region_rows
from tests.schools.test_indicator_import import upload

COLUMNS = [*HEADER, "oge_rus_grade5", "free_meals"]


def xlsx_rows(count: int, width: int = len(COLUMNS)) -> bytes:
    """Return a workbook of a header and `count` data rows (streamed by openpyxl's writer)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([*COLUMNS, *(f"extra_{n}" for n in range(width - len(COLUMNS)))])
    for number in range(count):
        row = [2024, f"s{number}", f"Школа {number}", "Амурский район", "secondary", 10, 80]
        sheet.append(row + [1] * (width - len(COLUMNS)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def methodist(client):
    make_region()
    make_user("methodist@example.org", Role.METHODIST, position="other")
    login(client, "methodist@example.org")
    return client


@pytest.fixture
def rows_read(monkeypatch):
    """Count the rows the reader takes from any worksheet."""
    counter = {"rows": 0}
    original = tabular._xlsx_rows

    def counting(sheet):
        for row in original(sheet):
            counter["rows"] += 1
            yield row

    monkeypatch.setattr(tabular, "_xlsx_rows", counting)
    return counter


def stored() -> int:
    return db.session.scalar(select(func.count(SchoolIndicators.id)))


def test_a_file_just_over_the_row_limit_is_refused_naming_the_limit(methodist, rows_read):
    # the header and MAX_TABLE_ROWS data rows: one row more than the sheet may have
    response = upload(methodist, xlsx_rows(tabular.MAX_TABLE_ROWS), "indicators.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "в файле больше 10\u00a0000 строк — это предел одного файла" in page
    assert rows_read["rows"] == tabular.MAX_TABLE_ROWS + 1
    assert stored() == 0
    # the page states the limits before anyone uploads
    assert "Не больше 10\u00a0000 строк, 100 столбцов и 200\u00a0000 заполненных ячеек" in page


def test_a_far_larger_file_is_read_only_to_just_past_the_limit(methodist, rows_read, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_TABLE_ROWS", 200)
    response = upload(methodist, xlsx_rows(5_000), "indicators.xlsx")
    assert response.status_code == 422
    assert "в файле больше 200 строк" in response.get_data(as_text=True)
    assert rows_read["rows"] == 201  # of 5 001
    assert stored() == 0


def test_the_cell_limit_is_checked_while_reading(methodist, rows_read, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_TABLE_CELLS", 1_000)
    response = upload(methodist, xlsx_rows(500, width=20), "indicators.xlsx")
    assert response.status_code == 422
    assert "в файле больше 1\u00a0000 заполненных ячеек" in response.get_data(as_text=True)
    # 20 filled cells a row, the header's included: the 51st row passes 1 000
    assert rows_read["rows"] == 51
    assert stored() == 0


def test_too_many_columns_are_refused(methodist, rows_read):
    response = upload(methodist, xlsx_rows(3, width=tabular.MAX_TABLE_COLUMNS + 5), "wide.xlsx")
    assert response.status_code == 422
    assert "в строке 1 больше 100 столбцов" in response.get_data(as_text=True)
    assert rows_read["rows"] == 1


def test_a_csv_over_the_row_limit_is_refused_too(methodist, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_TABLE_ROWS", 100)
    lines = [",".join(COLUMNS)] + ["2024,s,Школа,Амурский район,secondary,10,80"] * 150
    response = upload(methodist, "\n".join(lines).encode(), "indicators.csv")
    assert response.status_code == 422
    assert "в файле больше 100 строк" in response.get_data(as_text=True)


def test_a_file_within_the_limits_still_imports(methodist, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_TABLE_ROWS", 9)
    # the helpers' region: 8 schools, one year, plus the header = 9 rows
    response = upload(methodist, csv_file(region_rows(years=(2024,))), "indicators.csv")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert stored() == 8


def test_a_workbook_of_too_many_distinct_texts_is_refused_before_any_row(
    methodist, rows_read, monkeypatch
):
    monkeypatch.setattr(tabular, "MAX_SHARED_STRINGS_BYTES", 2048)
    # Excel keeps a workbook's texts in xl/sharedStrings.xml (openpyxl writes them inline):
    # add such a part of 200 distinct names to a workbook.
    buffer = io.BytesIO(xlsx_rows(1))
    texts = "".join(f"<si><t>Школа с длинным названием № {n}</t></si>" for n in range(200))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", f"<sst>{texts}</sst>")
    response = upload(methodist, buffer.getvalue(), "indicators.xlsx")
    assert response.status_code == 422
    assert "текст ячеек книги занимает больше 2 КБ" in response.get_data(as_text=True)
    assert rows_read["rows"] == 0
