"""Training demand: which catalogue modules the staff still have to study, and how many groups.

A teacher needs a module while it is in one of their current tracks (not completed) and is
neither done nor declined; they count once per module, as mandatory when the module is mandatory
in any of their current tracks. The database groups these needs by (school, module), or by
(municipality, module) for the region's page, never a loop over teachers. Small groups are
hidden (docs/small-groups.md) over the whole region before a scope is cut out of it, with
n = the school's teachers holding a current track for every module, so a unit is hidden as a
whole and nothing is recovered by subtraction. Only the director of a school reads its own
figures unhidden. docs/training-demand.md describes the page."""

from dataclasses import dataclass, field

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import case, distinct, func, select

from competence.accounts.access import sees_staff_results
from competence.accounts.models import User
from competence.analytics.demand import plan_demand
from competence.analytics.suppression import suppress_counts
from competence.deficits.demand_scope import Scope, scope_title
from competence.deficits.export import HIDDEN, Sheet
from competence.deficits.results import _staff as counted_staff
from competence.extensions import db
from competence.schools.models import Municipality, School
from competence.tracks.forms import FORMAT_LABELS, KIND_LABELS
from competence.tracks.models import (
    CatalogModule,
    DevelopmentTrack,
    ModuleStatus,
    TrackModule,
    TrackStatus,
)

# The "competence" of the small-group rule: the teachers holding a current track.
HOLDERS = "holders"


def _needs(query):
    """Narrow a query over track modules to what the staff still have to study."""
    return (
        query.join(DevelopmentTrack, DevelopmentTrack.id == TrackModule.track_id)
        .join(User, User.id == DevelopmentTrack.user_id)
        .join(School, School.id == User.school_id)
        .where(
            DevelopmentTrack.status != TrackStatus.COMPLETED,
            TrackModule.status.not_in((ModuleStatus.DONE, ModuleStatus.DECLINED)),
            counted_staff(),
        )
    )


def demand_counts(
    by_municipality: bool = False,
    municipality_id: int | None = None,
    school_id: int | None = None,
) -> list[tuple[int, int, int, int]]:
    """Return (school id, or municipality id, module id, teachers, of them mandatory) of the
    modules the staff still have to study, grouped by the database.

    A teacher counts once per module; as mandatory when any of their open entries of it is.
    """
    unit = School.municipality_id if by_municipality else User.school_id
    query = _needs(
        select(
            unit,
            TrackModule.module_id,
            func.count(distinct(DevelopmentTrack.user_id)),
            func.count(distinct(case((TrackModule.mandatory, DevelopmentTrack.user_id)))),
        ).select_from(TrackModule)
    ).group_by(unit, TrackModule.module_id)
    if municipality_id is not None:
        query = query.where(School.municipality_id == municipality_id)
    if school_id is not None:
        query = query.where(User.school_id == school_id)
    return [tuple(row) for row in db.session.execute(query)]


def demanded_modules() -> list[int]:
    """Return the modules somebody in the region still has to study."""
    query = _needs(select(TrackModule.module_id).select_from(TrackModule)).distinct()
    return list(db.session.scalars(query))


def track_holders(school_id: int | None = None) -> list[tuple[int, int, int]]:
    """Return (municipality id, school id, teachers with a current track) per school."""
    holders = select(DevelopmentTrack.user_id).where(
        DevelopmentTrack.status != TrackStatus.COMPLETED
    )
    query = (
        select(School.municipality_id, User.school_id, func.count())
        .join(School, School.id == User.school_id)
        .where(counted_staff(), User.id.in_(holders))
        .group_by(School.municipality_id, User.school_id)
    )
    if school_id is not None:
        query = query.where(User.school_id == school_id)
    return [tuple(row) for row in db.session.execute(query)]


