"""`flask analytics generate`: a plausible region with staff results, for benchmarks and demos.

It makes, in one transaction: the 19 municipalities of Khabarovsk Krai with schools shared out
like the real ones (the regional centre large, the northern districts small); indicator values
of every school for four consecutive years, driven by a latent quality and social disadvantage
as in benchmarks/bench_identification.py, so the stored identification finds ШНРО and ШНСУ among
them; then a director and staff in every school, sized by its pupils, with results and tracks
(generator_staff.py), scores lower in the schools the identification puts low. The first school
of the regional centre is the largest: 150 staff at full size, the director's benchmark page.
docs/analytics-generator.md describes the distributions.
"""

import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import click
import numpy as np
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text

from competence.analytics.indicators import GROUP_BASIC, GROUP_SECONDARY
from competence.database import utcnow
from competence.deficits.generator_staff import (
    INSTRUMENT_KEYS,
    StaffedSchool,
    StaffReport,
    add_staff,
    instrument_profiles,
    school_effect,
)
from competence.extensions import db
from competence.instruments.cli import DEFAULT_PATH
from competence.instruments.services import ContentErrors, load_tree
from competence.schools.dataset import load_dataset
from competence.schools.models import IndicatorImport, Municipality, School, SchoolIndicators
from competence.tracks.library import CatalogErrors, load_catalog
from competence.tracks.models import CatalogModule

SCHOOL_CODE_PREFIX = "gen-"
GENERATED_EMAIL = "gen-{n:06d}@generated.khkiro.example"
INDICATOR_YEARS = 4
# The director's benchmark school: this many staff, director included, when the region is big
# enough (at least ten times as many teachers); no other school is larger than CAP_STAFF.
FLAGSHIP_STAFF = 150
CAP_STAFF = 140

# Municipalities of the region with their approximate number of schools; True: a city okrug.
MUNICIPALITIES = (
    ("г. Хабаровск", 80, True),
    ("г. Комсомольск-на-Амуре", 35, True),
    ("Хабаровский район", 45, False),
    ("район имени Лазо", 25, False),
    ("Комсомольский район", 25, False),
    ("Амурский район", 20, False),
    ("Нанайский район", 17, False),
    ("Верхнебуреинский район", 17, False),
    ("Солнечный район", 17, False),
    ("Ульчский район", 17, False),
    ("Ванинский район", 15, False),
    ("Николаевский район", 15, False),
    ("Советско-Гаванский район", 14, False),
    ("Вяземский район", 10, False),
    ("Бикинский район", 8, False),
    ("Охотский район", 7, False),
    ("Аяно-Майский район", 6, False),
    ("район имени Полины Осипенко", 5, False),
    ("Тугуро-Чумиканский район", 4, False),
)
# Secondary schools among a city's and a district's schools; pupils per member of staff.
SECONDARY_SHARE = {True: 0.9, False: 0.65}
PUPILS_PER_STAFF = {True: 14.0, False: 9.0}
# Median pupils of a city and a district school (log-normal, this spread); basic ones have less.
MEDIAN_PUPILS = {True: 850.0, False: 220.0}
PUPILS_SPREAD = 0.45
BASIC_PUPILS = 0.4
# The latent drivers of the indicators: a city's schools do a little better, a district's
# children live in harder conditions; each year moves the drivers this much.
CITY_QUALITY, DISTRICT_QUALITY = 0.3, -0.15
CITY_DISADVANTAGE, DISTRICT_DISADVANTAGE = -0.3, 0.4
YEARLY_DRIFT = 0.5
MISSING_SHARE = 0.02

# code: (driver, mean, effect of the driver, noise, lowest, highest, decimals), the model of
# benchmarks/bench_identification.py. "q" is quality, "s" disadvantage; no ЕГЭ in basic schools.
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
    "ege_math_base_mean": ("q", 14.0, 2.5, 2.0, 0, 21, 1),
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


class GeneratorError(click.ClickException):
    """The generator cannot run on this database (exit status 1)."""


