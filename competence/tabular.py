"""Tables in and out: reading uploads (CSV or XLSX), and the one writer of every export.

Reading gives header and rows with spreadsheet row numbers. Writing goes through `new_workbook`,
`write_cell` and `csv_bytes` alone, so that text a user typed is always stored as text: a title
such as `=HYPERLINK(...)` must never become a live formula in the institute's spreadsheet
(OWASP "CSV injection"). tests/schools/test_export_cells.py checks that no other module builds
a workbook.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zipfile import BadZipFile, ZipFile

XLSX_SIGNATURE = b"PK\x03\x04"
# A cell starting with one of these is taken for a formula by Excel or LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Limits of an uploaded table, checked while it is read (streamed), so an oversized file is
# refused after reading just past the limit, never as a whole. The region has about 550 schools:
# an indicator file of ten years, or the register, stays far below them. See docs/imports.md.
MAX_TABLE_ROWS = 10_000  # rows of the sheet (or lines of the CSV), the header and blank ones too
MAX_TABLE_COLUMNS = 100  # the indicator file has 35 columns
MAX_TABLE_CELLS = 200_000  # filled cells: e.g. 5 000 rows of 40 columns
# The shared strings of a workbook (its distinct texts) are loaded whole by openpyxl when the
# workbook is opened, before any row is read: their unpacked size is bounded so that a file full
# of distinct texts is refused at once. The register's or ten years of indicators' names take
# well under 1 MB.
MAX_SHARED_STRINGS_BYTES = 4 * 1024 * 1024


class TableFormatError(Exception):
    """The file is not a table we can read; the message is for the user (Russian)."""


@dataclass(frozen=True)
class Table:
    """A table: column names, and data rows with their numbers as a spreadsheet shows them."""

    filename: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    header_row: int = 1

    def column_letter(self, index: int) -> str:
        """Return the spreadsheet letter of a 0-based column index (A, B, ..., AA)."""
        letters = ""
        index += 1
        while index:
            index, remainder = divmod(index - 1, 26)
            letters = chr(65 + remainder) + letters
        return letters


@dataclass(frozen=True)
class Limits:
    """The limits of one uploaded table, as the import pages state them."""

    rows: int
    columns: int
    cells: int


def limits() -> Limits:
    """Return the limits in force (read at call time, so a test may lower them)."""
    return Limits(MAX_TABLE_ROWS, MAX_TABLE_COLUMNS, MAX_TABLE_CELLS)


def read_table(filename: str, data: bytes) -> Table:
    """Read a CSV (UTF-8 or Windows-1251, `,` `;` or tab) or an XLSX file."""
    name = Path(filename).name or "file"
    if not data.strip():
        raise TableFormatError(f"{name}: файл пуст")
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx" or data.startswith(XLSX_SIGNATURE):
        header_row, header, rows = _read_xlsx(name, data)
    elif suffix in (".csv", ".txt", ""):
        header_row, header, rows = _read_csv(name, data)
    else:
        raise TableFormatError(f"{name}: поддерживаются только файлы CSV и XLSX")
    return Table(name, header, rows, header_row)


def _cell_text(value) -> str:
    """Return a cell's value as the text a user typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _thousands(number: int) -> str:
    """Write a whole number the Russian way: 10 000 (a no-break space between groups)."""
    return f"{number:,}".replace(",", "\u00a0")


def _limited(name: str, raw_rows):
    """Yield (number, cell texts) of the non-blank rows, refusing a table past the limits."""
    cells = 0
    for number, row in enumerate(raw_rows, start=1):
        if number > MAX_TABLE_ROWS:
            raise TableFormatError(
                f"{name}: в файле больше {_thousands(MAX_TABLE_ROWS)} строк — это предел одного "
                "файла; разделите таблицу на несколько файлов (в каждом — строка заголовков)"
            )
        texts = [_cell_text(value) for value in row]
        if any(texts[MAX_TABLE_COLUMNS:]):
            raise TableFormatError(
                f"{name}: в строке {number} больше {MAX_TABLE_COLUMNS} столбцов — это предел "
                "одного файла; удалите лишние столбцы"
            )
        filled = sum(1 for text in texts if text)
        if not filled:
            continue
        cells += filled
        if cells > MAX_TABLE_CELLS:
            raise TableFormatError(
                f"{name}: в файле больше {_thousands(MAX_TABLE_CELLS)} заполненных ячеек — это "
                "предел одного файла; разделите таблицу на несколько файлов"
            )
        yield number, texts[:MAX_TABLE_COLUMNS]


