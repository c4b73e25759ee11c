"""The tables of the municipal and the regional pages, and their XLSX sheets.

A table holds `Cell`s (n, the part counted, hidden or not); the page renders them and
`table_sheet` writes them, both through `analytics.figures.shown_share`, so the file has the
page's digits. Cross-tables (school category, subject) are suppressed with `suppress_table` over
the region; growth rows over fewer than `min_group` teachers are hidden whole.
"""

from dataclasses import dataclass

import numpy as np
from flask_babel import gettext as _

from competence.accounts.reference import SUBJECTS
from competence.analytics.figures import shown_share
from competence.analytics.growth import GrowthSummary
from competence.analytics.suppression import suppress_table
from competence.deficits.categories import CATEGORIES, CATEGORY_LABELS, OTHER
from competence.deficits.export import HIDDEN, Sheet
from competence.deficits.regional_counts import UNIT, PartTree
from competence.deficits.results import Cell, InstrumentRef, RegionCells


@dataclass(frozen=True)
class Row:
    """A row of a table: a unit (or a total) and its cells in the order of the columns."""

    label: str
    cells: tuple[Cell | None, ...]
    unit_id: int | None = None
    category: str | None = None
    total: bool = False

    @property
    def size_cell(self) -> Cell | None:
        """Return a cell carrying the unit's n in a table of parts (the same in every cell)."""
        return next((c for c in self.cells if c is not None), None)

    @property
    def size(self):
        """Return the unit's n in a table of parts (staff, tracks): a number, HIDDEN or None."""
        cell = self.size_cell
        if cell is None:
            return None
        return HIDDEN if cell.suppressed else cell.n


@dataclass(frozen=True)
class Table:
    """A table of shares: a row per unit, a column per competence (or instrument)."""

    key: str  # the HTML id; a chart names it in aria-describedby
    title: str
    unit_title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    totals: tuple[Row, ...] = ()
    # A table of parts (who took a diagnostic of the staff, done tracks of all) shows the unit's
    # n in a column of its own, titled size_title, and counts the part in each cell.
    size_title: str | None = None
    part_title: str | None = None
    with_categories: bool = False
    explanation: str = ""


@dataclass(frozen=True)
class GrowthRow:
    """Growth in one competence: teachers with two or more results and how they moved."""

    title: str
    n: int | None  # None when hidden
    growth: int | None = None
    within_error: int | None = None
    decline: int | None = None
    had_deficit: int | None = None
    closed: int | None = None

    @property
    def hidden(self) -> bool:
        """Tell whether the row is withheld (too few teachers)."""
        return self.n is None


def hidden_note(min_group: int) -> str:
    """Return the note under every table: what «not enough data» means."""
    return _(
        "«Not enough data»: fewer than %(n)s teachers in the group, or a group hidden beside a "
        "small one so that it cannot be found by subtraction.",
        n=min_group,
    )


def competence_titles(instrument: InstrumentRef) -> tuple[str, ...]:
    """Return the titles of an instrument's competences, the columns of its tables."""
    return tuple(title for _key, title in instrument.competences)


def deficit_rows(instrument: InstrumentRef, lookup, units, *, total=False) -> tuple[Row, ...]:
    """Return a row of deficit cells per unit (id, label, category); lookup(id, competence)."""
    return tuple(
        Row(label, tuple(lookup(unit, c) for c in instrument.competence_ids), unit, category, total)
        for unit, label, category in units
    )


def region_row(instrument: InstrumentRef, cells: RegionCells) -> Row:
    """Return the region's row of deficit cells."""
    return Row(_("Region"), tuple(cells.region(c) for c in instrument.competence_ids), total=True)


def sorted_by(rows: tuple[Row, ...], column: int) -> tuple[Row, ...]:
    """Order rows by the share with a deficit in a column, highest first; hidden and empty cells
    come last by name, so that the order tells nothing about a hidden figure."""

    def key(row: Row):
        cell = row.cells[column]
        if cell is None or cell.suppressed:
            return (1, 0.0, row.label)
        return (0, -cell.with_deficit / cell.n, row.label)

    return tuple(sorted(rows, key=key))


