"""Importing indicator files into the database: all or nothing, each year replaced as a whole.

The file is read and validated by competence.schools.indicator_files; on top of that every
school_id must be in the register of schools, the file's years must follow each other without a
gap (and so must they together with the years already stored), and a region-means file may only
hold years of the indicator file. A year present in the file replaces everything stored for that
year (school values and region means), so importing a corrected file for a year is how a year
is fixed; years not in the file stay as they were.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select

from competence import audit
from competence.extensions import db
from competence.schools.indicator_files import (
    IndicatorError,
    IndicatorFileError,
    read_indicator_file,
    read_region_means,
)
from competence.schools.models import IndicatorImport, RegionMean, School, SchoolIndicators

_YEAR_LIST = re.compile(r"^\s*\d{4}(\s*[,;\s]\s*\d{4})*\s*$")


@dataclass(frozen=True)
class ImportSummary:
    """An import done: its record, the years it replaced, how many region means it brought."""

    batch: IndicatorImport
    replaced_years: tuple[int, ...]
    region_means: int


@dataclass(frozen=True)
class StoredYear:
    """What is stored for one year: how many schools, how many excluded, region means given."""

    year: int
    schools: int
    excluded: int
    region_means: int
    source: IndicatorImport


def parse_years(text: str | None) -> tuple[int, ...] | None:
    """Read a list of years such as "2022, 2023, 2024"; None when empty."""
    if not text or not text.strip():
        return None
    if not _YEAR_LIST.match(text):
        raise ValueError("укажите годы четырьмя цифрами через запятую, например 2022, 2023, 2024")
    return tuple(sorted({int(year) for year in re.findall(r"\d{4}", text)}))


def import_indicators(
    filename: str,
    data: bytes,
    *,
    means_filename: str | None = None,
    means_data: bytes | None = None,
    years: Sequence[int] | None = None,
    actor=None,
) -> ImportSummary:
    """Validate the files and replace the stored values of their years; nothing on any error."""
    filename = Path(filename).name or "indicators"
    schools = {school.code: school for school in db.session.scalars(select(School))}
    errors: list[IndicatorError] = []
    records = ()
    try:
        records = read_indicator_file(
            filename, data, years=years, known_schools=schools.keys(), consecutive_years=True
        )
    except IndicatorFileError as error:
        errors.extend(error.errors)
    file_years = sorted({record.year for record in records})
    if file_years:
        errors.extend(_gaps_with_stored_years(filename, file_years))
    means = {}
    if means_data is not None:
        means_filename = Path(means_filename or "").name or "region-means"
        try:
            means = read_region_means(
                means_filename, means_data, known_years=set(file_years) if records else None
            )
        except IndicatorFileError as error:
            errors.extend(error.errors)
    if errors:
        raise IndicatorFileError(errors)

    replaced = set(
        db.session.scalars(
            select(SchoolIndicators.year).where(SchoolIndicators.year.in_(file_years)).distinct()
        )
    )
    db.session.execute(delete(SchoolIndicators).where(SchoolIndicators.year.in_(file_years)))
    db.session.execute(delete(RegionMean).where(RegionMean.year.in_(file_years)))
    batch = IndicatorImport(
        filename=filename,
        means_filename=means_filename if means_data is not None else None,
        years=file_years,
        rows=len(records),
        imported_by=actor,
    )
    db.session.add(batch)
    db.session.add_all(
        SchoolIndicators(
            school=schools[record.school_id],
            year=record.year,
            school_group=record.group,
            values={code: value for code, value in record.values.items() if value is not None},
            excluded_reason=record.excluded,
            source=batch,
        )
        for record in records
    )
    db.session.add_all(
        RegionMean(year=year, indicator=code, value=value, source=batch)
        for (year, code), value in means.items()
    )
    db.session.flush()
    audit.record(
        "indicators_imported",
        actor,
        "indicator_import",
        batch.id,
        filename=filename,
        years=file_years,
        rows=len(records),
        replaced_years=sorted(replaced),
        region_means=len(means),
    )
    db.session.commit()
    return ImportSummary(batch, tuple(sorted(replaced)), len(means))


def _gaps_with_stored_years(filename: str, file_years: Sequence[int]) -> list[IndicatorError]:
    """Report each year the file would leave missing for everyone next to the stored years.

    Windows are three consecutive years, so 2021-2024 stored and a file of 2026 alone would leave
    2025 missing for every school. The file's own gaps are errors of read_indicator_file already,
    and a gap stored before this check existed is not blamed on a file that does not cause it.
    """
    stored = set(db.session.scalars(select(SchoolIndicators.year).distinct()))
    if not stored:
        return []
    stored_text = _year_ranges(sorted(stored))
    return [
        IndicatorError(
            filename,
            None,
            "year",
            f"за {year} год нет строк ни в файле, ни в портале (там {stored_text}): годы должны "
            f"идти подряд, сначала загрузите {year} год",
        )
        for year in sorted(_gaps(stored | set(file_years)) - _gaps(stored) - _gaps(file_years))
    ]


def _gaps(years) -> set[int]:
    """Return the years between the first and the last of `years` that are not among them."""
    return set(range(min(years), max(years) + 1)) - set(years)


def _year_ranges(years: Sequence[int]) -> str:
    """Write sorted years as ranges, e.g. "2019, 2021–2024"."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)


def stored_years() -> list[StoredYear]:
    """Return what is stored per year, newest year first."""
    counts = db.session.execute(
        select(
            SchoolIndicators.year,
            func.count(SchoolIndicators.id),
            func.count(SchoolIndicators.excluded_reason),
            func.max(SchoolIndicators.import_id),
        )
        .group_by(SchoolIndicators.year)
        .order_by(SchoolIndicators.year.desc())
    ).all()
    means = dict(
        db.session.execute(
            select(RegionMean.year, func.count(RegionMean.indicator)).group_by(RegionMean.year)
        ).all()
    )
    sources = {
        batch.id: batch
        for batch in db.session.scalars(
            select(IndicatorImport).where(IndicatorImport.id.in_([row[3] for row in counts]))
        )
    }
    return [
        StoredYear(year, schools, excluded, means.get(year, 0), sources[source])
        for year, schools, excluded, source in counts
    ]
