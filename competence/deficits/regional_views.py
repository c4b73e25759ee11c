"""The municipal and the regional analytics pages and their XLSX exports."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from competence.accounts.access import (
    REGION_ANALYTICS_ROLES,
    role_required,
    sees_municipality_figures,
    sees_region_figures,
)
from competence.accounts.models import Role
from competence.analytics.figures import shown_share
from competence.deficits import regional
from competence.deficits.blueprint import bp
from competence.deficits.categories import CATEGORIES, CATEGORY_LABELS
from competence.deficits.export import xlsx_response
from competence.deficits.regional_tables import growth_note, hidden_note
from competence.deficits.results import instruments_with_results
from competence.deficits.snapshots import kept_page
from competence.extensions import db
from competence.schools.models import Municipality

MUNICIPAL_ROLES = (Role.COORDINATOR, *REGION_ANALYTICS_ROLES)


def _min_group() -> int:
    return current_app.config["ANALYTICS_MIN_GROUP"]


def _instrument(required: bool = False):
    """Return the instruments with results and the chosen one (?instrument=, default: the
    first); an unknown key is a 404, and so is an export with nothing to export."""
    instruments = instruments_with_results()
    key = request.args.get("instrument", "")
    if not key:
        if required and not instruments:
            abort(404, _("No diagnostic has results yet."))
        return instruments, instruments[0] if instruments else None
    chosen = next((ref for ref in instruments if ref.key == key), None)
    if chosen is None:
        abort(404, _("There is no diagnostic «%(key)s» with results.", key=key[:64]))
    return instruments, chosen


def _category() -> str | None:
    """Return the school category of ?category=, None for all; anything else is a 400."""
    value = request.args.get("category", "")
    if not value:
        return None
    if value not in CATEGORIES:
        abort(400, _("Unknown school category «%(value)s».", value=value[:64]))
    return value


def _sort(instrument) -> str | None:
    """Return the competence of ?sort=, None for the order by name; an unknown one is a 400."""
    value = request.args.get("sort", "")
    if not value or value == "name":
        return None
    if instrument is None or value not in instrument.competence_ids:
        abort(400, _("The table cannot be sorted by «%(value)s».", value=value[:64]))
    return value


def _municipality(municipality_id: int) -> Municipality:
    """Return a municipality the user reads; another one is a 404, as if it did not exist."""
    place = db.session.get(Municipality, municipality_id)
    if place is None or not sees_municipality_figures(current_user, municipality_id):
        abort(404)
    return place


def _municipality_page(place: Municipality, required: bool = False):
    instruments, instrument = _instrument(required)
    category, sort = _category(), _sort(instrument)
    page = None
    if instrument is not None:
        page, _built_at = kept_page(
            "municipality",
            (instrument.document_id, place.id, category, sort),
            lambda: regional.municipality_page(
                place, instrument, instruments, _min_group(), category=category, sort=sort
            ),
        )
    return page, instruments, category, sort


@bp.route("/municipality")
@role_required(*MUNICIPAL_ROLES)
def own_municipality():
    """Show a coordinator the own municipality; the region's readers choose one on its page."""
    if not current_user.has_role(Role.COORDINATOR):
        return redirect(url_for("deficits.region", **request.args))
    if current_user.municipality_id is None:
        abort(403)
    return _render_municipality(_municipality(current_user.municipality_id))


@bp.route("/municipality/<int(max=2147483647):municipality_id>")
@role_required(*MUNICIPAL_ROLES)
def municipality(municipality_id: int):
    """Show a municipality's schools side by side: deficits, participation, tracks."""
    return _render_municipality(_municipality(municipality_id))


def _render_municipality(place: Municipality):
    page, instruments, category, sort = _municipality_page(place)
    return render_template(
        "deficits/municipality.html",
        municipality=place,
        page=page,
        instruments=instruments,
        category=category,
        sort=sort,
        categories=CATEGORY_LABELS,
        sees_region=sees_region_figures(current_user),
        note=hidden_note(_min_group()),
        shown_share=shown_share,
    )


@bp.route("/municipality/<int(max=2147483647):municipality_id>.xlsx")
@role_required(*MUNICIPAL_ROLES)
def municipality_xlsx(municipality_id: int):
    """Export the municipality's tables, as the page with the same query shows them."""
    place = _municipality(municipality_id)
    page, _instruments, _category_key, _sort_key = _municipality_page(place, required=True)
    filename = f"analytics-municipality-{place.id}-{page.instrument.key}.xlsx"
    return xlsx_response(filename, page.sheets(), _min_group())


def _region_page(instrument, instruments):
    """Return the region's page, built again only when its data changed (snapshots)."""
    page, _built_at = kept_page(
        "region",
        (instrument.document_id,),
        lambda: regional.region_page(instrument, instruments, _min_group()),
    )
    return page


@bp.route("/region")
@role_required(*REGION_ANALYTICS_ROLES)
def region():
    """Show the region: municipalities, cross-tables, participation, tracks and growth."""
    instruments, instrument = _instrument()
    page = None
    if instrument is not None:
        page = _region_page(instrument, instruments)
    return render_template(
        "deficits/region.html",
        page=page,
        instruments=instruments,
        note=hidden_note(_min_group()),
        growth_note=growth_note(),
        shown_share=shown_share,
    )


@bp.route("/region.xlsx")
@role_required(*REGION_ANALYTICS_ROLES)
def region_xlsx():
    """Export the region's tables, as the page shows them."""
    instruments, instrument = _instrument(required=True)
    page = _region_page(instrument, instruments)
    return xlsx_response(f"analytics-region-{instrument.key}.xlsx", page.sheets(), _min_group())