def allocate(total: int, weights, cap: float | None = None) -> np.ndarray:
    """Share `total` out in proportion to `weights` (largest remainders), none above `cap`."""
    weights = np.asarray(weights, dtype=float)
    exact = np.zeros(weights.size)
    free = np.ones(weights.size, dtype=bool)
    left = float(total)
    while free.any():
        exact[free] = weights[free] / weights[free].sum() * left
        over = free & (exact > cap) if cap is not None else np.zeros_like(free)
        if not over.any():
            break
        exact[over] = cap
        free &= ~over
        left = total - exact[~free].sum()
    counts = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: max(0, total - int(counts.sum()))]] += 1
    return counts


def already_generated() -> int:
    """Return how many generated schools the database holds."""
    return db.session.scalar(
        select(func.count(School.id)).where(School.code.startswith(SCHOOL_CODE_PREFIX))
    )


def ensure_content() -> list[str]:
    """Load the shipped instruments and catalogue where missing; return what was loaded."""
    loaded = []
    try:
        if set(instrument_profiles()) != set(INSTRUMENT_KEYS):
            report = load_tree(DEFAULT_PATH)
            loaded.append(f"instruments: {len(report.published)} published")
        if db.session.scalar(select(func.count(CatalogModule.id))) == 0:
            catalog = load_catalog()
            loaded.append(f"catalogue: {len(catalog.created)} modules")
    except (ContentErrors, CatalogErrors) as error:
        raise GeneratorError(f"The shipped instruments or catalogue do not load: {error}") from None
    missing = sorted(set(INSTRUMENT_KEYS) - set(instrument_profiles()))
    if missing:
        raise GeneratorError(f"Instruments not published: {', '.join(missing)}")
    return loaded


def identification_categories() -> dict[str, tuple[str | None, str | None]]:
    """Return each school's (category, social category) over the latest window, by code."""
    dataset = load_dataset()
    window = dataset.window()
    if window is None:
        return {}
    return {
        school.school_id: (
            school.category.value if school.category else None,
            school.social_category.value if school.social_category else None,
        )
        for school in dataset.result(window).schools
    }


def staff_schools(
    schools: Sequence[School],
    sizes: Sequence[int],
    campaigns: int,
    seed: int,
    email_format: str,
    directors: bool = False,
    now: datetime | None = None,
) -> StaffReport:
    """Staff existing schools with results, their scores following the stored identification."""
    categories = identification_categories()
    noise = np.random.default_rng(seed).normal(size=len(schools))
    plans = [
        StaffedSchool(
            school.id,
            school.municipality_id,
            int(size),
            directors,
            school_effect(*categories.get(school.code, (None, None)), float(noise[i])),
        )
        for i, (school, size) in enumerate(zip(schools, sizes, strict=True))
    ]
    return add_staff(plans, campaigns, seed + 1, email_format, now)


def _municipalities(count: int) -> list[tuple[Municipality, int, bool]]:
    """Return the municipalities to use (existing ones by name) with their number of schools."""
    used = MUNICIPALITIES[: min(count, len(MUNICIPALITIES))]
    counts = allocate(count - len(used), [weight for _, weight, _ in used]) + 1
    existing = {m.name: m for m in db.session.scalars(select(Municipality))}
    places = []
    for (name, _, city), n in zip(used, counts, strict=True):
        place = existing.get(name) or Municipality(name=name)
        db.session.add(place)
        places.append((place, int(n), city))
    db.session.flush()
    return places


def _school_name(number: int, municipality: str, city: bool, secondary: bool, draw: float) -> str:
    """Return a plausible school name."""
    if city:
        if not secondary:
            return (
                f"МБОУ «Вечерняя (сменная) школа № {number}»"
                if draw < 0.3
                else (f"МБОУ «Основная школа № {number}»")
            )
        if draw < 0.08:
            return f"МАОУ «Лицей № {number}»"
        if draw < 0.16:
            return f"МАОУ «Гимназия № {number}»"
        return f"МБОУ «Средняя школа № {number}»"
    kind = "СОШ" if secondary else "ООШ"
    return f"МБОУ {kind} № {number} ({municipality})"