def part_table(kind: str, tree: PartTree, level: str, units, totals, columns, unit_title):
    """Return the participation (columns: instruments) or the track table (one column)."""

    def rows(level, units, total=False):
        keys = [ref.document_id for ref in columns] if kind == "participation" else [UNIT]
        return tuple(
            Row(label, tuple(tree.cell(level, unit, k) for k in keys), unit, category, total)
            for unit, label, category in units
        )

    around = tuple(row for lvl, unit in totals for row in rows(lvl, [unit], True))
    if kind == "participation":
        return Table(
            "participation",
            _("Participation: share of the staff who took each diagnostic"),
            unit_title,
            tuple(ref.title for ref in columns),
            rows(level, units),
            around,
            size_title=_("Staff"),
            part_title=_("took"),
            explanation=_(
                "Staff: active accounts of the unit's schools; took: of them, with a submitted "
                "attempt of the diagnostic."
            ),
        )
    return Table(
        "tracks",
        _("Development tracks: completed or awaiting the retake"),
        unit_title,
        (_("Completed or awaiting the retake"),),
        rows(level, units),
        around,
        size_title=_("Tracks"),
        part_title=_("number of tracks"),
        explanation=_(
            "Tracks built from results of «%(title)s», held by the unit's staff now.",
            title=columns[0].title,
        ),
    )


def _matrix_rows(labels, keys, n, with_deficit, hidden, instrument, competences):
    """Return a Row per label from count matrices whose columns are `competences`."""
    column = {c: j for j, c in enumerate(competences)}
    rows = []
    for i, (label, key) in enumerate(zip(labels, keys, strict=True)):
        cells = []
        for competence in instrument.competence_ids:
            j = column.get(competence)
            if j is None or not (n[i, j] or hidden[i, j]):
                cells.append(None)
            else:
                cells.append(Cell(int(n[i, j]), int(with_deficit[i, j]), bool(hidden[i, j])))
        rows.append(Row(label, tuple(cells), category=key))
    return tuple(rows)


def category_table(instrument, cells: RegionCells, categories: dict[int, str], min_group):
    """Return competence x school category over the region, each school in one category.

    A category is a sum of schools, and the municipal pages name each school's category, so a
    category counted over every school could be played against the municipal tables to give a
    hidden school back (category minus its published schools, or two groupings whose hidden
    schools differ by one). A category therefore counts only the schools whose figure is
    published for the competence: it is then a sum of published cells and tells nothing they do
    not. A category of fewer than `min_group` such teachers is hidden as small.
    """
    schools, competences = cells.cells.schools, cells.cells.competences
    index = np.array(
        [CATEGORIES.index(categories.get(int(s), OTHER)) for s in schools.school], dtype=np.int64
    )
    published = ~schools.suppressed
    everyone = np.zeros((len(CATEGORIES), len(competences)), dtype=np.int64)
    n = np.zeros_like(everyone)
    with_deficit = np.zeros_like(everyone)
    np.add.at(everyone, index, schools.n)
    np.add.at(n, index, np.where(published, schools.n, 0))
    np.add.at(with_deficit, index, np.where(published, schools.with_deficit, 0))
    # A category with teachers but too few in published schools reads «недостаточно данных».
    hidden = (everyone > 0) & (n < min_group)
    labels = [str(CATEGORY_LABELS[key]) for key in CATEGORIES]
    return Table(
        "categories",
        _("Deficits by school category"),
        _("School category"),
        competence_titles(instrument),
        _matrix_rows(labels, CATEGORIES, n, with_deficit, hidden, instrument, competences),
        (region_row(instrument, cells),),
        explanation=_(
            "Categories by the identification over the latest three years; a school in several "
            "lists counts in the first of: low results, risk group, resilient, unfavourable "
            "conditions. Only schools whose figures are shown count in a category, so that a "
            "category never gives a hidden school back."
        ),
    )


