"""Identification of schools with low results (ШНРО) and in unfavourable social conditions (ШНСУ).

Implements docs/identification.md; docs/identification-implementation.md lists the decisions taken
where the specification is silent. Each year's indicator values form one schools x indicators
matrix (NaN for a missing value) that is normalised and ranked per school group with the array
functions of competence.analytics.indices; the categories then combine the yearly bands.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import numpy as np

from competence.analytics.indicators import (
    EDUCATIONAL_CODES,
    EDUCATIONAL_INDICATORS,
    GAP_CODES,
    GROUPS,
    SOCIAL_CODES,
    Effect,
)
from competence.analytics.indices import composite_index, cut_bands, gap_flags, normalise_min_max

# The methodology compares bands over three years: Y-2, Y-1 and Y.
YEAR_COUNT: Final = 3
# [resolved] Where the region-means table gives no mean, the region mean is the plain (unweighted)
# mean of the school values of that year over the schools of these groups, i.e. all groups.
REGION_MEAN_SOURCE_GROUPS: Final = GROUPS
# Seed: a "risk" school is in the low band in the latest two years.
RISK_LATEST_YEARS: Final = 2
# Seed: ШНСУ / favourable means in that social band in at least two of the three years.
SOCIAL_CATEGORY_MIN_YEARS: Final = 2
# Ours: resilient means unfavourable social band and high educational band in the same year, in at
# least this many years.
RESILIENT_MIN_YEARS: Final = 2
# Indices are rounded to this many places in the JSON output (they are compared at
# indices.COMPARISON_DECIMALS places).
JSON_DECIMALS: Final = 4

# Column order of every indicator matrix: educational codes, then social codes.
INDEX_CODES: Final = EDUCATIONAL_CODES + SOCIAL_CODES
_INDEX_CODE_SET: Final = frozenset(INDEX_CODES)
_EDU_COLUMNS: Final = slice(0, len(EDUCATIONAL_CODES))
_SOCIAL_COLUMNS: Final = slice(len(EDUCATIONAL_CODES), len(INDEX_CODES))
_GAP_COLUMNS: Final = np.array([INDEX_CODES.index(code) for code in GAP_CODES])
_GAP_THRESHOLDS: Final = np.array(
    [i.gap_threshold for i in EDUCATIONAL_INDICATORS if i.effect is Effect.GAP]
)
_MIN_MAX_COLUMNS: Final = np.setdiff1d(np.arange(len(INDEX_CODES)), _GAP_COLUMNS)
_INVERSE: Final = np.array(
    [i.effect is Effect.INVERSE for i in EDUCATIONAL_INDICATORS] + [False] * len(SOCIAL_CODES)
)[_MIN_MAX_COLUMNS]

# Band codes of the internal band arrays.
_NOT_RANKED, _BOTTOM, _MIDDLE, _TOP = 0, 1, 2, 3


class EduBand(StrEnum):
    """Educational band of a school in one year."""

    LOW = "low"
    MIDDLE = "middle"
    HIGH = "high"


class SocialBand(StrEnum):
    """Social band of a school in one year; also its social category over the years."""

    FAVOURABLE = "favourable"
    NEUTRAL = "neutral"
    UNFAVOURABLE = "unfavourable"  # ШНСУ as a category


class Category(StrEnum):
    """Educational category of a school over the analysed years."""

    LOW_RESULTS = "low_results"  # ШНРО
    RISK = "risk"
    STABLE_HIGH = "stable_high"
    MIDDLE = "middle"


# The specification's own wording when the bottom and the top cuts meet (one school in a group,
# many tied indices): "every school tied with the k-th value is included" in both cuts, and a
# school has one band a year. Such a school takes the band that calls for support, the one the
# identification exists to find: low results, unfavourable conditions. That band then holds every
# school the rule puts in it; the other band loses the shared schools.
MEETING_CUTS_EDU_BAND: Final = EduBand.LOW
MEETING_CUTS_SOCIAL_BAND: Final = SocialBand.UNFAVOURABLE

_EDU_BANDS: Final = (None, EduBand.LOW, EduBand.MIDDLE, EduBand.HIGH)
_SOCIAL_BANDS: Final = (None, SocialBand.FAVOURABLE, SocialBand.NEUTRAL, SocialBand.UNFAVOURABLE)
_CATEGORIES: Final = (Category.LOW_RESULTS, Category.RISK, Category.STABLE_HIGH, Category.MIDDLE)
_SOCIAL_CATEGORIES: Final = (SocialBand.UNFAVOURABLE, SocialBand.FAVOURABLE, SocialBand.NEUTRAL)


@dataclass(frozen=True)
class SchoolYearRecord:
    """One row of an indicator file: a school in one year; a missing value is None or absent."""

    year: int
    school_id: str
    school_name: str
    municipality: str
    group: str
    values: Mapping[str, float | None]
    excluded: str | None = None


@dataclass(frozen=True)
class SchoolIdentification:
    """Indices, bands and categories of one school; None marks a year it was not ranked."""

    school_id: str
    school_name: str
    municipality: str
    group: str
    edu_index: Mapping[int, float | None]
    edu_band: Mapping[int, EduBand | None]
    social_index: Mapping[int, float | None]
    social_band: Mapping[int, SocialBand | None]
    category: Category | None
    social_category: SocialBand | None
    resilient: bool
    excluded: str | None


@dataclass(frozen=True, eq=False)
class NormalisedValues:
    """Normalised indicator values of one year: a row per school, a column per INDEX_CODES entry."""

    year: int
    rows: Mapping[str, int]
    values: np.ndarray  # NaN: missing, or left out for the school's (year, group)


@dataclass(frozen=True, eq=False)
class IdentificationResult:
    """Identification over the analysed years, schools sorted by school_id."""

    years: tuple[int, ...]
    schools: tuple[SchoolIdentification, ...]
    region_means: Mapping[tuple[int, str], float]
    normalised: Mapping[int, NormalisedValues]

    def indicator_profile(self, school_id: str) -> dict[int, dict[str, float]]:
        """Return the school's normalised indicator values per year, without unused indicators."""
        profile = {}
        for year, year_values in self.normalised.items():
            row = year_values.rows.get(school_id)
            if row is not None:
                values = year_values.values[row].tolist()
                profile[year] = {
                    c: v for c, v in zip(INDEX_CODES, values, strict=True) if not math.isnan(v)
                }
        return profile


