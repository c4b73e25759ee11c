"""Each school's category from the stored identification, for the analytics pages.

The identification (competence.schools.dataset) gives a school several labels at once: an
educational category (ШНРО, risk group, ...), a social one (ШНСУ, ...) and a resilient flag. A
cross-table must count every teacher once, and a filter must agree with it, so each school takes
one analytics category: the first of CATEGORIES it belongs to, in the window of the latest three
years. Resilient schools are ШНСУ with high results, so they come before ШНСУ; a school both ШНРО
and ШНСУ counts as ШНРО. A school without indicators, excluded from the identification or in none
of the lists is "other".

Identifying the region takes a noticeable time (about 0.1 s for 450 schools over three years), so
the mapping is kept per process until the indicators change: keyed by the database, the newest
import and a digest of the register (a school added or excluded).
"""

import logging
import threading
import time
from typing import Final

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from competence.analytics.identification import Category, SchoolIdentification, SocialBand
from competence.extensions import db
from competence.schools.dataset import load_dataset
from competence.schools.models import IndicatorImport, School

OTHER: Final = "other"
CATEGORIES: Final = ("low_results", "risk", "resilient", "unfavourable", OTHER)
CATEGORY_LABELS = {
    "low_results": _l("Low results (ШНРО)"),
    "risk": _l("Risk group"),
    "resilient": _l("Resilient"),
    "unfavourable": _l("Unfavourable conditions (ШНСУ)"),
    OTHER: _l("Other schools"),
}

log = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[str, tuple[tuple, dict[int, str]]] = {}


def category_of(school: SchoolIdentification | None) -> str:
    """Return the one analytics category of a school's identification."""
    if school is None or school.excluded:
        return OTHER
    if school.category is Category.LOW_RESULTS:
        return "low_results"
    if school.category is Category.RISK:
        return "risk"
    if school.resilient:
        return "resilient"
    if school.social_category is SocialBand.UNFAVOURABLE:
        return "unfavourable"
    return OTHER


def _identify() -> dict[int, str]:
    """Run the identification of the latest window; return the category of every school."""
    dataset = load_dataset()
    window = dataset.window()
    by_code = {} if window is None else {s.school_id: s for s in dataset.result(window).schools}
    return {
        school_id: category_of(by_code.get(code))
        for school_id, code in db.session.execute(select(School.id, School.code))
    }


def _version() -> tuple:
    """Return what the mapping depends on: the newest import and a digest of the register."""
    newest = db.session.execute(
        select(IndicatorImport.id, IndicatorImport.imported_at)
        .order_by(IndicatorImport.id.desc())
        .limit(1)
    ).first()
    register = db.session.execute(
        select(func.count(School.id), func.max(School.id), func.count(School.excluded_reason))
    ).one()
    return (tuple(newest) if newest else None, tuple(register))


def school_categories() -> dict[int, str]:
    """Return the analytics category of every school by its id (cached until indicators change)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    version = _version()
    with _lock:
        cached = _cache.get(url)
        if cached is not None and cached[0] == version:
            return cached[1]
    started = time.perf_counter()
    mapping = _identify()
    log.info(
        "school categories identified for %d schools in %.0f ms",
        len(mapping),
        1000 * (time.perf_counter() - started),
    )
    with _lock:
        _cache[url] = (version, mapping)
    return mapping


def clear_cache() -> None:
    """Forget the cached categories (tests that rebuild a database under the same URL)."""
    with _lock:
        _cache.clear()