def subject_table(instrument, counts, cells: RegionCells, min_group):
    """Return competence x subject over the region from (subject, competence, n, deficits)."""
    wanted = instrument.competences_set
    counts = [row for row in counts if row[1] in wanted]
    present = {subject for subject, *_counts in counts}
    order = [s for s in SUBJECTS if s in present]
    order += sorted(s for s in present if s is not None and s not in SUBJECTS)
    order += [None] if None in present else []
    competences = instrument.competence_ids
    n = np.zeros((len(order), len(competences)), dtype=np.int64)
    with_deficit = np.zeros_like(n)
    row_of = {s: i for i, s in enumerate(order)}
    column_of = {c: j for j, c in enumerate(competences)}
    for subject, competence, count, deficits in counts:  # subjects x competences, grouped
        n[row_of[subject], column_of[competence]] = count
        with_deficit[row_of[subject], column_of[competence]] = deficits
    hidden, _total = suppress_table(n, min_group)
    labels = [str(SUBJECTS[s]) if s in SUBJECTS else (s or _("Subject not stated")) for s in order]
    return Table(
        "subjects",
        _("Deficits by subject"),
        _("Subject taught"),
        competence_titles(instrument),
        _matrix_rows(labels, order, n, with_deficit, hidden, instrument, competences),
        (region_row(instrument, cells),),
        explanation=_(
            "Subjects stated in the profile; a teacher of several subjects counts in each, so "
            "the rows do not add up to the region."
        ),
    )


def growth_rows(instrument: InstrumentRef, summary: GrowthSummary, min_group: int):
    """Return a growth row per competence; fewer than min_group teachers hide the row."""
    rows = []
    for j, title in enumerate(competence_titles(instrument)):
        n = int(summary.n[j])
        if n == 0 or n >= min_group:
            counts = (
                summary.growth,
                summary.within_error,
                summary.decline,
                summary.had_deficit,
                summary.closed,
            )
            rows.append(GrowthRow(title, n, *(int(c[j]) for c in counts)))
        else:
            rows.append(GrowthRow(title, None))
    return rows


def growth_note() -> str:
    """Return what the growth table counts."""
    return _(
        "Teachers with two or more results of the diagnostic. The change from the first result "
        "to the latest counts as growth or decline only beyond the error of the two "
        "measurements (95 %); a smaller change is within the error."
    )


# -- XLSX ---------------------------------------------------------------------------------------


def _share(cell: Cell | None):
    if cell is None:
        return None
    return HIDDEN if cell.suppressed else shown_share(cell.with_deficit, cell.n)


def _count(cell: Cell | None, name: str):
    if cell is None:
        return None
    return HIDDEN if cell.suppressed else getattr(cell, name)


def table_sheet(table: Table, min_group: int) -> Sheet:
    """Write a table as the page shows it: per column its share (%) and count."""
    header = [table.unit_title]
    if table.with_categories:
        header.append(_("Category"))
    if table.size_title:
        header.append(table.size_title)
    for title in table.columns:
        if table.part_title:
            header += [f"{title}: {table.part_title}", f"{title}, %"]
        else:
            header += [f"{title}, %", f"{title}, n"]
    rows = []
    for row in (*table.rows, *table.totals):
        values: list = [row.label]
        if table.with_categories:
            values.append(str(CATEGORY_LABELS[row.category]) if row.category else None)
        if table.size_title:
            values.append(row.size)
        for cell in row.cells:
            if table.part_title:
                values += [_count(cell, "with_deficit"), _share(cell)]
            else:
                values += [_share(cell), _count(cell, "n")]
        rows.append(values)
    # The workbook adds the rule of the grey cells under a sheet with any.
    return Sheet(table.title, header, rows, [table.explanation] if table.explanation else [])


def growth_sheet(rows: list[GrowthRow], min_group: int) -> Sheet:
    """Write the growth table: counts of teachers and their shares of n, as on the page."""
    header = [_("Competence"), _("Teachers with two or more results")]
    for title in (
        _("Growth beyond the error"),
        _("Within the error"),
        _("Decline beyond the error"),
    ):
        header += [title, f"{title}, %"]
    header += [_("Deficit at the first result"), _("Deficit closed")]
    out = []
    for row in rows:
        if row.hidden:
            out.append([row.title, *([HIDDEN] * 9)])
        elif not row.n:
            out.append([row.title, 0, *([None] * 8)])
        else:
            values = [row.title, row.n]
            for count in (row.growth, row.within_error, row.decline):
                values += [count, shown_share(count, row.n)]
            out.append([*values, row.had_deficit, row.closed])
    return Sheet(
        _("Growth from the first to the latest result"),
        header,
        out,
        [growth_note()],
    )
