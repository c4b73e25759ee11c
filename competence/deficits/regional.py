"""The municipal and the regional analytics pages: what each shows, built once for the page and
its XLSX.

Every level is counted over the whole region and suppressed there (docs/small-groups.md), then
narrowed to what the page shows: a filter by school category or a sort only chooses and orders
rows, it never changes which cells are hidden. The counting is in `regional_counts`, the tables
and sheets in `regional_tables`.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _

from competence.analytics.figures import shown_share
from competence.deficits import regional_counts as counts
from competence.deficits.categories import OTHER, school_categories
from competence.deficits.charts import BarGroup, share_bars
from competence.deficits.export import Sheet
from competence.deficits.regional_tables import (
    GrowthRow,
    Table,
    category_table,
    competence_titles,
    deficit_rows,
    growth_rows,
    growth_sheet,
    part_table,
    region_row,
    sorted_by,
    subject_table,
    table_sheet,
)
from competence.deficits.results import Cell, InstrumentRef, region_cells
from competence.schools.models import Municipality


@dataclass
class Page:
    """One analytics page: its instrument, its tables in order, growth and the chart."""

    instrument: InstrumentRef
    tables: list[Table]
    chart: str
    min_group: int
    growth: list[GrowthRow] = field(default_factory=list)

    def table(self, key: str) -> Table:
        """Return a table by its key."""
        return next(table for table in self.tables if table.key == key)

    def sheets(self) -> list[Sheet]:
        """Return one XLSX sheet per table, in the page's order."""
        out = [table_sheet(table, self.min_group) for table in self.tables]
        if self.growth:
            out.append(growth_sheet(self.growth, self.min_group))
        return out


def _chart(instrument: InstrumentRef, series: list[tuple[str, tuple[Cell | None, ...]]]) -> str:
    """Draw the shares of a few total rows per competence, as the deficits table shows them."""
    groups = [
        BarGroup(
            title,
            [
                None if cell is None or cell.suppressed else shown_share(cell.with_deficit, cell.n)
                for cell in (cells[j] for _name, cells in series)
            ],
        )
        for j, title in enumerate(competence_titles(instrument))
    ]
    title = _("Share of teachers with a deficit: %(title)s", title=instrument.title)
    return share_bars(groups, [name for name, _cells in series], title, "deficits")


def _explanation() -> str:
    return _(
        "Each teacher counts with the latest result of the diagnostic; n is the number of "
        "teachers with a result."
    )


def municipality_page(
    municipality: Municipality,
    instrument: InstrumentRef,
    instruments: list[InstrumentRef],
    min_group: int,
    *,
    category: str | None = None,
    sort: str | None = None,
) -> Page:
    """Build a municipality's page: its schools side by side, participation, tracks."""
    cells = region_cells(instrument, min_group)
    all_schools = counts.schools()
    categories = school_categories()
    units = []
    for school_id, name, place in all_schools:
        school_category = categories.get(school_id, OTHER)
        if place == municipality.id and category in (None, school_category):
            units.append((school_id, name, school_category))
    rows = deficit_rows(instrument, cells.school, units)
    if sort is not None:
        rows = sorted_by(rows, instrument.competence_ids.index(sort))
    own = (municipality.id, municipality.name, None)
    own_row = deficit_rows(instrument, cells.municipality, [own], total=True)[0]
    region = region_row(instrument, cells)
    deficits = Table(
        "deficits",
        _("Share of teachers with a deficit, by school"),
        _("School"),
        competence_titles(instrument),
        rows,
        (own_row, region),
        with_categories=True,
        explanation=_explanation(),
    )
    totals = (("municipality", own), ("region", (None, _("Region"), None)))
    staff = counts.staff_tree(all_schools, instruments, min_group)
    tracks = counts.track_tree(all_schools, instrument, min_group)
    return Page(
        instrument,
        [
            deficits,
            part_table("participation", staff, "school", units, totals, instruments, _("School")),
            part_table("tracks", tracks, "school", units, totals, [instrument], _("School")),
        ],
        _chart(instrument, [(municipality.name, own_row.cells), (_("Region"), region.cells)]),
        min_group,
    )


def region_page(instrument: InstrumentRef, instruments: list[InstrumentRef], min_group: int):
    """Build the region's page: municipalities, cross-tables, participation, tracks, growth."""
    cells = region_cells(instrument, min_group)
    all_schools = counts.schools()
    units = [(place, name, None) for place, name in counts.municipalities()]
    region = region_row(instrument, cells)
    deficits = Table(
        "deficits",
        _("Share of teachers with a deficit, by municipality"),
        _("Municipality"),
        competence_titles(instrument),
        deficit_rows(instrument, cells.municipality, units),
        (region,),
        explanation=_explanation(),
    )
    totals = (("region", (None, _("Region"), None)),)
    staff = counts.staff_tree(all_schools, instruments, min_group)
    tracks = counts.track_tree(all_schools, instrument, min_group)
    subjects = counts.subject_counts(instrument.document_id)
    return Page(
        instrument,
        [
            deficits,
            category_table(instrument, cells, school_categories(), min_group),
            subject_table(instrument, subjects, cells, min_group),
            part_table(
                "participation",
                staff,
                "municipality",
                units,
                totals,
                instruments,
                _("Municipality"),
            ),
            part_table(
                "tracks", tracks, "municipality", units, totals, [instrument], _("Municipality")
            ),
        ],
        _chart(instrument, [(_("Region"), region.cells)]),
        min_group,
        growth_rows(instrument, counts.growth_summary(instrument), min_group),
    )
