"""Read a CSV of item scores (`person_id,<item ids...>`, scores 0..1, empty = not answered).

Every problem is collected with its row (the header is row 1) and column before the file is
refused, so one run shows them all.
"""

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

PERSON_COLUMN = "person_id"
MAX_ERRORS = 50


@dataclass(frozen=True)
class ResponseError:
    """One problem of the file, with its place."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = []
        if self.row is not None:
            place.append(f"строка {self.row}")
        if self.column is not None:
            place.append(f"столбец «{self.column}»")
        return f"{', '.join(place)}: {self.message}" if place else self.message


class ResponseFileError(ValueError):
    """The file cannot be analysed; `errors` says why and where."""

    def __init__(self, errors: list[ResponseError]) -> None:
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


@dataclass(frozen=True)
class Responses:
    """Persons' scores: rows are persons, columns items, np.nan where not answered."""

    person_ids: tuple[str, ...]
    item_ids: tuple[str, ...]
    scores: np.ndarray


def _score(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_responses(text: str) -> Responses:
    """Parse the CSV text; raise ResponseFileError naming every bad row and column."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = next(reader, None)
    errors: list[ResponseError] = []
    header = [cell.strip() for cell in header or []]
    if not header or header[0] != PERSON_COLUMN:
        found = f"«{header[0]}»" if header else "пустая строка"
        raise ResponseFileError(
            [ResponseError(1, None, f"первый столбец должен называться {PERSON_COLUMN}: {found}")]
        )
    items = header[1:]
    seen_items: dict[str, int] = {}
    for position, item in enumerate(items, start=2):
        if not item:
            errors.append(ResponseError(1, f"№ {position}", "у столбца нет названия задания"))
        elif item in seen_items:
            errors.append(ResponseError(1, item, f"задание повторяет столбец № {seen_items[item]}"))
        else:
            seen_items[item] = position
    if len(items) < 2:
        errors.append(ResponseError(1, None, "нужно не меньше двух заданий"))
    if errors:
        raise ResponseFileError(errors)

    persons: list[str] = []
    first_row: dict[str, int] = {}
    rows: list[list[float]] = []
    for record in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            message = f"в строке {len(record)} значений, а в заголовке {len(header)}"
            errors.append(ResponseError(number, None, message))
            continue
        person = record[0].strip()
        if not person:
            errors.append(ResponseError(number, PERSON_COLUMN, "не указан участник"))
        elif person in first_row:
            message = f"участник «{person}» уже есть в строке {first_row[person]}"
            errors.append(ResponseError(number, PERSON_COLUMN, message))
        else:
            first_row[person] = number
        values = []
        for item, cell in zip(items, record[1:], strict=True):
            cell = cell.strip()
            value = math.nan if not cell else _score(cell)
            if value is None:
                errors.append(ResponseError(number, item, f"«{cell}» не является числом"))
                value = math.nan
            elif not 0 <= value <= 1 and not math.isnan(value):
                errors.append(ResponseError(number, item, f"балл {cell} вне диапазона 0–1"))
            values.append(value)
        persons.append(person)
        rows.append(values)
        if len(errors) >= MAX_ERRORS:
            break
    if not errors and len(rows) < 2:
        errors.append(ResponseError(None, None, "нужно не меньше двух участников"))
    if errors:
        raise ResponseFileError(errors)
    return Responses(tuple(persons), tuple(items), np.array(rows, dtype=float))
