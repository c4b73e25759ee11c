"""The audit log and a user's history, for administrators: filtered, paged, exported."""

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from competence import audit
from competence.accounts.access import role_required
from competence.accounts.models import Role, User
from competence.audit import export
from competence.audit.forms import AuditFilterForm
from competence.audit.queries import events_query, filter_of, user_history
from competence.audit.wording import tell
from competence.errors import error_response
from competence.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin")


@bp.before_request
@role_required(Role.ADMIN)
def require_admin():
    """Let only administrators read the log."""


def _page(form: AuditFilterForm, base=None):
    """Return the page of events a valid filter asks for (None for an invalid filter)."""
    if not form.validate():
        return None
    query = events_query(filter_of(form), base)
    return db.paginate(query, per_page=form.page_size(), max_per_page=100, error_out=False)


@bp.route("/audit")
def log():
    """List the audit log with filters and pages."""
    form = AuditFilterForm(request.args)
    page = _page(form)
    return render_template(
        "audit/log.html",
        form=form,
        page=page,
        told=tell(page.items) if page else [],
        args=form.args(),
    ), (200 if page else 400)


@bp.route("/users/<int:user_id>/history")
def user_history_page(user_id: int):
    """List what a user did and what was done to the account."""
    user = db.get_or_404(User, user_id)
    form = AuditFilterForm(request.args)
    page = _page(form, user_history(user.id))
    return render_template(
        "audit/user_history.html",
        user=user,
        form=form,
        page=page,
        told=tell(page.items) if page else [],
        args=form.args(),
    ), (200 if page else 400)


@bp.route("/audit/export.<any(csv, xlsx):file_format>")
def export_log(file_format: str):
    """Download the filtered log as CSV or XLSX; the export itself is logged."""
    form = AuditFilterForm(request.args)
    if not form.validate():
        return error_response(400, _("Correct the filter of the log first."))
    query = events_query(filter_of(form))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if total > export.MAX_EXPORT_ROWS:
        return error_response(
            422,
            _(
                "Too many entries to export (%(total)s, at most %(limit)s): narrow the filter.",
                total=total,
                limit=export.MAX_EXPORT_ROWS,
            ),
        )
    rows = export.rows_of(tell(db.session.scalars(query)))
    audit.note(
        "audit_exported",
        current_user,
        "audit_log",
        format=file_format,
        rows=total,
        filter={key: value for key, value in form.args().items() if key != "per_page"},
    )
    return Response(
        export.WRITERS[file_format](rows),
        mimetype=export.MIMETYPES[file_format],
        headers={"Content-Disposition": f"attachment; filename=audit-log.{file_format}"},
    )