def identify(
    records: Iterable[SchoolYearRecord],
    region_means: Mapping[tuple[int, str], float] | None = None,
    years: Sequence[int] | None = None,
) -> IdentificationResult:
    """Identify ШНРО, risk, stable-high, ШНСУ and resilient schools over three years."""
    records = tuple(records)
    table = region_means or {}
    analysed = _analysed_years(records, years)
    window = [r for r in records if r.year in analysed]
    _check_records(window, table)
    school_ids = sorted({r.school_id for r in window})
    position = {school_id: i for i, school_id in enumerate(school_ids)}

    shape = (len(school_ids), len(analysed))
    edu_index, social_index = np.full(shape, np.nan), np.full(shape, np.nan)
    edu_bands, social_bands = np.zeros(shape, np.int8), np.zeros(shape, np.int8)
    means_used: dict[tuple[int, str], float] = {}
    normalised_by_year = {}
    for column, year in enumerate(analysed):
        # An excluded school takes no part in the year: not in min-max, region means or cuts.
        active = [r for r in window if r.year == year and not r.excluded]
        rows = np.array([position[r.school_id] for r in active], dtype=np.intp)
        groups = np.array([r.group for r in active], dtype=str)
        normalised, year_means = _normalise_year(year, active, groups, table)
        means = zip(GAP_CODES, year_means.tolist(), strict=True)
        means_used.update({(year, c): m for c, m in means if not math.isnan(m)})
        normalised_by_year[year] = NormalisedValues(
            year, {r.school_id: i for i, r in enumerate(active)}, normalised
        )
        edu = composite_index(normalised[:, _EDU_COLUMNS])
        social = composite_index(normalised[:, _SOCIAL_COLUMNS])
        edu_index[rows, column], social_index[rows, column] = edu, social
        # Each year's own group decides where the school is ranked that year.
        for group in GROUPS:
            members = groups == group
            edu_bands[rows[members], column] = _band_codes(
                edu[members], top_wins=MEETING_CUTS_EDU_BAND is EduBand.HIGH
            )
            social_bands[rows[members], column] = _band_codes(
                social[members], top_wins=MEETING_CUTS_SOCIAL_BAND is SocialBand.UNFAVOURABLE
            )

    latest = {r.school_id: r for r in sorted(window, key=lambda r: r.year)}
    schools = _summarise(
        school_ids, latest, analysed, edu_index, social_index, edu_bands, social_bands
    )
    return IdentificationResult(analysed, schools, means_used, normalised_by_year)


