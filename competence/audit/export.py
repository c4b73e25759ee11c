"""The audit log as a CSV or XLSX file, with every cell written as inert text."""

import csv
import io

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from competence.audit.wording import ToldEvent

# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# More rows than this are refused: narrow the filter instead.
MAX_EXPORT_ROWS = 50_000

COLUMNS = (
    _l("When"),
    _l("Who"),
    _l("Action"),
    _l("What happened"),
    _l("Object"),
    _l("IP address"),
    _l("Action code"),
)

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def inert(value) -> str:
    """Return a cell's text so that no spreadsheet takes it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def rows_of(told: list[ToldEvent]) -> list[tuple[str, ...]]:
    """Return the table of the told events, header first, every cell neutralised."""
    rows = [tuple(str(column) for column in COLUMNS)]
    for item in told:
        event = item.event
        cells = (
            format_datetime(event.created_at, "yyyy-MM-dd HH:mm:ss"),
            item.actor,
            item.label,
            item.sentence,
            item.object,
            event.ip_address or "",
            event.action,
        )
        rows.append(tuple(inert(cell) for cell in cells))
    return rows


def to_csv(rows: list[tuple[str, ...]]) -> bytes:
    """Write rows as UTF-8 CSV with a BOM, which spreadsheets open in the right encoding."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[tuple[str, ...]]) -> bytes:
    """Write rows as an XLSX workbook whose cells are all text (never formulas)."""
    # The one place that writes XLSX here: a shared safe writer can replace it.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_l("Audit log"))[:31])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WRITERS = {"csv": to_csv, "xlsx": to_xlsx}