class Hiding:
    """Which units are hidden, from the teachers holding a current track in each school.

    Every module's cell of a school has the same n (its holders), and the rule decides from n
    alone, so every module of a unit is hidden alike: the rule runs once, on the holders
    (tests/analytics/test_demand.py checks this against the rule run module by module).
    """

    def __init__(self, min_group: int) -> None:
        rows = track_holders()
        municipality = np.array([row[0] for row in rows], dtype=np.int64)
        school = np.array([row[1] for row in rows], dtype=np.int64)
        n = np.array([row[2] for row in rows], dtype=np.int64)
        self.levels: dict[str, dict[int, tuple[int, bool]]] = {
            "region": {},
            "municipality": {},
            "school": {},
        }
        if not rows:  # nobody holds a current track: no cells at all
            return
        cells = suppress_counts(
            municipality.astype(str),
            school.astype(str),
            np.full(len(rows), HOLDERS),
            n,
            np.zeros(len(rows), dtype=np.int64),
            min_group,
        )
        self.levels = {
            "region": {0: (int(n.sum()), bool(cells.region.suppressed.any()))},
            "municipality": _units(cells.municipalities, cells.municipalities.municipality),
            "school": _units(cells.schools, cells.schools.school),
        }

    def unit(self, level: str, unit_id: int = 0) -> tuple[int, bool]:
        """Return (holders, hidden) of a unit; (0, False) when nobody there holds a track."""
        return self.levels[level].get(unit_id, (0, False))


def _units(level, ids) -> dict[int, tuple[int, bool]]:
    """Return (holders, hidden) by unit id of one level of the holders' cells."""
    return {
        int(unit): (int(n), bool(hidden))
        for unit, n, hidden in zip(
            ids, level.n[:, 0].tolist(), level.suppressed[:, 0].tolist(), strict=True
        )
    }


@dataclass(frozen=True)
class DemandRow:
    """One module's line: the module and its figures (ints, or HIDDEN)."""

    module: CatalogModule
    mandatory: object
    optional: object
    total: object
    groups: object
    mandatory_groups: object
    hours: object


@dataclass
class DemandReport:
    """What the page and its XLSX show for one scope."""

    scope: Scope
    group_size: int
    min_group: int
    holders: object  # teachers with a current track, or HIDDEN
    rows: list[DemandRow]
    totals: dict[str, int] | None
    # Per module key, the teachers needing it in each unit one level down (region: its
    # municipalities, a municipality: its schools), for the XLSX: [(unit name, {key: value})].
    breakdown: list[tuple[str, dict[str, object]]] = field(default_factory=list)


def _rows(counts, hidden: bool, group_size: int) -> tuple[list[DemandRow], dict | None]:
    """Return the rows of a unit from {module id: (teachers, mandatory)} and the totals."""
    modules = {
        m.id: m
        for m in db.session.scalars(select(CatalogModule).where(CatalogModule.id.in_(counts)))
    }
    module_ids = sorted(counts, key=lambda m: (modules[m].title, modules[m].key))
    plan = plan_demand(
        [counts[m][0] for m in module_ids],
        [counts[m][1] for m in module_ids],
        [modules[m].hours for m in module_ids],
        [hidden] * len(module_ids),
        group_size,
    )
    names = ("mandatory", "optional", "total", "groups", "mandatory_groups", "hours")
    rows = []
    for shown, index in enumerate(plan.order.tolist()):
        values = {name: HIDDEN if hidden else int(getattr(plan, name)[shown]) for name in names}
        rows.append(DemandRow(modules[module_ids[index]], **values))
    return rows, plan.totals


def _sum_by_module(counts) -> dict[int, tuple[int, int]]:
    """Sum (unit, module, teachers, mandatory) rows into {module: (teachers, mandatory)}."""
    found: dict[int, tuple[int, int]] = {}
    for _unit, module, teachers, mandatory in counts:
        before = found.get(module, (0, 0))
        found[module] = (before[0] + teachers, before[1] + mandatory)
    return found


