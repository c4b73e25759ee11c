"""Importing the region's register of municipalities and schools from one CSV or XLSX file."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from competence import audit
from competence.extensions import db
from competence.schools.models import Municipality, School
from competence.tabular import Table, TableFormatError, read_table

REQUIRED_COLUMNS = ("municipality", "school_code", "school_name", "group")
OPTIONAL_COLUMNS = ("municipality_code", "students", "excluded")

# Spellings of the two school groups used in regional reports.
GROUP_SYNONYMS = {
    "secondary": "secondary",
    "средняя": "secondary",
    "сош": "secondary",
    "basic": "basic",
    "основная": "basic",
    "оош": "basic",
    "вечерняя": "basic",
    "открытая": "basic",
    "сменная": "basic",
}
OKTMO_PATTERN = re.compile(r"^\d{8}(\d{3})?$")
SCHOOL_CODE_PATTERN = re.compile(r"^[0-9A-Za-z._-]{1,40}$")
# Column sizes of the tables the values go to (`competence.schools.models`).
MUNICIPALITY_NAME_MAX = 200
SCHOOL_NAME_MAX = 300
EXCLUDED_MAX = 300
# Far above any school, well inside a database integer.
STUDENTS_MAX = 100_000


@dataclass(frozen=True)
class RegistryError:
    """One problem in the file, located by row and column."""

    filename: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.filename]
        if self.row is not None:
            where.append(f"строка {self.row}")
        if self.column is not None:
            where.append(f"столбец «{self.column}»")
        return f"{', '.join(where)}: {self.message}"


class RegistryFileError(Exception):
    """The file cannot be imported; `errors` lists every problem found."""

    def __init__(self, errors: list[RegistryError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass(frozen=True)
class SchoolRow:
    """One validated school of the file."""

    row: int
    municipality: str
    municipality_code: str | None
    code: str
    name: str
    group: str
    students: int | None
    excluded: str | None


@dataclass
class ImportSummary:
    """What an import created and changed."""

    municipalities_created: list[str] = field(default_factory=list)
    schools_created: int = 0
    schools_updated: int = 0
    schools_unchanged: int = 0


def _normal(name: str) -> str:
    """Return a municipality name in the form used for matching."""
    return " ".join(name.replace("ё", "е").replace("Ё", "Е").split()).lower()


def parse_registry(table: Table, known_municipalities: set[str]) -> list[SchoolRow]:
    """Validate the table and return its schools, or raise RegistryFileError with every error."""
    errors: list[RegistryError] = []

    def error(row, column, message):
        errors.append(RegistryError(table.filename, row, column, message))

    columns: dict[str, int] = {}
    for index, name in enumerate(table.header):
        letter = table.column_letter(index)
        if name in columns:
            first = table.column_letter(columns[name])
            error(
                table.header_row,
                f"{letter} {name}",
                f"столбец «{name}» уже есть (столбец {first}); оставьте один",
            )
            continue
        if name:
            columns[name] = index
        if not name:
            error(table.header_row, letter, "у столбца нет названия")
        elif name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            expected = ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
            error(
                table.header_row,
                f"{letter} {name}",
                f"неизвестный столбец; допустимые столбцы: {expected}",
            )
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            error(table.header_row, name, "нет обязательного столбца")
    if errors:
        raise RegistryFileError(errors)
    if not table.rows:
        raise RegistryFileError([RegistryError(table.filename, None, None, "в файле нет школ")])

    # Municipalities that the file itself introduces with an ОКТМО code are known too.
    names_by_code: dict[str, str] = {}
    declared = set(known_municipalities)
    rows = [
        (number, {name: cells[index].strip() for name, index in columns.items()})
        for number, cells in table.rows
    ]
    for _, values in rows:
        code, name = values.get("municipality_code", ""), values["municipality"]
        if code and name and OKTMO_PATTERN.match(code):
            declared.add(_normal(name))

    result: list[SchoolRow] = []
    seen_codes: dict[str, int] = {}
    for number, values in rows:
        for name in REQUIRED_COLUMNS:
            if not values.get(name, ""):
                error(number, name, "значение не заполнено")
        municipality, municipality_code = (
            values.get("municipality", ""),
            values.get("municipality_code", "") or None,
        )
        if municipality_code is not None:
            if not municipality_code.isdigit():
                error(number, "municipality_code", f"«{municipality_code}» не является числом")
            elif not OKTMO_PATTERN.match(municipality_code):
                error(number, "municipality_code", "код ОКТМО должен состоять из 8 или 11 цифр")
            elif names_by_code.setdefault(municipality_code, municipality) != municipality:
                error(
                    number,
                    "municipality_code",
                    f"код {municipality_code} уже указан для «{names_by_code[municipality_code]}»",
                )
        elif municipality and _normal(municipality) not in declared:
            error(
                number,
                "municipality",
                f"неизвестный муниципалитет «{municipality}»: проверьте написание "
                "или укажите код ОКТМО в столбце municipality_code, чтобы добавить новый",
            )
        code = values.get("school_code", "")
        if code and not SCHOOL_CODE_PATTERN.match(code):
            error(
                number,
                "school_code",
                "код школы: латинские буквы, цифры, точка, дефис, до 40 знаков",
            )
        elif code in seen_codes:
            error(number, "school_code", f"код {code} уже встречается в строке {seen_codes[code]}")
        elif code:
            seen_codes[code] = number
        group_text = values.get("group", "")
        group = GROUP_SYNONYMS.get(group_text.lower())
        if group_text and group is None:
            error(
                number, "group", f"«{group_text}»: укажите secondary (средняя) или basic (основная)"
            )
        if len(" ".join(municipality.split())) > MUNICIPALITY_NAME_MAX:
            error(number, "municipality", f"название длиннее {MUNICIPALITY_NAME_MAX} знаков")
        students = None
        if values.get("students", ""):
            if not values["students"].isdigit():
                error(number, "students", f"«{values['students']}» не является целым числом")
            elif int(values["students"]) > STUDENTS_MAX:
                error(
                    number,
                    "students",
                    f"{values['students']}: больше {STUDENTS_MAX} учащихся быть не может",
                )
            else:
                students = int(values["students"])
        if len(" ".join(values.get("school_name", "").split())) > SCHOOL_NAME_MAX:
            error(number, "school_name", f"название длиннее {SCHOOL_NAME_MAX} знаков")
        if len(values.get("excluded", "")) > EXCLUDED_MAX:
            error(number, "excluded", f"текст длиннее {EXCLUDED_MAX} знаков")
        result.append(
            SchoolRow(
                row=number,
                municipality=" ".join(municipality.split()),
                municipality_code=municipality_code,
                code=code,
                name=" ".join(values.get("school_name", "").split()),
                group=group or "",
                students=students,
                excluded=values.get("excluded", "") or None,
            )
        )
    if errors:
        raise RegistryFileError(errors)
    return result


def import_registry(filename: str, data: bytes, actor=None) -> ImportSummary:
    """Import municipalities and schools from a file in one transaction; nothing on any error."""
    try:
        table = read_table(filename, data)
    except TableFormatError as exc:
        name = Path(filename).name or "file"
        # The reader's message starts with the file name, which RegistryError adds itself.
        message = str(exc).removeprefix(f"{name}: ")
        raise RegistryFileError([RegistryError(name, None, None, message)]) from None
    municipalities = {_normal(m.name): m for m in db.session.scalars(select(Municipality))}
    by_code = {m.code: m for m in municipalities.values() if m.code}
    rows = parse_registry(table, set(municipalities))
    summary = ImportSummary()
    schools = {s.code: s for s in db.session.scalars(select(School))}
    for row in rows:
        municipality = by_code.get(row.municipality_code) or municipalities.get(
            _normal(row.municipality)
        )
        if municipality is None:
            municipality = Municipality(name=row.municipality, code=row.municipality_code)
            db.session.add(municipality)
            summary.municipalities_created.append(row.municipality)
        elif row.municipality_code and municipality.code is None:
            municipality.code = row.municipality_code
        municipalities[_normal(municipality.name)] = municipality
        if municipality.code:
            by_code[municipality.code] = municipality
        school = schools.get(row.code)
        values = {
            "name": row.name,
            "municipality": municipality,
            "school_group": row.group,
            "students": row.students,
            "excluded_reason": row.excluded,
        }
        if school is None:
            school = School(code=row.code, **values)
            db.session.add(school)
            schools[row.code] = school
            summary.schools_created += 1
        elif any(getattr(school, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(school, key, value)
            summary.schools_updated += 1
        else:
            summary.schools_unchanged += 1
    audit.record(
        "registry_imported",
        actor,
        "registry",
        filename=filename,
        municipalities_created=len(summary.municipalities_created),
        schools_created=summary.schools_created,
        schools_updated=summary.schools_updated,
    )
    db.session.commit()
    return summary
