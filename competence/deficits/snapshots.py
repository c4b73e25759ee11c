"""Built analytics pages, kept per process while the data behind them is the same.

The regional page groups every teacher's newest result three ways and judges every teacher's
growth; on a region of 15,000 teachers that takes about a second on SQLite. Its figures change
only when a result is submitted, someone joins, leaves or moves, a track moves on, subjects or
the register change. A built page is therefore kept with a stamp of those tables (a handful of
cheap aggregates) and served again while the stamp is the same. Within
`ANALYTICS_CACHE_SECONDS` of building it, it is served without even reading the stamp: during a
campaign morning results arrive every second, and a regional figure a minute old is as good as
a fresh one. The page says when its figures were counted. Tests set the setting to 0, so every
page is exact.
"""

import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g
from flask_babel import get_locale
from sqlalchemy import func, select

from competence.accounts.models import User, UserSubject
from competence.database import utcnow
from competence.diagnostics.models import Attempt, AttemptStatus
from competence.extensions import db
from competence.instruments.models import ContentVersion, VersionStatus
from competence.schools.models import IndicatorImport, School
from competence.tracks.models import DevelopmentTrack

_KEPT_AT_MOST = 64
# A kept value is built again after this long whatever its stamp says: stamps are sums and
# counts, and a change that keeps them equal (a teacher renamed to a name of the same length)
# must still show up some time.
LIFETIME_SECONDS = 15 * 60


@dataclass
class Snapshot:
    """A built value, the stamp of its data, and when it was built."""

    page: object
    stamp: tuple
    built_at: datetime
    born: float  # time.monotonic() of the build
    checked: float  # time.monotonic() of the last build or stamp check


def data_stamp() -> tuple:
    """Return aggregates that change whenever any figure of the analytics pages may change."""
    staff = (User.active.is_(True)) & (User.school_id.is_not(None))
    queries = (
        select(func.count(), func.max(Attempt.id)).where(Attempt.status == AttemptStatus.SUBMITTED),
        select(func.count(), func.sum(User.id * User.school_id), func.sum(User.school_id)).where(
            staff
        ),
        select(
            func.count(),
            func.sum(School.id * School.municipality_id),
            func.sum(func.length(func.coalesce(School.excluded_reason, ""))),
        ),
        select(
            func.count(),
            func.sum(UserSubject.user_id * func.length(UserSubject.subject)),
            func.sum(func.length(UserSubject.subject)),
        ),
        select(
            func.count(),
            func.max(DevelopmentTrack.id),
            func.sum(DevelopmentTrack.id * func.length(DevelopmentTrack.status)),
        ),
        select(func.count(), func.max(IndicatorImport.id)),
        # A newly published version renames competences or brings new ones.
        select(func.count(), func.max(ContentVersion.id)).where(
            ContentVersion.status == VersionStatus.PUBLISHED
        ),
    )
    return tuple(value for query in queries for value in db.session.execute(query).one())


def app_cache(name: str) -> dict:
    """Return a cache dict kept on the current app (one per process, never shared by two apps:
    tests build an app per test, each with its own database)."""
    return current_app.extensions.setdefault(f"deficits.{name}", {})


def kept(cache: str, key: tuple, stamp, build) -> Snapshot:
    """Return the snapshot of `build()` kept under `key`, built again only when `stamp()` changed.

    Within `ANALYTICS_CACHE_SECONDS` of the last look the stamp is not even read; a value older
    than `LIFETIME_SECONDS` is built again. Values are kept on the app, so two apps never share one.
    """
    entries = app_cache(cache)
    max_age = current_app.config["ANALYTICS_CACHE_SECONDS"]
    now = time.monotonic()
    entry = entries.get(key)
    expired = entry is not None and now - entry.born >= LIFETIME_SECONDS
    if entry is None or expired or now - entry.checked >= max_age:
        current = stamp()
        if entry is None or expired or entry.stamp != current:
            if key not in entries and len(entries) >= _KEPT_AT_MOST:
                entries.pop(next(iter(entries)))
            entry = Snapshot(build(), current, utcnow(), now, now)
            entries[key] = entry
        entry.checked = now
    return entry


def kept_page(kind: str, key: tuple, build):
    """Return the page `build()` makes, built again only when its data changed.

    `key` names the page (instrument, municipality, filters); the language and the minimum
    group are added here.
    """
    full_key = (
        kind,
        str(get_locale()),
        current_app.config["ANALYTICS_MIN_GROUP"],
        *key,
    )
    entry = kept("pages", full_key, data_stamp, build)
    # The page's template says when its figures were counted.
    g.analytics_counted_at = entry.built_at
    return entry.page, entry.built_at
