"""The director's page as a workbook: the same objects the page renders, figures as numbers."""

from flask_babel import gettext as _

from competence.accounts.reference import POSITIONS
from competence.analytics.campaigns import school_year_label
from competence.analytics.figures import shown_share
from competence.deficits.export import HIDDEN, Sheet
from competence.deficits.results import Cell
from competence.deficits.school import HeatRow, SchoolAnalytics


def _share(cell: Cell | None):
    """Return a share as the page prints it (whole per cent), HIDDEN or None."""
    if cell is None:
        return None
    if cell.suppressed:
        return HIDDEN
    return shown_share(cell.with_deficit, cell.n)


def _n(cell: Cell | None):
    if cell is None:
        return None
    return HIDDEN if cell.suppressed else cell.n


def sheets(page: SchoolAnalytics, rows: list[HeatRow]) -> list[Sheet]:
    """Return the page's tables: heat map, shares beside the municipality and the region,
    trend by school year, progress and growth, diagnostics not taken."""
    competences = page.instrument.competences
    heat = Sheet(
        _("Heat map"),
        [_("Teacher"), _("Position")]
        + [f"{title}: {_('score, %')}" for _key, title in competences]
        + [f"{title}: {_('± points')}" for _key, title in competences]
        + [f"{title}: {_('deficit')}" for _key, title in competences],
    )
    for row in rows:
        cells = [row.cells.get(key) for key, _title in competences]
        heat.rows.append(
            [row.user.full_name, str(POSITIONS.get(row.user.position, row.user.position))]
            + [cell.score if cell else None for cell in cells]
            + [cell.sem if cell else None for cell in cells]
            + [(_("yes") if cell.deficit else _("no")) if cell else None for cell in cells]
        )
    heat.notes.append(
        _("Latest result of each teacher; ± is the standard error of measurement in points.")
    )
    shares = Sheet(
        _("Deficit shares"),
        [
            _("Competence"),
            _("School: teachers"),
            _("School: with a deficit"),
            _("School: share, %"),
            _("Municipality: teachers"),
            _("Municipality: share, %"),
            _("Region: teachers"),
            _("Region: share, %"),
        ],
    )
    for share in page.shares:
        shares.rows.append(
            [
                share.title,
                _n(share.school),
                share.school.with_deficit if share.school else None,
                _share(share.school),
                _n(share.municipality),
                _share(share.municipality),
                _n(share.region),
                _share(share.region),
            ]
        )
    trend = Sheet(
        _("Trend by school year"),
        [_("Competence")]
        + [
            f"{school_year_label(year)}: {label}"
            for year in page.years
            for label in (_("teachers"), _("share, %"))
        ],
    )
    for share in page.shares:
        values = [share.title]
        for year in page.years:
            cell = share.trend.get(year)
            values += [_n(cell), _share(cell)]
        trend.rows.append(values)
    growth = Sheet(
        _("Progress and growth"),
        [
            _("Teacher"),
            _("Results"),
            _("Track modules done"),
            _("Track modules"),
            _("Competences compared"),
            _("Growth beyond the error"),
            _("Decline beyond the error"),
            _("Deficits closed"),
        ],
    )
    for item in page.progress:
        growth.rows.append(
            [
                item.user.full_name,
                item.results,
                item.progress.done if item.progress else None,
                item.progress.total if item.progress else None,
                item.growth.compared if item.growth else None,
                item.growth.grew if item.growth else None,
                item.growth.declined if item.growth else None,
                item.growth.closed if item.growth else None,
            ]
        )
    missing = Sheet(_("Not taken yet"), [_("Teacher"), _("Diagnostics not taken")])
    for item in page.missing:
        missing.rows.append([item.user.full_name, "; ".join(item.instruments)])
    return [heat, shares, trend, growth, missing]