def generate_schools(rng: np.random.Generator, count: int, years: Sequence[int]) -> list[dict]:
    """Create the municipalities, schools and indicator rows; return one plan entry per school."""
    schools = []
    for place, n, city in _municipalities(count):
        secondary = rng.random(n) < SECONDARY_SHARE[city]
        secondary[0] = True  # every municipality has a secondary school (the city's: the flagship)
        pupils = MEDIAN_PUPILS[city] * np.exp(PUPILS_SPREAD * rng.normal(size=n))
        pupils = np.where(secondary, pupils, pupils * BASIC_PUPILS).round()
        draws = rng.random(n)
        for i in range(n):
            schools.append(
                {
                    "code": f"{SCHOOL_CODE_PREFIX}{len(schools) + 1:04d}",
                    "name": _school_name(i + 1, place.name, city, secondary[i], draws[i]),
                    "municipality_id": place.id,
                    "school_group": GROUP_SECONDARY if secondary[i] else GROUP_BASIC,
                    "students": int(max(pupils[i], 20)),
                    "city": city,
                }
            )
    db.session.execute(
        insert(School), [{k: v for k, v in s.items() if k != "city"} for s in schools]
    )
    ids = dict(
        db.session.execute(
            select(School.code, School.id).where(School.code.startswith(SCHOOL_CODE_PREFIX))
        ).all()
    )
    for school in schools:
        school["id"] = ids[school["code"]]
    _generate_indicators(rng, schools, years)
    return schools


def _generate_indicators(rng: np.random.Generator, schools: list[dict], years) -> None:
    """Store indicator values of every school and year, as one import."""
    n = len(schools)
    codes = list(MODEL)
    driver, mean, effect, noise, lowest, highest, decimals = (
        np.array(column) for column in zip(*MODEL.values(), strict=True)
    )
    city = np.array([s["city"] for s in schools])
    quality = np.where(city, CITY_QUALITY, DISTRICT_QUALITY) + rng.normal(size=n)
    disadvantage = (
        np.where(city, CITY_DISADVANTAGE, DISTRICT_DISADVANTAGE)
        - 0.4 * quality
        + np.sqrt(1 - 0.4**2) * rng.normal(size=n)
    )
    secondary = np.array([s["school_group"] == GROUP_SECONDARY for s in schools])
    ege = np.array([code.startswith("ege_") for code in codes])
    scale = 10.0**decimals
    source = IndicatorImport(
        filename="generated", years=list(years), rows=n * len(years), means_filename=None
    )
    db.session.add(source)
    db.session.flush()
    rows = []
    for year in years:
        drift = YEARLY_DRIFT * rng.normal(size=(n, 2))
        latent = np.where(
            driver == "q", (quality + drift[:, 0])[:, None], (disadvantage + drift[:, 1])[:, None]
        )
        values = mean + effect * latent + noise * rng.normal(size=latent.shape)
        values = np.round(np.clip(values, lowest, highest) * scale) / scale
        values[~secondary[:, None] & ege] = np.nan
        values[rng.random(values.shape) < MISSING_SHARE] = np.nan
        for school, row in zip(schools, values.tolist(), strict=True):
            rows.append(
                {
                    "school_id": school["id"],
                    "year": year,
                    "school_group": school["school_group"],
                    "values": {c: v for c, v in zip(codes, row, strict=True) if v == v},
                    "excluded_reason": None,
                    "import_id": source.id,
                }
            )
    db.session.execute(insert(SchoolIndicators), rows)


def staff_sizes(schools: list[dict], teachers: int) -> np.ndarray:
    """Share the teachers out by pupils; the first school gets FLAGSHIP_STAFF when it can."""
    weights = np.array([s["students"] / PUPILS_PER_STAFF[s["city"]] for s in schools], dtype=float)
    flagship = FLAGSHIP_STAFF - 1
    if len(schools) > 1 and teachers >= 10 * FLAGSHIP_STAFF:
        rest = allocate(teachers - flagship, weights[1:], cap=CAP_STAFF - 1)
        return np.concatenate(([flagship], rest))
    return allocate(teachers, weights)


