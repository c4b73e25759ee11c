"""Training demand: which catalogue modules the staff still have to study, and how many groups.

A teacher needs a module while it is in one of their current tracks (not completed) and is
neither done nor declined; they count once per module, as mandatory when the module is mandatory
in any of their current tracks. The database groups these needs by (school, module); numpy hides
small groups (docs/small-groups.md) over the whole region before a scope is cut out of it, with
n = the school's teachers holding a current track, so the hidden cells are the same for every
module and nothing is recovered by subtraction. Only the director of a school reads its own
figures unhidden. docs/training-demand.md describes the page.
"""

from dataclasses import dataclass, field

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import Integer, cast, func, select

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

# The column of the teachers holding a current track, beside the modules' columns; catalogue
# keys are identifiers, so no module is called this.
HOLDERS = "*holders"


def _current_tracks():
    """Return the condition of a current track: not completed."""
    return DevelopmentTrack.status != TrackStatus.COMPLETED


def demand_counts(school_id: int | None = None) -> list[tuple[int, int, int, int, int]]:
    """Return (municipality id, school id, module id, teachers, of them mandatory) of the
    modules the staff still have to study, grouped by the database."""
    needs = (
        select(
            DevelopmentTrack.user_id,
            TrackModule.module_id,
            func.max(cast(TrackModule.mandatory, Integer)).label("mandatory"),
        )
        .join(TrackModule, TrackModule.track_id == DevelopmentTrack.id)
        .where(
            _current_tracks(),
            TrackModule.status.not_in((ModuleStatus.DONE, ModuleStatus.DECLINED)),
        )
        .group_by(DevelopmentTrack.user_id, TrackModule.module_id)
        .subquery()
    )
    query = (
        select(
            School.municipality_id,
            User.school_id,
            needs.c.module_id,
            func.count(),
            func.sum(needs.c.mandatory),
        )
        .select_from(needs)
        .join(User, User.id == needs.c.user_id)
        .join(School, School.id == User.school_id)
        .where(counted_staff())
        .group_by(School.municipality_id, User.school_id, needs.c.module_id)
    )
    if school_id is not None:
        query = query.where(User.school_id == school_id)
    return [tuple(row) for row in db.session.execute(query)]


def track_holders(school_id: int | None = None) -> list[tuple[int, int, int]]:
    """Return (municipality id, school id, teachers with a current track) per school."""
    holders = select(DevelopmentTrack.user_id).where(_current_tracks())
    query = (
        select(School.municipality_id, User.school_id, func.count())
        .join(School, School.id == User.school_id)
        .where(counted_staff(), User.id.in_(holders))
        .group_by(School.municipality_id, User.school_id)
    )
    if school_id is not None:
        query = query.where(User.school_id == school_id)
    return [tuple(row) for row in db.session.execute(query)]


@dataclass(frozen=True)
class Counts:
    """Teachers of one unit (region, municipality or school): holders and, per module id, how
    many need it and how many as mandatory; `hidden` when the unit's figures are withheld."""

    holders: int
    total: dict[int, int]
    mandatory: dict[int, int]
    hidden: bool


def _level_counts(level, mandatory_level, row: int, keys: tuple, modules: dict) -> Counts:
    """Read one unit's row of the suppressed cells."""
    column = {key: i for i, key in enumerate(keys)}
    total = {m: int(level.with_deficit[row, column[k]]) for k, m in modules.items()}
    mandatory = {m: int(mandatory_level.with_deficit[row, column[k]]) for k, m in modules.items()}
    hidden = bool(level.suppressed[row].any() | mandatory_level.suppressed[row].any())
    return Counts(int(level.n[row, column[HOLDERS]]), total, mandatory, hidden)