def demand_report(user, scope: Scope, group_size: int, min_group: int) -> DemandReport:
    """Count the demand of a scope as the user may see it."""
    if scope.school is not None and sees_staff_results(user, scope.school.id):
        own = track_holders(scope.school.id)
        holders, hidden, hiding = (own[0][2] if own else 0), False, None
    else:
        hiding = Hiding(min_group)
        holders, hidden = hiding.unit(scope.level, scope.unit_id)
    if not holders:
        return DemandReport(scope, group_size, min_group, 0, [], None)
    if scope.school is not None:
        counts = demand_counts(school_id=scope.school.id)
    elif scope.municipality is not None:
        counts = demand_counts(municipality_id=scope.municipality.id)
    else:
        counts = demand_counts(by_municipality=True)
    by_module = _sum_by_module(counts)
    if hidden:
        # Which modules a hidden unit needs is not told either: every module of the region.
        by_module = dict.fromkeys(demanded_modules(), (0, 0))
    rows, totals = _rows(by_module, hidden, group_size)
    report = DemandReport(scope, group_size, min_group, HIDDEN if hidden else holders, rows, totals)
    if hiding is not None and scope.school is None:
        report.breakdown = _breakdown(hiding, scope, counts, rows)
    return report


def _breakdown(hiding: Hiding, scope: Scope, counts, rows) -> list[tuple[str, dict[str, object]]]:
    """Return the teachers needing each module of the rows in each unit one level below."""
    if scope.municipality is None:
        level, units = "municipality", select(Municipality).order_by(Municipality.name)
    else:
        level = "school"
        units = (
            select(School)
            .where(School.municipality_id == scope.municipality.id)
            .order_by(School.name)
        )
    teachers = {(unit, module): n for unit, module, n, _mandatory in counts}
    found = []
    for unit in db.session.scalars(units):
        holders, hidden = hiding.unit(level, unit.id)
        if holders:
            values = {
                row.module.key: HIDDEN if hidden else teachers.get((unit.id, row.module.id), 0)
                for row in rows
            }
            found.append((unit.name, values))
    return found


def demand_sheets(report: DemandReport) -> list[Sheet]:
    """Return the page's table (and the units' breakdown) as XLSX sheets."""
    header = [
        _("Module"),
        _("Key"),
        _("Kind"),
        _("Format"),
        _("Hours"),
        _("Mandatory, teachers"),
        _("Optional only, teachers"),
        _("Teachers in total"),
        _("Groups"),
        _("Groups for the mandatory"),
        _("Academic hours in total"),
    ]
    rows = [
        [
            row.module.title,
            row.module.key,
            str(KIND_LABELS.get(row.module.kind, row.module.kind)),
            str(FORMAT_LABELS.get(row.module.format, row.module.format)),
            row.module.hours,
            row.mandatory,
            row.optional,
            row.total,
            row.groups,
            row.mandatory_groups,
            row.hours,
        ]
        for row in report.rows
    ]
    if report.totals is not None and rows:
        totals = report.totals
        rows.append(
            [_("Total"), None, None, None, None]
            + [totals[name] for name in ("mandatory", "optional", "total")]
            + [totals[name] for name in ("groups", "mandatory_groups", "hours")]
        )
    notes = [
        _("Scope: %(scope)s.", scope=scope_title(report.scope)),
        _("Group size (teachers): %(size)s.", size=report.group_size),
        _(
            "A teacher counts once per module they still have to study in a current track "
            "(not done, not declined); as mandatory if it is mandatory in any of their tracks."
        ),
    ]
    if report.holders is not HIDDEN:
        notes.insert(1, _("Teachers with a current track: %(n)s.", n=report.holders))
    sheets = [Sheet(_("Training demand"), header, rows, notes)]
    if report.breakdown:
        units = [name for name, _values in report.breakdown]
        title = _("By school") if report.scope.municipality is not None else _("By municipality")
        sheets.append(
            Sheet(
                title,
                [_("Module"), _("Key"), *units],
                [
                    [row.module.title, row.module.key]
                    + [values.get(row.module.key, 0) for _name, values in report.breakdown]
                    for row in report.rows
                ],
                [_("Teachers who still have to study the module, in each unit.")],
            )
        )
    return sheets
