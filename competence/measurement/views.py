"""Methodists' pages of measurement quality: the item analysis of a published version."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from competence import audit
from competence.accounts.access import role_required
from competence.accounts.models import Role
from competence.extensions import db
from competence.forms import ConfirmForm
from competence.instruments.models import ContentDocument, ContentKind, ContentVersion
from competence.measurement import export, labels, services

bp = Blueprint("measurement", __name__, url_prefix="/measurement")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
@role_required(Role.METHODIST, Role.ADMIN)
def require_methodist():
    """Let only methodists and administrators in."""


def published_version(key: str, number: int) -> ContentVersion:
    """Return a published version of an instrument, or answer 404."""
    return db.one_or_404(
        select(ContentVersion)
        .join(ContentDocument)
        .where(
            ContentDocument.kind == ContentKind.INSTRUMENT,
            ContentDocument.key == key,
            ContentVersion.number == number,
        )
    )


@bp.route("/instruments/<key>/v<int:number>")
def report(key: str, number: int):
    """Show the item analysis of a version over its submitted attempts."""
    version = published_version(key, number)
    found = services.version_report(version)
    return render_template(
        "measurement/report.html",
        version=version,
        report=found,
        items={item.id: item for item in found.instrument.items},
        stored_at=services.stored_computed_at(version),
        minimum=services.MIN_RELIABLE_ATTEMPTS,
        method=export.method_lines(),
        form=ConfirmForm(),
        labels=labels,
    )


@bp.route("/instruments/<key>/v<int:number>/calibrate", methods=["POST"])
def calibrate(key: str, number: int):
    """Recompute the analysis and store it as the version's calibration."""
    version = published_version(key, number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done = services.calibrate_version(version, current_user)
    flash(
        _(
            "The statistics are recomputed over %(count)s attempts and stored.",
            count=done.n_attempts,
        ),
        "success",
    )
    return redirect(url_for("measurement.report", key=key, number=number))


@bp.route("/instruments/<key>/v<int:number>/item-analysis.xlsx")
def export_report(key: str, number: int):
    """Download the whole report as an XLSX workbook; the export is logged."""
    version = published_version(key, number)
    found = services.version_report(version)
    data = export.report_xlsx(version, found)
    audit.note("item_analysis_exported", current_user, ContentKind.INSTRUMENT, key, number=number)
    return Response(
        data,
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename={export.export_name(version)}"},
    )