def _split(name: str, raw_rows) -> tuple[int, tuple[str, ...], tuple]:
    """Separate the header from the data rows, keeping each row's number in the file."""
    rows = _limited(name, raw_rows)
    first = next(rows, None)
    if first is None:
        raise TableFormatError(f"{name}: в файле нет строки заголовков")
    header_row, cells = first
    header = tuple(cell.strip().lower() for cell in cells)
    while header and not header[-1]:
        header = header[:-1]
    width = len(header)
    # Each row is cut or padded to the header as it is read: one copy of the table in memory.
    data = tuple((number, tuple(row[:width]) + ("",) * (width - len(row))) for number, row in rows)
    return header_row, header, data


def _read_csv(name: str, data: bytes):
    """Read CSV text, guessing the encoding and the delimiter."""
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableFormatError(f"{name}: не удалось прочитать кодировку (ожидается UTF-8)")
    # The header line decides the delimiter; blank lines above it are skipped.
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _split(name, reader)
    except csv.Error:
        # The csv module's own text is English and technical: the user gets what to do instead.
        raise TableFormatError(
            f"{name}: файл CSV повреждён; сохраните таблицу заново в формате CSV (UTF-8)"
        ) from None


def _read_xlsx(name: str, data: bytes):
    """Read the first worksheet of an XLSX workbook."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        _check_shared_strings(name, data)
        # read_only: rows are parsed as they are asked for, so the limits stop the reading.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError):
        # openpyxl's text ("File is not a zip file") is English and technical.
        raise TableFormatError(
            f"{name}: файл XLSX не удалось открыть: он повреждён или это не книга Excel; "
            "сохраните таблицу заново в формате .xlsx или CSV"
        ) from None
    try:
        return _split(name, _xlsx_rows(workbook.worksheets[0]))
    finally:
        workbook.close()


def _xlsx_rows(sheet):
    """Iterate over a worksheet's rows as values, one column past the limit at most."""
    # A bound on the width: a declared dimension of A1:XFD1 would otherwise pad every row
    # to 16 384 cells.
    return sheet.iter_rows(values_only=True, max_col=MAX_TABLE_COLUMNS + 1)


def _size(count: int) -> str:
    """Write a size in bytes as МБ, or as КБ below one megabyte."""
    if count >= 1024 * 1024:
        return f"{_thousands(count // (1024 * 1024))} МБ"
    return f"{_thousands(max(1, count // 1024))} КБ"


def _check_shared_strings(name: str, data: bytes) -> None:
    """Refuse a workbook whose shared strings unpack to more than the limit."""
    with ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(
            info.file_size
            for info in archive.infolist()
            if info.filename.lower().endswith("sharedstrings.xml")
        )
    if unpacked > MAX_SHARED_STRINGS_BYTES:
        raise TableFormatError(
            f"{name}: текст ячеек книги занимает больше "
            f"{_size(MAX_SHARED_STRINGS_BYTES)} — это предел одного файла; "
            "разделите таблицу на несколько файлов"
        )


def new_workbook():
    """Return an empty workbook for an export; fill it with `write_cell` only."""
    from openpyxl import Workbook

    return Workbook()


def write_cell(sheet, row: int, column: int, value):
    """Write a value to a cell; text is stored as text even when it looks like a formula.

    Control characters that XLSX cannot hold (a vertical tab from a word processor's line
    break, say) become spaces: one pasted comment must not make a whole export fail.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub(" ", value)
    cell = sheet.cell(row, column)
    cell.value = value
    if isinstance(value, str):
        # openpyxl turns a string starting with "=" into a formula; a shared string is inert.
        cell.data_type = "s"
        if value.startswith(FORMULA_PREFIXES):
            # Shown and re-edited as text, as if typed with a leading apostrophe.
            cell.quotePrefix = True
    return cell


def workbook_bytes(workbook) -> bytes:
    """Return a workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(value) -> str:
    """Return a CSV field that no spreadsheet reads as a formula (OWASP: a leading apostrophe)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_bytes(rows) -> bytes:
    """Write rows as a UTF-8 CSV file with a BOM (Excel opens it as UTF-8), every field inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
