"""Benchmark the numpy identification against the pure-Python reference on one generated data set.

    python benchmarks/bench_identification.py [--schools 40000] [--years 3] [--seed 1]
                                              [--repeats 3] [--reference-repeats 1]

Both implementations run on the same records; the script checks that they agree and prints the
best time of each and the speed ratio.
"""

import argparse
import math
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

if not __package__:  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.identification_reference import differences, identify_reference  # noqa: E402
from competence.analytics.identification import (  # noqa: E402
    YEAR_COUNT,
    SchoolYearRecord,
    identify,
)

FIRST_YEAR = 2022
MUNICIPALITIES = (
    "г. Хабаровск",
    "г. Комсомольск-на-Амуре",
    "Амурский район",
    "Ванинский район",
    "Вяземский район",
    "Хабаровский район",
    "Николаевский район",
    "Советско-Гаванский район",
    "район имени Лазо",
    "Нанайский район",
)
SECONDARY_SHARE = 0.6
GROUP_CHANGE_SHARE = 0.01  # schools reorganised from secondary to basic in the latest year
MISSING_SHARE = 0.05
EXCLUDED_SHARE = 0.005
YEARLY_DRIFT = 0.5  # year-to-year change of a school's latent drivers
EXCLUDED_REASON = "реализует только адаптированные программы"

# code: (driver, mean, effect of the driver, noise, lowest, highest, decimals). The drivers are
# a school's latent quality ("q") and social disadvantage ("s"). ЕГЭ codes are absent in basic
# schools. Rounding to the decimals the region reports makes ties realistic.
MODEL = {
    "ege_no_cert": ("q", 1.5, -1.2, 1.5, 0, 100, 1),
    "ege_rus_below_min": ("q", 3.0, -2.5, 2.5, 0, 100, 1),
    "ege_math_below_min": ("q", 5.0, -3.5, 3.5, 0, 100, 1),
    "ege_rus_80plus": ("q", 12.0, 7.0, 5.0, 0, 100, 1),
    "ege_math_80plus": ("q", 6.0, 5.0, 4.0, 0, 100, 1),
    "oge_no_cert": ("q", 3.0, -2.0, 2.0, 0, 100, 1),
    "oge_rus_grade2": ("q", 5.0, -4.0, 3.0, 0, 100, 1),
    "oge_math_grade2": ("q", 8.0, -5.0, 4.0, 0, 100, 1),
    "oge_rus_grade5": ("q", 25.0, 10.0, 8.0, 0, 100, 1),
    "oge_math_grade5": ("q", 15.0, 8.0, 6.0, 0, 100, 1),
    "vpr_rus_grade2": ("q", 12.0, -6.0, 5.0, 0, 100, 1),
    "vpr_math_grade2": ("q", 14.0, -7.0, 5.0, 0, 100, 1),
    "vpr_rus_grade5": ("q", 12.0, 6.0, 4.0, 0, 100, 1),
    "vpr_math_grade5": ("q", 14.0, 7.0, 5.0, 0, 100, 1),
    "ege_rus_mean": ("q", 68.0, 7.0, 5.0, 0, 100, 1),
    "ege_math_profile_mean": ("q", 55.0, 9.0, 7.0, 0, 100, 1),
    "ege_math_base_mean": ("q", 14.0, 2.5, 2.0, 0, 21, 1),  # primary points
    "oge_rus_mean": ("q", 3.7, 0.35, 0.25, 2, 5, 2),
    "oge_math_mean": ("q", 3.5, 0.4, 0.25, 2, 5, 2),
    "vpr_rus_mean": ("q", 3.5, 0.35, 0.25, 2, 5, 2),
    "vpr_math_mean": ("q", 3.6, 0.4, 0.25, 2, 5, 2),
    "deviant": ("s", 1.5, 1.2, 1.0, 0, 100, 1),
    "school_register": ("s", 4.0, 3.0, 2.0, 0, 100, 1),
    "police_register": ("s", 1.5, 1.2, 1.0, 0, 100, 1),
    "non_native_russian": ("s", 2.0, 2.0, 2.0, 0, 100, 1),
    "special_needs": ("s", 5.0, 2.5, 2.5, 0, 100, 1),
    "unemployed_parents": ("s", 12.0, 7.0, 5.0, 0, 100, 1),
    "parents_no_higher_ed": ("s", 45.0, 12.0, 8.0, 0, 100, 1),
    "single_parent": ("s", 22.0, 7.0, 5.0, 0, 100, 1),
    "asocial_family": ("s", 1.0, 1.0, 0.8, 0, 100, 1),
    "free_meals": ("s", 30.0, 15.0, 10.0, 0, 100, 1),
    "guardianship": ("s", 2.5, 1.5, 1.2, 0, 100, 1),
}