def result_to_json(result: IdentificationResult) -> dict[str, Any]:
    """Return the JSON object of the `flask schools identify --json` command for a result."""
    return {
        "years": list(result.years),
        "schools": [_school_to_json(school) for school in result.schools],
    }


def _analysed_years(
    records: Sequence[SchoolYearRecord], years: Sequence[int] | None
) -> tuple[int, ...]:
    present = sorted({record.year for record in records})
    if years is None:
        if len(present) < YEAR_COUNT:
            found = ", ".join(map(str, present)) or "нет"
            raise ValueError(f"Нужны данные за {YEAR_COUNT} года, в данных годы: {found}")
        latest = tuple(present[-YEAR_COUNT:])
        # The default years are Y-2, Y-1 and Y of the method, not any three latest years.
        gaps = sorted(set(range(latest[0], latest[-1] + 1)) - set(latest))
        if gaps:
            raise ValueError(f"Нет данных за год: {', '.join(map(str, gaps))}")
        return latest
    chosen = tuple(sorted(set(years)))
    if len(chosen) != YEAR_COUNT or len(years) != YEAR_COUNT:
        raise ValueError(f"Нужно указать {YEAR_COUNT} разных года")
    missing = [str(year) for year in chosen if year not in present]
    if missing:
        raise ValueError(f"Нет данных за год: {', '.join(missing)}")
    return chosen


def _check_records(
    records: Sequence[SchoolYearRecord], region_means: Mapping[tuple[int, str], float]
) -> None:
    for record in records:
        where = f"Школа «{record.school_id}», {record.year} год"
        if record.group not in GROUPS:
            raise ValueError(f"{where}: неизвестная группа «{record.group}»")
        if not record.values.keys() <= _INDEX_CODE_SET:
            unknown = ", ".join(sorted(record.values.keys() - _INDEX_CODE_SET))
            raise ValueError(f"{where}: неизвестные показатели {unknown}")
    counts = Counter((record.year, record.school_id) for record in records)
    duplicates = sorted(key for key, count in counts.items() if count > 1)
    if duplicates:
        year, school_id = duplicates[0]
        raise ValueError(f"Школа «{school_id}», {year} год: школа встречается дважды")
    unknown_means = sorted({code for _, code in region_means} - set(GAP_CODES))
    if unknown_means:
        codes = ", ".join(unknown_means)
        raise ValueError(f"Средние по краю заданы не для средних баллов: {codes}")


def _normalise_year(
    year: int,
    active: Sequence[SchoolYearRecord],
    groups: np.ndarray,
    table: Mapping[tuple[int, str], float],
) -> tuple[np.ndarray, np.ndarray]:
    """Return the read-only normalised matrix of the year's active schools and its region means."""
    raw = np.array(
        [[r.values.get(code) for code in INDEX_CODES] for r in active], dtype=float
    ).reshape(len(active), len(INDEX_CODES))
    year_means = _region_means(year, raw, groups, table)
    normalised = np.full(raw.shape, np.nan)
    normalised[:, _GAP_COLUMNS] = gap_flags(raw[:, _GAP_COLUMNS], year_means, _GAP_THRESHOLDS)
    for group in GROUPS:
        members = np.ix_(groups == group, _MIN_MAX_COLUMNS)
        normalised[members] = normalise_min_max(raw[members], _INVERSE)
    normalised.flags.writeable = False
    return normalised, year_means


def _region_means(
    year: int, raw: np.ndarray, groups: np.ndarray, table: Mapping[tuple[int, str], float]
) -> np.ndarray:
    source = raw[np.isin(groups, REGION_MEAN_SOURCE_GROUPS)]
    means = []
    for code, column in zip(GAP_CODES, _GAP_COLUMNS.tolist(), strict=True):
        if (year, code) in table:
            means.append(float(table[year, code]))
            continue
        values = source[:, column]
        values = values[~np.isnan(values)]
        # fsum is exactly rounded, so the mean does not depend on the order of the rows.
        means.append(math.fsum(values.tolist()) / values.size if values.size else math.nan)
    return np.array(means)