def generate_region(
    schools: int, teachers: int, campaigns: int, seed: int, now: datetime | None = None
) -> dict:
    """Generate the whole region into the session (the caller commits); return a summary."""
    now = now or utcnow()
    last_year = now.year if now.month >= 9 else now.year - 1
    years = list(range(last_year - INDICATOR_YEARS + 1, last_year + 1))
    rng = np.random.default_rng(seed)
    made = generate_schools(rng, schools, years)
    db.session.flush()
    categories = identification_categories()
    sizes = staff_sizes(made, teachers)
    plans = [
        StaffedSchool(
            s["id"],
            s["municipality_id"],
            int(size),
            True,
            school_effect(*categories.get(s["code"], (None, None)), float(rng.normal())),
        )
        for s, size in zip(made, sizes, strict=True)
    ]
    staff = add_staff(plans, campaigns, seed, GENERATED_EMAIL, now)
    return {
        "municipalities": len({s["municipality_id"] for s in made}),
        "schools": len(made),
        "groups": Counter(s["school_group"] for s in made),
        "years": years,
        "categories": Counter(category for category, _ in categories.values()),
        "social": Counter(social for _, social in categories.values()),
        "codes": {s["id"]: s["code"] for s in made},
        "staff": staff,
    }


def _echo_summary(summary: dict, campaigns: int, seconds: float, seed: int) -> None:
    """Print what was made."""
    staff: StaffReport = summary["staff"]
    groups, categories, social = summary["groups"], summary["categories"], summary["social"]
    years = summary["years"]
    school_id, largest = staff.largest
    click.echo(f"Generated in {seconds:.1f} s (seed {seed}):")
    click.echo(
        f"  municipalities: {summary['municipalities']}; schools: {summary['schools']} "
        f"(secondary {groups[GROUP_SECONDARY]}, basic {groups[GROUP_BASIC]}); "
        f"indicator values {years[0]}-{years[-1]}"
    )
    click.echo(
        f"  identification {years[-3]}-{years[-1]}: ШНРО {categories['low_results']}, "
        f"risk {categories['risk']}, stable high {categories['stable_high']}; "
        f"ШНСУ {social['unfavourable']}"
    )
    click.echo(
        f"  staff: {staff.staff} ({staff.staff - staff.directors} teachers and other staff, "
        f"{staff.directors} directors); largest school {summary['codes'].get(school_id)}: "
        f"{largest} staff"
    )
    per_instrument = ", ".join(f"{key} {n}" for key, n in staff.by_instrument.items())
    click.echo(
        f"  attempts: {staff.attempts} over {campaigns} campaign(s) ({per_instrument}); "
        f"competence scores: {staff.scores}"
    )
    click.echo(
        f"  tracks: {staff.tracks} (completed {staff.completed}, awaiting retake "
        f"{staff.awaiting_retake}); track modules: {staff.modules} (done {staff.modules_done})"
    )


def refresh_statistics() -> None:
    """Let the database's planner see the bulk-loaded rows (ANALYZE): on PostgreSQL, plans made
    on statistics from before the load took minutes for a query that needs a second."""
    db.session.execute(text("ANALYZE"))
    db.session.commit()


@click.command("generate")
@click.option("--schools", type=click.IntRange(1, 10_000), default=450, show_default=True)
@click.option("--teachers", type=click.IntRange(0, 500_000), default=15_000, show_default=True)
@click.option("--campaigns", type=click.IntRange(1, 10), default=3, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@with_appcontext
def generate_command(schools: int, teachers: int, campaigns: int, seed: int) -> None:
    """Generate a region with staff, results over campaigns and tracks (for benchmarks)."""
    found = already_generated()
    if found:
        raise GeneratorError(
            f"The database already holds a generated region ({found} schools with codes "
            f"{SCHOOL_CODE_PREFIX}…): generate into an empty database."
        )
    started = time.perf_counter()
    for line in ensure_content():
        click.echo(f"Loaded the shipped {line}")
    summary = generate_region(schools, teachers, campaigns, seed)
    db.session.commit()
    refresh_statistics()
    _echo_summary(summary, campaigns, time.perf_counter() - started, seed)
