"""An improvement plan as documents: PDF (A4, WeasyPrint) and XLSX (openpyxl), in Russian.

Both are documents handed to the municipality and the institute, so they are always in Russian,
whatever the language of the person who downloads them.
"""

from flask import render_template
from flask_babel import force_locale, format_date, to_user_timezone
from flask_babel import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from competence.analytics.indicators import INDICATORS_BY_CODE
from competence.certificates.pdf import render_pdf
from competence.schools.labels import (
    MEASURE_STATUS_LABELS,
    PLAN_STATUS_LABELS,
    STAGE_LABELS,
    STAGE_SHORT_LABELS,
)
from competence.schools.labels import number as format_number
from competence.schools.labels import percent as format_percent
from competence.schools.plan_models import ImprovementPlan, MonitoringStage
from competence.schools.plan_services import goal_progress, plan_progress
from competence.tabular import new_workbook, workbook_bytes, write_cell

STYLESHEETS = ("pdf/fonts.css",)
_HEADER_FILL = PatternFill("solid", fgColor="E6EEF1")
_WRAP = Alignment(wrap_text=True, vertical="top")


def export_name(plan: ImprovementPlan, extension: str) -> str:
    """Return the file name of an export: plan-<school code>-<start year>.<extension>."""
    return f"plan-{plan.school.code}-{plan.starts_on.year}.{extension}"


def plan_html(plan: ImprovementPlan) -> str:
    """Return the plan as the HTML of its PDF (always in Russian)."""
    with force_locale("ru"):
        progress = goal_progress(plan)
        return render_template(
            "schools/plan_pdf.html",
            plan=plan,
            progress=progress,
            overall=plan_progress(progress),
            stages=list(MonitoringStage),
            points={point.stage: point for point in plan.monitoring},
            indicators=INDICATORS_BY_CODE,
            number=format_number,
            percent=format_percent,
            stage_short_labels=STAGE_SHORT_LABELS,
            measure_labels=MEASURE_STATUS_LABELS,
            status_labels=PLAN_STATUS_LABELS,
        )


def plan_pdf(plan: ImprovementPlan) -> bytes:
    """Render the plan to an A4 PDF."""
    return render_pdf(plan_html(plan), STYLESHEETS)


def plan_xlsx(plan: ImprovementPlan) -> bytes:
    """Write the plan to a workbook: goals with monitoring, measures, discussion."""
    with force_locale("ru"):
        workbook = new_workbook()
        _goals_sheet(workbook.active, plan)
        _measures_sheet(workbook.create_sheet(_("Measures")), plan)
        _discussion_sheet(workbook.create_sheet(_("Discussion")), plan)
        return workbook_bytes(workbook)


def _heading(sheet, plan: ImprovementPlan) -> int:
    """Write the plan's heading rows; return the next free row."""
    write_cell(sheet, 1, 1, plan.title).font = Font(bold=True, size=14)
    school = plan.school
    rows = [
        (_("School"), f"{school.name} ({school.municipality.name})"),
        (_("Period"), f"{format_date(plan.starts_on)} — {format_date(plan.ends_on)}"),
        (_("Status"), str(PLAN_STATUS_LABELS[plan.status])),
    ]
    if plan.approved_at:
        rows.append((_("Approved"), format_date(plan.approved_at)))
    for offset, (label, value) in enumerate(rows, start=2):
        write_cell(sheet, offset, 1, label).font = Font(bold=True)
        write_cell(sheet, offset, 2, value)
    return len(rows) + 3


def _table(sheet, row: int, header: list[str], widths: list[int]) -> int:
    """Write a bold table header at row with column widths; return the first data row."""
    for column, (title, width) in enumerate(zip(header, widths, strict=True), start=1):
        cell = write_cell(sheet, row, column, title)
        cell.font, cell.fill, cell.alignment = Font(bold=True), _HEADER_FILL, _WRAP
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row + 1, 1)
    return row + 1


def _goals_sheet(sheet, plan: ImprovementPlan) -> None:
    sheet.title = _("Goals and monitoring")
    row = _heading(sheet, plan)
    stages = list(MonitoringStage)
    header = [
        _("No."),
        _("Goal"),
        _("Indicator"),
        _("Staff competences"),
        _("Baseline"),
        _("Target"),
        *[str(STAGE_LABELS[stage]) for stage in stages],
        _("Progress to target"),
    ]
    row = _table(sheet, row, header, [5, 45, 32, 32, 11, 11, 13, 13, 13, 12])
    for item in goal_progress(plan):
        goal = item.goal
        indicator = INDICATORS_BY_CODE[goal.indicator_code].title if goal.indicator_code else ""
        competences = "; ".join(c["title"] for c in goal.competences)
        cells = [goal.position, goal.title, indicator, competences, goal.baseline, goal.target]
        cells += [item.values[stage.value] for stage in stages]
        cells.append(item.latest.share if item.latest else None)
        for column, value in enumerate(cells, start=1):
            cell = write_cell(sheet, row, column, value)
            cell.alignment = _WRAP
            if 5 <= column <= 9:
                cell.number_format = "0.0#"
        sheet.cell(row, len(cells)).number_format = "0%"
        row += 1


def _measures_sheet(sheet, plan: ImprovementPlan) -> None:
    row = _heading(sheet, plan)
    header = [_("No."), _("Measure"), _("Goal"), _("Responsible"), _("Deadline"), _("Status")]
    row = _table(sheet, row, header, [5, 50, 35, 28, 12, 14])
    for number, measure in enumerate(plan.measures, start=1):
        goal = f"{measure.goal.position}. {measure.goal.title}" if measure.goal else ""
        status = str(MEASURE_STATUS_LABELS[measure.status])
        cells = [number, measure.title, goal, measure.responsible, measure.due_on, status]
        for column, value in enumerate(cells, start=1):
            write_cell(sheet, row, column, value).alignment = _WRAP
        sheet.cell(row, 5).number_format = "DD.MM.YYYY"
        row += 1


def _discussion_sheet(sheet, plan: ImprovementPlan) -> None:
    row = _heading(sheet, plan)
    kinds = {
        "comment": _("Comment"),
        "submitted": _("Submitted"),
        "approved": _("Approved"),
        "reopened": _("Returned"),
    }
    row = _table(sheet, row, [_("Date"), _("Author"), _("Entry"), _("Text")], [12, 30, 14, 70])
    for comment in plan.comments:
        author = comment.author.full_name if comment.author else ""
        # Stored in UTC; the date is the portal's, as on the page and in the PDF.
        day = to_user_timezone(comment.created_at).date()
        cells = [day, author, kinds[comment.kind], comment.body]
        for column, value in enumerate(cells, start=1):
            write_cell(sheet, row, column, value).alignment = _WRAP
        sheet.cell(row, 1).number_format = "DD.MM.YYYY"
        row += 1
