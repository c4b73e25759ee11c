"""The audit log as a CSV or XLSX file, with every cell written as inert text."""

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from competence import tabular
from competence.audit.wording import ToldEvent

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


def rows_of(told: list[ToldEvent]) -> list[tuple[str, ...]]:
    """Return the table of the told events, header first (the writers make every cell inert)."""
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
        rows.append(tuple(str(cell) for cell in cells))
    return rows


def to_csv(rows: list[tuple[str, ...]]) -> bytes:
    """Write rows as UTF-8 CSV through the portal's one safe writer."""
    return tabular.csv_bytes(rows)


def to_xlsx(rows: list[tuple[str, ...]]) -> bytes:
    """Write rows as an XLSX workbook through the portal's one safe writer (text stays text)."""
    workbook = tabular.new_workbook()
    sheet = workbook.active
    sheet.title = str(_l("Audit log"))[:31]
    for row_number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            tabular.write_cell(sheet, row_number, column, value)
    return tabular.workbook_bytes(workbook)


WRITERS = {"csv": to_csv, "xlsx": to_xlsx}
