"""XLSX exports of the analytics tables: figures as numbers, hidden cells empty and marked.

Every table of the analytics pages is a `Sheet` built by the same function that renders it, so
the file holds the figures of the page to the digit. A hidden cell (a group smaller than
ANALYTICS_MIN_GROUP) is written empty on a grey fill with a note, and each sheet ends with the
rule that hid it.
"""

from dataclasses import dataclass, field

from flask import Response
from flask_babel import gettext as _

from competence import tabular


class Hidden:
    """A figure withheld from a table: shown as «недостаточно данных», exported empty."""

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = Hidden()


@dataclass
class Sheet:
    """One table of a page: a title, a header row and rows of text, numbers, None or HIDDEN."""

    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def has_hidden(self) -> bool:
        """Tell whether any figure of the table is withheld."""
        return any(value is HIDDEN for row in self.rows for value in row)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(sheets: list[Sheet], min_group: int) -> bytes:
    """Write the sheets into one workbook."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    book = tabular.new_workbook()
    book.remove(book.active)
    grey = PatternFill("solid", fgColor="DDDDDD")
    hidden_note = _("Not enough data: fewer than %(n)s teachers in the group", n=min_group)
    used_titles: set[str] = set()
    for sheet in sheets:
        title = _sheet_title(sheet.title, used_titles)
        page = book.create_sheet(title)
        tabular.write_cell(page, 1, 1, sheet.title).font = Font(bold=True)
        for column, name in enumerate(sheet.header, start=1):
            tabular.write_cell(page, 3, column, name).font = Font(bold=True)
        for row_number, row in enumerate(sheet.rows, start=4):
            for column, value in enumerate(row, start=1):
                if value is HIDDEN:
                    cell = tabular.write_cell(page, row_number, column, None)
                    cell.fill = grey
                    cell.comment = Comment(hidden_note, "KhKIRO")
                else:
                    tabular.write_cell(page, row_number, column, value)
        below = len(sheet.rows) + 5
        notes = list(sheet.notes)
        if sheet.has_hidden:
            notes.append(_("Grey empty cells: %(note)s.", note=hidden_note))
        for offset, note in enumerate(notes):
            tabular.write_cell(page, below + offset, 1, note)
        page.freeze_panes = "B4"
    return tabular.workbook_bytes(book)


def _sheet_title(title: str, used: set[str]) -> str:
    """Return a sheet name Excel accepts: 31 characters, none of []:*?/\\, unique."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Sheet"
    name, number = clean, 2
    while name in used:
        suffix = f" ({number})"
        name, number = clean[: 31 - len(suffix)] + suffix, number + 1
    used.add(name)
    return name


def xlsx_response(filename: str, sheets: list[Sheet], min_group: int) -> Response:
    """Return the sheets as an XLSX download."""
    return Response(
        workbook(sheets, min_group),
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
