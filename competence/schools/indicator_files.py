"""Read the indicator files and region-means files of the identification (CSV or XLSX).

Indicator file: columns year, school_id, school_name, municipality, group, then any indicator
codes of competence.analytics.indicators, and optionally `excluded` (a reason, empty for none).
Region-means file: columns year, indicator, value. Tables are read by competence.tabular (CSV in
UTF-8 with or without BOM, delimiter sniffed; XLSX from its first sheet). Every problem is
collected: if there is any, IndicatorFileError carries all of them and nothing is returned. Rows
are numbered as a spreadsheet shows them (the header is row 1); an empty cell is a missing value.

A school may change its name or municipality between years (renaming, reorganisation): the
school_id identifies it, and the identification shows its latest name.
"""

import math
from collections.abc import Collection, Container, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from competence.analytics.identification import SchoolYearRecord
from competence.analytics.indicators import (
    GAP_CODES,
    GROUP_BASIC,
    GROUP_SECONDARY,
    INDICATORS_BY_CODE,
)
from competence.tabular import Table, TableFormatError, read_table

REQUIRED_COLUMNS: Final = ("year", "school_id", "school_name", "municipality", "group")
EXCLUDED_COLUMN: Final = "excluded"
INDICATOR_FILE_COLUMNS: Final = frozenset({*REQUIRED_COLUMNS, *INDICATORS_BY_CODE, EXCLUDED_COLUMN})
REGION_MEANS_COLUMNS: Final = ("year", "indicator", "value")
# A group as written in a file (case-insensitive) -> group code of the identification.
GROUP_NAMES: Final = {
    GROUP_SECONDARY: GROUP_SECONDARY,
    "средняя": GROUP_SECONDARY,
    GROUP_BASIC: GROUP_BASIC,
    "основная": GROUP_BASIC,
    "вечерняя": GROUP_BASIC,
    "открытая": GROUP_BASIC,
    "сменная": GROUP_BASIC,
    "открытая (сменная)": GROUP_BASIC,
}
_GROUPS: Final = ", ".join(GROUP_NAMES)
_MEANS: Final = ", ".join(GAP_CODES)
_MISSING_TEXT: Final = {
    "school_id": "не указан идентификатор школы",
    "school_name": "не указано название школы",
    "municipality": "не указан муниципалитет",
    "group": "не указана группа школы",
}


