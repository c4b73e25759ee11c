"""The region's stored indicator values and their identification over windows of three years.

Results are not stored: they are computed from the stored values when a page asks for them
(a few milliseconds for a region), so they always follow the latest import. The name, the
municipality and the exclusion come from the register of schools: a school the register
excludes from identification is excluded in every year; the group is that of each year's row.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competence.analytics.identification import (
    YEAR_COUNT,
    IdentificationResult,
    SchoolIdentification,
    SchoolYearRecord,
    identify,
)
from competence.extensions import db
from competence.schools.models import RegionMean, School, SchoolIndicators

Window = tuple[int, ...]


@dataclass(frozen=True)
class YearStanding:
    """A school's indices and bands in one year."""

    year: int
    edu_index: float | None
    edu_band: str | None
    social_index: float | None
    social_band: str | None


class Dataset:
    """Stored indicator values, with identification results computed once per window."""

    def __init__(
        self,
        rows: list[tuple[SchoolIndicators, School]],
        region_means: Mapping[tuple[int, str], float],
    ) -> None:
        self.schools: dict[str, School] = {}
        self.records: list[SchoolYearRecord] = []
        for stored, school in rows:
            self.schools[school.code] = school
            self.records.append(
                SchoolYearRecord(
                    year=stored.year,
                    school_id=school.code,
                    school_name=school.name,
                    municipality=school.municipality.name,
                    group=stored.school_group,
                    values=stored.values,
                    excluded=stored.excluded_reason or school.excluded_reason,
                )
            )
        self.region_means = dict(region_means)
        self.years: tuple[int, ...] = tuple(sorted({record.year for record in self.records}))
        # Windows of three consecutive stored years (Y-2, Y-1, Y of the method); the latest one is
        # the default. The import refuses a year missing for everyone, so there is no gap to span.
        stored = set(self.years)
        self.windows: tuple[Window, ...] = tuple(
            tuple(range(year - YEAR_COUNT + 1, year + 1))
            for year in self.years
            if stored.issuperset(range(year - YEAR_COUNT + 1, year + 1))
        )
        self._rows = {(record.school_id, record.year): record for record in self.records}
        self._results: dict[Window, IdentificationResult] = {}
        self._by_code: dict[Window, dict[str, SchoolIdentification]] = {}

    def window(self, end_year: int | None = None) -> Window | None:
        """Return the window ending with end_year (default and fallback: the latest one)."""
        by_end = {window[-1]: window for window in self.windows}
        if end_year in by_end:
            return by_end[end_year]
        return self.windows[-1] if self.windows else None

    def previous(self, window: Window) -> Window | None:
        """Return the window one year before, if there is one."""
        position = self.windows.index(window)
        return self.windows[position - 1] if position else None

    def result(self, window: Window) -> IdentificationResult:
        """Return the identification over a window, computing it on first use."""
        if window not in self._results:
            result = identify(self.records, self.region_means, window)
            self._results[window] = result
            self._by_code[window] = {school.school_id: school for school in result.schools}
        return self._results[window]

    def identification(self, window: Window, code: str) -> SchoolIdentification | None:
        """Return one school's identification over a window, None if it has no rows there."""
        self.result(window)
        return self._by_code[window].get(code)

    def history(
        self, code: str
    ) -> tuple[list[YearStanding], list[tuple[Window, SchoolIdentification]]]:
        """Return the school's standing in every stored year and its categories per window.

        A year's indices and bands depend on that year's values only, so any window holding the
        year gives the same ones.
        """
        standings: dict[int, YearStanding] = {}
        categories = []
        for window in self.windows:
            school = self.identification(window, code)
            if school is None:
                continue
            categories.append((window, school))
            for year in window:
                standings[year] = YearStanding(
                    year,
                    school.edu_index[year],
                    school.edu_band[year],
                    school.social_index[year],
                    school.social_band[year],
                )
        return [standings[year] for year in sorted(standings)], categories

    def record(self, code: str, year: int) -> SchoolYearRecord | None:
        """Return a school's stored row of a year."""
        return self._rows.get((code, year))

    def records_of(self, year: int, group: str) -> list[SchoolYearRecord]:
        """Return the rows of a year and group that take part in the identification."""
        return [r for r in self.records if r.year == year and r.group == group and not r.excluded]


def load_dataset() -> Dataset:
    """Load every stored indicator row with its school and the stored region means."""
    rows = db.session.execute(
        select(SchoolIndicators, School)
        .join(School, SchoolIndicators.school_id == School.id)
        .options(selectinload(School.municipality))
        .order_by(SchoolIndicators.year, School.code)
    ).all()
    means = {(m.year, m.indicator): m.value for m in db.session.scalars(select(RegionMean))}
    return Dataset([tuple(row) for row in rows], means)