def generate_records(n_schools: int, n_years: int, seed: int) -> list[SchoolYearRecord]:
    """Generate indicator rows driven by a latent school quality and social disadvantage."""
    rng = np.random.default_rng(seed)
    codes = list(MODEL)
    driver, mean, effect, noise, lowest, highest, decimals = (
        np.array(c) for c in zip(*MODEL.values(), strict=True)
    )
    quality = rng.normal(size=(n_schools, 1))
    disadvantage = -0.4 * quality + np.sqrt(1 - 0.4**2) * rng.normal(size=(n_schools, 1))
    secondary = rng.random(n_schools) < SECONDARY_SHARE
    reorganised = secondary & (rng.random(n_schools) < GROUP_CHANGE_SHARE)
    municipality = rng.integers(len(MUNICIPALITIES), size=n_schools)
    ege = np.array([code.startswith("ege_") for code in codes])
    scale = 10.0**decimals

    records = []
    for offset in range(n_years):
        drift = YEARLY_DRIFT * rng.normal(size=(n_schools, 2))
        latent = np.where(driver == "q", quality + drift[:, :1], disadvantage + drift[:, 1:])
        values = mean + effect * latent + noise * rng.normal(size=latent.shape)
        values = np.round(np.clip(values, lowest, highest) * scale) / scale
        is_secondary = secondary & ~(reorganised & (offset == n_years - 1))
        values[~is_secondary[:, None] & ege] = np.nan
        values[rng.random(values.shape) < MISSING_SHARE] = np.nan
        excluded = rng.random(n_schools) < EXCLUDED_SHARE
        for i, row in enumerate(values.tolist()):
            records.append(
                SchoolYearRecord(
                    year=FIRST_YEAR + offset,
                    school_id=f"{i:06d}",
                    school_name=f"МБОУ СОШ № {i + 1}",
                    municipality=MUNICIPALITIES[municipality[i]],
                    group="secondary" if is_secondary[i] else "basic",
                    # A missing value is an absent key, as in a sparse import.
                    values={
                        code: v for code, v in zip(codes, row, strict=True) if not math.isnan(v)
                    },
                    excluded=EXCLUDED_REASON if excluded[i] else None,
                )
            )
    return records


def best_time(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Return the best wall time of repeats runs and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    """Run both implementations, check that they agree and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=40_000)
    parser.add_argument("--years", type=int, default=YEAR_COUNT, help="years of data generated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3, help="runs of the numpy version")
    parser.add_argument("--reference-repeats", type=int, default=1)
    args = parser.parse_args(argv)
    if args.years < YEAR_COUNT:
        parser.error(f"--years must be at least {YEAR_COUNT}")
    if min(args.repeats, args.reference_repeats) < 1:
        parser.error("repeats must be at least 1")

    start = time.perf_counter()
    records = generate_records(args.schools, args.years, args.seed)
    print(f"generated {len(records)} rows in {time.perf_counter() - start:.1f} s")
    numpy_seconds, result = best_time(lambda: identify(records), args.repeats)
    reference_seconds, reference = best_time(
        lambda: identify_reference(records), args.reference_repeats
    )
    disagreements = differences(result, reference)

    categories = Counter(str(school.category or "excluded") for school in result.schools)
    print(f"schools: {len(result.schools)}, categories: {dict(categories.most_common())}")
    print(f"{'implementation':<22}{'best, s':>10}{'runs':>6}")
    print(f"{'numpy':<22}{numpy_seconds:>10.3f}{args.repeats:>6}")
    print(f"{'pure Python reference':<22}{reference_seconds:>10.3f}{args.reference_repeats:>6}")
    print(f"speed ratio: {reference_seconds / numpy_seconds:.1f}x")
    if disagreements:
        print(f"DISAGREE in {len(disagreements)} places, e.g. {disagreements[:5]}")
        return 1
    print("results agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