@dataclass(frozen=True)
class IndicatorError:
    """One problem in a file; row and column are None when it concerns the whole file."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = [self.file]
        if self.row is not None:
            place.append(f"строка {self.row}")
        if self.column is not None:
            place.append(f"столбец «{self.column}»")
        return f"{', '.join(place)}: {self.message}"


class IndicatorFileError(ValueError):
    """The file cannot be imported; `errors` lists every problem found."""

    def __init__(self, errors: Sequence[IndicatorError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(map(str, self.errors)))


def read_indicator_file(
    filename: str,
    data: bytes,
    *,
    years: Sequence[int] | None = None,
    known_schools: Container[str] | None = None,
    consecutive_years: bool = False,
) -> tuple[SchoolYearRecord, ...]:
    """Read and validate an indicator file; each of `years` must have at least one row.

    With `known_schools`, a school_id outside it is an error of its row; with
    `consecutive_years`, a year between the file's first and last year without any row is one.
    """
    check = _Checker(_read(filename, data))
    columns = check.header(INDICATOR_FILE_COLUMNS, REQUIRED_COLUMNS)
    indicator_columns = [column for column in columns if column in INDICATORS_BY_CODE]
    records, first_rows = [], {}
    for number, row in check.rows(columns):
        for column, message in _MISSING_TEXT.items():
            if column in row and not row[column]:
                check.error(number, column, message)
        group = GROUP_NAMES.get(row.get("group", "").lower())
        if group is None and row.get("group"):
            message = f"группа «{row['group']}» не распознана; допустимые значения: {_GROUPS}"
            check.error(number, "group", message)
        year = check.year(number, row)
        values = {code: check.value(number, code, row[code]) for code in indicator_columns}
        school_id = row.get("school_id")
        if known_schools is not None and school_id and school_id not in known_schools:
            check.error(number, "school_id", f"школы «{school_id}» нет в реестре школ")
        if year is None or not school_id:
            continue
        if (year, school_id) in first_rows:
            earlier = first_rows[year, school_id]
            message = f"школа «{school_id}» за {year} год уже есть в строке {earlier}"
            check.error(number, "school_id", message)
            continue
        first_rows[year, school_id] = number
        # A record built from a row with problems is never returned: raise_errors comes first.
        records.append(
            SchoolYearRecord(
                year=year,
                school_id=school_id,
                school_name=row.get("school_name", ""),
                municipality=row.get("municipality", ""),
                group=group or "",
                values=values,
                excluded=row.get(EXCLUDED_COLUMN) or None,
            )
        )
    present = {year for year, _ in first_rows}
    expected = set(years or ())
    if consecutive_years and present:
        expected |= set(range(min(present), max(present) + 1))
    for year in sorted(expected - present):
        check.error(None, "year", f"нет ни одной строки за {year} год")
    check.raise_errors()
    return tuple(records)


def read_region_means(
    filename: str, data: bytes, *, known_years: Collection[int] | None = None
) -> dict[tuple[int, str], float]:
    """Read and validate a region-means file into {(year, indicator code): region mean}.

    With `known_years`, a row of another year is an error (its year has no indicator values).
    """
    check = _Checker(_read(filename, data))
    columns = check.header(frozenset(REGION_MEANS_COLUMNS), REGION_MEANS_COLUMNS)
    means, first_rows = {}, {}
    for number, row in check.rows(columns):
        year = check.year(number, row)
        if known_years is not None and year is not None and year not in known_years:
            check.error(number, "year", f"за {year} год в файле показателей нет строк")
        code = row.get("indicator", "").lower()
        if code not in GAP_CODES:
            if "indicator" in row:
                message = f"«{row['indicator']}» не является средним баллом; допустимые: {_MEANS}"
                check.error(number, "indicator", message)
            continue
        if "value" in row and not row["value"]:
            check.error(number, "value", "не указано значение")
        value = check.value(number, "value", row.get("value", ""), code)
        if year is None or value is None:
            continue
        if (year, code) in first_rows:
            message = f"«{code}» за {year} год уже есть в строке {first_rows[year, code]}"
            check.error(number, "indicator", message)
            continue
        first_rows[year, code] = number
        means[year, code] = value
    check.raise_errors()
    return means


def _read(filename: str, data: bytes) -> Table:
    try:
        return read_table(filename, data)
    except TableFormatError as error:
        name = Path(filename).name
        # The reader's message starts with the file name, which IndicatorError adds itself.
        message = str(error).removeprefix(f"{name}: ")
        raise IndicatorFileError([IndicatorError(name, None, None, message)]) from None


class _Checker:
    """Parses the cells of one table and collects its problems."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.errors: list[IndicatorError] = []

    def error(self, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(IndicatorError(self.table.filename, row, column, message))

    def raise_errors(self) -> None:
        if self.errors:
            raise IndicatorFileError(self.errors)

    def header(self, known: frozenset[str], required: Sequence[str]) -> dict[str, int]:
        """Return the position of each known column, noting unknown, repeated and missing ones."""
        positions = {}
        for position, column in enumerate(self.table.header):
            if not column:
                if any(cells[position] for _, cells in self.table.rows):
                    letter = self.table.column_letter(position)
                    self.error(
                        self.table.header_row, None, f"у столбца {letter} с данными нет названия"
                    )
            elif column not in known:
                self.error(self.table.header_row, column, "неизвестный столбец")
            elif column in positions:
                self.error(self.table.header_row, column, "столбец повторяется")
            else:
                positions[column] = position
        for column in required:
            if column not in positions:
                self.error(self.table.header_row, column, "нет обязательного столбца")
        if not self.table.rows:
            self.error(None, None, "в файле нет строк с данными")
        return positions

    def rows(self, columns: dict[str, int]) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield each data row's number and {column: stripped text} for the given columns."""
        for number, cells in self.table.rows:
            yield number, {column: cells[position].strip() for column, position in columns.items()}

    def year(self, number: int, row: dict[str, str]) -> int | None:
        """Return the row's year, noting a problem unless it is an integer."""
        text = row.get("year")
        if text is None:  # no year column: already reported once for the header
            return None
        if not text:
            self.error(number, "year", "не указан год")
            return None
        try:
            year = _number(text)
        except ValueError:
            year = math.nan
        if not year.is_integer():
            self.error(number, "year", f"год «{text}» не является целым числом")
            return None
        return int(year)

    def value(self, number: int, column: str, text: str, code: str | None = None) -> float | None:
        """Return a value of indicator `code` (default: the column), None if empty or invalid."""
        if not text:
            return None
        try:
            value = _number(text)
        except ValueError:
            self.error(number, column, f"значение «{text}» не является числом")
            return None
        low, high = INDICATORS_BY_CODE[code or column].value_range
        if not low <= value <= high:
            message = f"значение «{text}» вне допустимого диапазона {low:g}–{high:g}"
            self.error(number, column, message)
            return None
        return value


def _number(text: str) -> float:
    """Parse a number written with a decimal point or comma, spaces or a trailing percent sign."""
    if "_" in text:  # float() would read "1_5" as 15
        raise ValueError(text)
    number = float(text.replace("\xa0", "").replace(" ", "").removesuffix("%").replace(",", "."))
    if not math.isfinite(number):
        raise ValueError(text)
    return number
