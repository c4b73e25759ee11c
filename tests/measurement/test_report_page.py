"""The methodists' item analysis page, its recomputation and its XLSX export."""

import io
from dataclasses import replace

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from competence.accounts.models import Role
from competence.audit import AuditEvent
from competence.extensions import db
from competence.instruments.models import ContentVersion
from competence.measurement import export
from competence.measurement.models import ItemCalibration
from competence.measurement.services import MIN_RELIABLE_ATTEMPTS, version_report
from tests.diagnostics.helpers import instrument, load_instruments
from tests.factories import csrf_token, login, make_user
from tests.measurement.helpers import KEY, cohort

URL = f"/measurement/instruments/{KEY}/v1"


@pytest.fixture
def methodist(client):
    load_instruments()
    make_user(email="methodist@example.org", role=Role.METHODIST, position="methodist")
    login(client, "methodist@example.org")
    return client


def test_empty_state_without_attempts(methodist):
    page = methodist.get(URL).get_data(as_text=True)
    assert "Пока нет завершённых попыток" in page
    assert "item-analysis.xlsx" not in page


def test_the_report_shows_statistics_and_warns_when_attempts_are_few(methodist):
    cohort(8)
    page = methodist.get(URL).get_data(as_text=True)
    assert f"меньше {MIN_RELIABLE_ATTEMPTS}" in page
    assert "Надёжность шкал" in page and "Всё средство" in page
    for item in instrument(KEY).instrument.items:
        assert f"<code>{item.id}</code>" in page
    assert "Дистракторы" in page and "Калибровка по Рашу" in page


def test_the_page_is_linked_from_the_instrument(methodist):
    page = methodist.get(f"/instruments/instrument/{KEY}").get_data(as_text=True)
    assert f'href="{URL}"' in page


def test_recompute_stores_the_calibration_and_says_so(methodist):
    cohort(5)
    token = csrf_token(methodist, URL)
    response = methodist.post(f"{URL}/calibrate", data={"csrf_token": token})
    assert response.status_code == 302
    page = methodist.get(URL).get_data(as_text=True)
    assert "Статистика пересчитана по попыткам (5) и сохранена." in page
    assert "Сохранённая статистика (её показывает редактор)" in page
    assert db.session.scalar(select(func.count()).select_from(ItemCalibration)) > 0


def test_recompute_without_the_token_changes_nothing(methodist):
    cohort(3)
    response = methodist.post(f"{URL}/calibrate", data={})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ItemCalibration)) == 0


def test_unknown_versions_are_not_found(methodist):
    assert methodist.get(f"/measurement/instruments/{KEY}/v9").status_code == 404
    assert methodist.get("/measurement/instruments/no-such/v1").status_code == 404
    # A framework is not an instrument.
    assert methodist.get("/measurement/instruments/khkiro-pedagogue/v1").status_code == 404


def test_teachers_are_refused(client):
    load_instruments()
    make_user()
    login(client)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/item-analysis.xlsx").status_code == 403


def test_xlsx_export_holds_the_whole_report_and_is_logged(methodist):
    cohort(10)
    response = methodist.get(f"{URL}/item-analysis.xlsx")
    assert response.status_code == 200
    assert f"item-analysis-{KEY}-v1.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Сводка", "Задания", "Дистракторы", "Метод"]
    summary = [[c.value for c in row] for row in book["Сводка"].iter_rows()]
    assert ["Завершённых попыток", 10] in [row[:2] for row in summary]
    items = list(book["Задания"].iter_rows(values_only=True))
    ids = [item.id for item in instrument(KEY).instrument.items]
    assert [row[0] for row in items[1:]] == ids
    assert items[0][5] == "Лёгкость"
    # An item of the bank no sitting drew has an empty cell, the others a number.
    answered = [row for row in items[1:] if row[4]]
    assert answered and all(isinstance(row[5], int | float) for row in answered)
    assert all(row[5] is None for row in items[1:] if not row[4])
    distractors = list(book["Дистракторы"].iter_rows(values_only=True))
    assert len(distractors) > 1
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "item_analysis_exported")
    )
    assert event.object_id == KEY and event.details == {"number": 1}


def test_text_that_looks_like_a_formula_stays_text(methodist):
    cohort(3)
    ready = instrument(KEY)
    version = db.session.get(ContentVersion, ready.version_id)
    report = version_report(version)
    # Stems are the methodists' text: one starting with "=" must reach the sheet as text.
    evil = replace(ready.instrument.items[0], stem='=HYPERLINK("http://x","y")')
    items = (evil, *report.instrument.items[1:])
    report = replace(report, instrument=replace(report.instrument, items=items))
    with methodist.application.test_request_context():
        data = export.report_xlsx(version, report)
    cell = load_workbook(io.BytesIO(data))["Задания"].cell(2, 4)
    assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s"


def test_the_editor_shows_each_items_latest_statistics(methodist):
    cohort(6)
    editor = f"/instruments/instrument/{KEY}/edit"
    methodist.post(
        f"/instruments/instrument/{KEY}/draft",
        data={"csrf_token": csrf_token(methodist, f"/instruments/instrument/{KEY}")},
    )
    assert "item-statistics" not in methodist.get(editor).get_data(as_text=True)
    methodist.post(f"{URL}/calibrate", data={"csrf_token": csrf_token(methodist, URL)})
    page = methodist.get(editor).get_data(as_text=True)
    rows = db.session.scalars(select(ItemCalibration)).all()
    assert page.count('class="small text-body-secondary item-statistics"') == len(rows)
    assert "лёгкость" in page and "дискриминативность" in page