class RegionDemand:
    """Demand counted over the region and hidden where small, read unit by unit."""

    def __init__(self, min_group: int) -> None:
        holders = track_holders()
        counts = demand_counts()
        module_ids = sorted({row[2] for row in counts})
        keys = dict(
            db.session.execute(
                select(CatalogModule.id, CatalogModule.key).where(CatalogModule.id.in_(module_ids))
            ).all()
        )
        self.modules = {keys[m]: m for m in module_ids}  # key -> id
        columns = [HOLDERS, *self.modules]
        schools = np.array(sorted(row[1] for row in holders), dtype=np.int64)
        municipality_of = {row[1]: row[0] for row in holders}
        n = np.zeros(len(schools), dtype=np.int64)
        n[np.searchsorted(schools, [row[1] for row in holders])] = [row[2] for row in holders]
        total = np.zeros((len(schools), len(columns)), dtype=np.int64)
        mandatory = np.zeros_like(total)
        if counts:
            _, school, module, teachers, mandatory_teachers = (
                np.array(c) for c in zip(*counts, strict=True)
            )
            rows = np.searchsorted(schools, school)
            cols = 1 + np.searchsorted(np.array(module_ids), module)
            np.add.at(total, (rows, cols), teachers)
            np.add.at(mandatory, (rows, cols), mandatory_teachers.astype(np.int64))
        # Every school gets a cell for every column (zeros too), all with the school's holders
        # as n: a school absent from a module's cells would read as zero by subtraction.
        width = len(columns)
        flat = {
            "municipality": np.repeat([str(municipality_of[s]) for s in schools], width),
            "school": np.repeat(schools.astype(str), width),
            "competence": np.tile(np.array(columns, dtype=str), len(schools)),
            "n": np.repeat(n, width),
        }
        self.cells = suppress_counts(**flat, with_deficit=total.ravel(), min_group=min_group)
        self.mandatory_cells = suppress_counts(
            **flat, with_deficit=mandatory.ravel(), min_group=min_group
        )
        self.keys = self.cells.competences

    def _unit(self, level_name: str, names: np.ndarray, unit: str) -> Counts | None:
        level = getattr(self.cells, level_name)
        rows = np.nonzero(names == unit)[0]
        if not len(rows) or not level.n[rows[0]].any():
            return None
        mandatory_level = getattr(self.mandatory_cells, level_name)
        return _level_counts(level, mandatory_level, int(rows[0]), self.keys, self.modules)

    def region(self) -> Counts | None:
        """Return the region's counts (None: nobody holds a current track)."""
        return self._unit("region", self.cells.region.municipality, "")

    def municipality(self, municipality_id: int) -> Counts | None:
        """Return a municipality's counts."""
        names = self.cells.municipalities.municipality
        return self._unit("municipalities", names, str(municipality_id))

    def school(self, school_id: int) -> Counts | None:
        """Return a school's counts."""
        return self._unit("schools", self.cells.schools.school, str(school_id))


def own_school_counts(school_id: int) -> Counts | None:
    """Return a school's counts unhidden, for its director."""
    holders = track_holders(school_id)
    if not holders:
        return None
    counts = demand_counts(school_id)
    return Counts(
        holders[0][2],
        {row[2]: row[3] for row in counts},
        {row[2]: int(row[4]) for row in counts},
        hidden=False,
    )


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


def _rows(counts: Counts, group_size: int, all_modules: list[int]):
    """Return the rows of a unit's counts and the column totals."""
    module_ids = all_modules if counts.hidden else [m for m in all_modules if counts.total.get(m)]
    modules = {
        m.id: m
        for m in db.session.scalars(select(CatalogModule).where(CatalogModule.id.in_(module_ids)))
    }
    module_ids = sorted(module_ids, key=lambda m: (modules[m].title, modules[m].key))
    plan = plan_demand(
        [counts.total.get(m, 0) for m in module_ids],
        [counts.mandatory.get(m, 0) for m in module_ids],
        [modules[m].hours for m in module_ids],
        [counts.hidden] * len(module_ids),
        group_size,
    )
    names = ("mandatory", "optional", "total", "groups", "mandatory_groups", "hours")
    rows = []
    for shown, index in enumerate(plan.order.tolist()):
        values = {
            name: HIDDEN if plan.hidden[shown] else int(getattr(plan, name)[shown])
            for name in names
        }
        rows.append(DemandRow(modules[module_ids[index]], **values))
    return rows, plan.totals


def demand_report(user, scope: Scope, group_size: int, min_group: int) -> DemandReport:
    """Count the demand of a scope as the user may see it."""
    if scope.school is not None and sees_staff_results(user, scope.school.id):
        counts = own_school_counts(scope.school.id)
        region = None
        all_modules = sorted(counts.total) if counts else []
    else:
        region = RegionDemand(min_group)
        all_modules = list(region.modules.values())
        if scope.school is not None:
            counts = region.school(scope.school.id)
        elif scope.municipality is not None:
            counts = region.municipality(scope.municipality.id)
        else:
            counts = region.region()
    if counts is None:
        return DemandReport(scope, group_size, min_group, 0, [], None)
    rows, totals = _rows(counts, group_size, all_modules)
    report = DemandReport(
        scope, group_size, min_group, HIDDEN if counts.hidden else counts.holders, rows, totals
    )
    if region is not None and scope.school is None:
        report.breakdown = _breakdown(region, scope)
    return report


def _breakdown(region: RegionDemand, scope: Scope) -> list[tuple[str, dict[str, object]]]:
    """Return the teachers needing each module in the units one level below the scope."""
    if scope.municipality is None:
        units = db.session.scalars(select(Municipality).order_by(Municipality.name))
        read = region.municipality
    else:
        units = db.session.scalars(
            select(School)
            .where(School.municipality_id == scope.municipality.id)
            .order_by(School.name)
        )
        read = region.school
    found = []
    for unit in units:
        counts = read(unit.id)
        if counts is not None:
            values = {
                key: HIDDEN if counts.hidden else counts.total[module]
                for key, module in region.modules.items()
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