def _band_codes(index: np.ndarray, *, top_wins: bool) -> np.ndarray:
    """Return the band code of each entry; a school in both cuts takes the top if top_wins."""
    bottom, top = cut_bands(index)
    codes = np.where(np.isnan(index), _NOT_RANKED, _MIDDLE)
    if top_wins:
        codes[bottom], codes[top] = _BOTTOM, _TOP
    else:
        codes[top], codes[bottom] = _TOP, _BOTTOM
    return codes


def _summarise(
    school_ids: Sequence[str],
    latest: Mapping[str, SchoolYearRecord],
    years: tuple[int, ...],
    edu_index: np.ndarray,
    social_index: np.ndarray,
    edu_bands: np.ndarray,
    social_bands: np.ndarray,
) -> tuple[SchoolIdentification, ...]:
    # A year without ranking counts as "not in that band" because its code is _NOT_RANKED.
    low, high = edu_bands == _BOTTOM, edu_bands == _TOP
    unfavourable, favourable = social_bands == _TOP, social_bands == _BOTTOM
    low_results = low.all(axis=1)
    risk = low[:, -RISK_LATEST_YEARS:].all(axis=1) & ~low_results
    stable_high = high.all(axis=1)
    shsu = unfavourable.sum(axis=1) >= SOCIAL_CATEGORY_MIN_YEARS
    favourable_category = favourable.sum(axis=1) >= SOCIAL_CATEGORY_MIN_YEARS
    resilient = (unfavourable & high).sum(axis=1) >= RESILIENT_MIN_YEARS

    # np.select takes the first matching condition: the order is the priority of the categories.
    categories = np.select([low_results, risk, stable_high], [0, 1, 2], 3).tolist()
    social_categories = np.select([shsu, favourable_category], [0, 1], 2).tolist()
    # Python objects per cell up front: building 40,000 schools stays cheap.
    edu_values, social_values = _cells(edu_index), _cells(social_index)
    edu_names = np.array(_EDU_BANDS, dtype=object)[edu_bands].tolist()
    social_names = np.array(_SOCIAL_BANDS, dtype=object)[social_bands].tolist()
    resilient_flags = resilient.tolist()

    schools = []
    for i, school_id in enumerate(school_ids):
        record = latest[school_id]
        # A school excluded in its latest analysed year is outside the identification.
        excluded = record.excluded or None
        schools.append(
            SchoolIdentification(
                school_id=school_id,
                school_name=record.school_name,
                municipality=record.municipality,
                group=record.group,
                edu_index=dict(zip(years, edu_values[i], strict=True)),
                edu_band=dict(zip(years, edu_names[i], strict=True)),
                social_index=dict(zip(years, social_values[i], strict=True)),
                social_band=dict(zip(years, social_names[i], strict=True)),
                category=None if excluded else _CATEGORIES[categories[i]],
                social_category=None if excluded else _SOCIAL_CATEGORIES[social_categories[i]],
                resilient=excluded is None and resilient_flags[i],
                excluded=excluded,
            )
        )
    return tuple(schools)


def _cells(index: np.ndarray) -> list[list[float | None]]:
    return np.where(np.isnan(index), None, index).tolist()


def _school_to_json(school: SchoolIdentification) -> dict[str, Any]:
    def indices(by_year: Mapping[int, float | None]) -> dict[str, float | None]:
        return {str(y): None if v is None else round(v, JSON_DECIMALS) for y, v in by_year.items()}

    def bands(by_year: Mapping[int, StrEnum | None]) -> dict[str, str | None]:
        return {str(y): None if band is None else band.value for y, band in by_year.items()}

    return {
        "school_id": school.school_id,
        "group": school.group,
        "edu_index": indices(school.edu_index),
        "edu_band": bands(school.edu_band),
        "social_index": indices(school.social_index),
        "social_band": bands(school.social_band),
        "category": None if school.category is None else school.category.value,
        "social_category": None if school.social_category is None else school.social_category.value,
        "resilient": school.resilient,
        "excluded": school.excluded,
    }
