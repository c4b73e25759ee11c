"""A small hand-computed region for the school module's tests, and helpers to build files.

Eight secondary schools in two municipalities, one educational indicator (share of grade "5" at
the ОГЭ in Russian) and one social indicator (share with free meals), years 2022-2024; n = 8, so
each cut holds k = ceil(8 / 4) = 2 schools:

    oge_rus_grade5  2022  2023  2024      free_meals (every year)
    a1 Амурский       10    10    10      80   -> ШНРО, ШНСУ
    a2 Амурский       50    15    15      50   -> risk group
    a3 Амурский       90    90    90      10   -> stable high, favourable
    a4 Амурский       40    40    40      40
    b1 Хабаровск      85    85    85      70   -> stable high, ШНСУ -> resilient
    b2 Хабаровск      30    30    30      30
    b3 Хабаровск      60    60    60      20   -> favourable
    b4 Хабаровск      20    60    60      45   -> low in 2022 only: middle

2022 sorted: a1 10, b4 20 | b2 30, a4 40, a2 50, b3 60 | b1 85, a3 90; 2023 and 2024: a1 10,
a2 15 | b2 30, a4 40, b3 60, b4 60 | b1 85, a3 90. Results index = (x - 10) / 80; conditions
index = (x - 10) / 70 (a1 1, b1 6/7, a2 4/7, b4 1/2, a4 3/7, b2 2/7, b3 1/7, a3 0).
"""

import csv
import io

from competence.extensions import db
from competence.schools.imports import import_indicators
from tests.factories import make_school

YEARS = (2022, 2023, 2024)
AMUR, KHABAROVSK = "Амурский район", "г. Хабаровск"
SCHOOLS = {
    "a1": (AMUR, (10, 10, 10), 80),
    "a2": (AMUR, (50, 15, 15), 50),
    "a3": (AMUR, (90, 90, 90), 10),
    "a4": (AMUR, (40, 40, 40), 40),
    "b1": (KHABAROVSK, (85, 85, 85), 70),
    "b2": (KHABAROVSK, (30, 30, 30), 30),
    "b3": (KHABAROVSK, (60, 60, 60), 20),
    "b4": (KHABAROVSK, (20, 60, 60), 45),
}
HEADER = ["year", "school_id", "school_name", "municipality", "group"]


def school_name(code: str) -> str:
    """Return the register name of a school of the small region."""
    return f"МБОУ СОШ {code.upper()}"


def csv_file(rows: list[dict], columns: list[str] | None = None) -> bytes:
    """Write rows (dicts) as a UTF-8 CSV file with the given (or the first row's) columns."""
    columns = columns or list(rows[0])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def region_rows(years=YEARS) -> list[dict]:
    """Return the indicator rows of the small region."""
    rows = []
    for position, year in enumerate(years):
        for code, (place, results, meals) in SCHOOLS.items():
            rows.append(
                {
                    "year": year,
                    "school_id": code,
                    "school_name": school_name(code),
                    "municipality": place,
                    "group": "secondary",
                    "oge_rus_grade5": results[position % len(results)],
                    "free_meals": meals,
                }
            )
    return rows


def make_region() -> dict:
    """Create the eight schools in the register; return them by code."""
    return {
        code: make_school(code=code, name=school_name(code), municipality=place)
        for code, (place, _, _) in SCHOOLS.items()
    }


def load_region(actor=None) -> dict:
    """Create the region and import its indicator values; return the schools by code."""
    schools = make_region()
    import_indicators("indicators.csv", csv_file(region_rows()), actor=actor)
    db.session.expire_all()
    return schools
