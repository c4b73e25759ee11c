"""The director's analytics page of the own school, and the entry that sends each role home."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from competence.accounts.access import ANALYTICS_ROLES, role_required, sees_region_figures
from competence.accounts.models import Role, User
from competence.accounts.reference import POSITIONS, SUBJECTS
from competence.analytics.figures import shown_share
from competence.deficits import school_export
from competence.deficits.blueprint import bp
from competence.deficits.charts import BarGroup, share_bars
from competence.deficits.export import xlsx_response
from competence.deficits.results import InstrumentRef, instruments_with_results
from competence.deficits.school import SORT_BY_NAME, school_analytics, sort_rows
from competence.diagnostics.models import Attempt, AttemptStatus
from competence.extensions import db


@bp.route("/")
@role_required(*ANALYTICS_ROLES)
def index():
    """Send each role to its level: the school, the municipality, the region."""
    if current_user.has_role(Role.DIRECTOR):
        return redirect(url_for("deficits.school"))
    if sees_region_figures(current_user):
        return redirect(url_for("deficits.region"))
    return redirect(url_for("deficits.own_municipality"))


def _own_school():
    if current_user.school_id is None:
        abort(403, _("No school is assigned to you: ask the portal administrator."))
    return current_user.school


def _school_instruments(school_id: int) -> list[InstrumentRef]:
    """Return the instruments the school's staff have results of."""
    taken = set(
        db.session.scalars(
            select(Attempt.document_id)
            .join(User, User.id == Attempt.user_id)
            .where(User.school_id == school_id, Attempt.status == AttemptStatus.SUBMITTED)
            .distinct()
        )
    )
    return [ref for ref in instruments_with_results() if ref.document_id in taken]


def chosen_instrument(instruments: list[InstrumentRef]) -> InstrumentRef | None:
    """Return the instrument of `?instrument=` (404 for an unknown one), else the first."""
    key = request.args.get("instrument")
    if not key:
        return instruments[0] if instruments else None
    for ref in instruments:
        if ref.key == key:
            return ref
    abort(404, _("There are no results of this diagnostic here."))


def _filters(page) -> dict:
    """Read and check the heat map's filters and order; a value out of the lists is a 400."""
    subject = request.args.get("subject") or ""
    position = request.args.get("position") or ""
    sort = request.args.get("sort") or SORT_BY_NAME
    order = request.args.get("order") or "asc"
    if subject and subject not in SUBJECTS:
        abort(400, _("Unknown subject in the filter."))
    if position and position not in POSITIONS:
        abort(400, _("Unknown position in the filter."))
    if sort != SORT_BY_NAME and sort not in page.instrument.competence_ids:
        abort(400, _("The table cannot be sorted by this column."))
    if order not in ("asc", "desc"):
        abort(400, _("The order must be ascending or descending."))
    return {"subject": subject, "position": position, "sort": sort, "order": order}


def _school_page():
    """Build the page for the current director and the request's instrument and filters."""
    school = _own_school()
    instruments = _school_instruments(school.id)
    instrument = chosen_instrument(instruments)
    if instrument is None:
        return school, instruments, None, None, []
    page = school_analytics(school, instrument, current_app.config["ANALYTICS_MIN_GROUP"])
    filters = _filters(page)
    rows = [
        row
        for row in page.heat_rows
        if (not filters["subject"] or filters["subject"] in row.subjects)
        and (not filters["position"] or row.user.position == filters["position"])
    ]
    rows = sort_rows(rows, filters["sort"], filters["order"] == "desc")
    return school, instruments, page, filters, rows


@bp.route("/school")
@role_required(Role.DIRECTOR)
def school():
    """Show the own school's heat map, shares and trends, progress and who has not taken what."""
    school, instruments, page, filters, rows = _school_page()
    return render_template(
        "deficits/school.html",
        share_chart=_share_chart(school, page) if page else "",
        school=school,
        instruments=instruments,
        page=page,
        filters=filters,
        rows=rows,
        subjects=SUBJECTS,
        positions=POSITIONS,
        min_group=current_app.config["ANALYTICS_MIN_GROUP"],
    )


def _share_chart(school, page) -> str:
    """Draw the school's, the municipality's and the region's shares; the table holds the data."""
    groups = [
        BarGroup(
            share.title, [_shown(share.school), _shown(share.municipality), _shown(share.region)]
        )
        for share in page.shares
        if share.school or share.municipality or share.region
    ]
    series = [_("School"), school.municipality.name, _("Region")]
    return share_bars(groups, series, _("Share with a deficit by competence"), "shares-table")


def _shown(cell) -> int | None:
    if cell is None or cell.suppressed:
        return None
    return shown_share(cell.with_deficit, cell.n)


@bp.route("/school.xlsx")
@role_required(Role.DIRECTOR)
def school_xlsx():
    """Download the page's tables (the heat map as filtered) as one workbook."""
    school, _instruments, page, _filters, rows = _school_page()
    if page is None:
        abort(404, _("There are no results of this diagnostic here."))
    sheets = school_export.sheets(page, rows)
    name = f"analytics-{school.code}-{page.instrument.key}.xlsx"
    return xlsx_response(name, sheets, current_app.config["ANALYTICS_MIN_GROUP"])
