"""The training-demand page and its XLSX: modules the staff still need, and the groups they make."""

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from competence.accounts.access import ANALYTICS_ROLES, PLANNING_ROLES, role_required
from competence.analytics.demand import (
    GROUP_SIZE_MAX,
    GROUP_SIZE_MIN,
    GroupSizeError,
    parse_group_size,
)
from competence.deficits import demand, demand_scope
from competence.deficits.blueprint import bp
from competence.deficits.export import HIDDEN, xlsx_response
from competence.tracks.forms import FORMAT_LABELS, KIND_LABELS


class BadRequest(Exception):
    """A query string the page cannot answer; the message is shown on the page."""

    def __init__(self, message: str, scope=None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.scope = scope
        self.field = field


def _query():
    """Return the scope and group size asked for; raise BadRequest or abort."""
    try:
        scope = demand_scope.resolve_scope(
            current_user, request.args.get("municipality"), request.args.get("school")
        )
    except demand_scope.ScopeError as exc:
        if exc.status != 400:
            abort(exc.status)
        raise BadRequest(str(exc.message), _own_scope()) from None
    default = current_app.config["COURSE_GROUP_SIZE"]
    if not current_user.has_role(*PLANNING_ROLES):
        return scope, default  # only planners choose a size, the others' is ignored
    try:
        return scope, parse_group_size(request.args.get("group_size"), default)
    except GroupSizeError:
        raise BadRequest(
            _(
                "The group size must be a whole number from %(low)s to %(high)s.",
                low=GROUP_SIZE_MIN,
                high=GROUP_SIZE_MAX,
            ),
            scope,
            "group_size",
        ) from None


def _render(scope, report, error=None, status=200, error_field=None):
    """Render the page: the form, and the table unless the query was refused."""
    municipalities, schools = demand_scope.scope_choices(current_user, scope) if scope else ([], [])
    return render_template(
        "deficits/demand.html",
        scope=scope,
        scope_title=demand_scope.scope_title(scope) if scope else "",
        report=report,
        error=error,
        error_field=error_field,
        municipalities=municipalities,
        schools=schools,
        plans=current_user.has_role(*PLANNING_ROLES),
        group_size=request.args.get("group_size", "")
        if error
        else (report.group_size if report else ""),
        size_range=(GROUP_SIZE_MIN, GROUP_SIZE_MAX),
        kind_labels=KIND_LABELS,
        format_labels=FORMAT_LABELS,
        HIDDEN=HIDDEN,
    ), status


def _own_scope():
    """Return the scope to draw the form with after a malformed one: the user's own."""
    try:
        return demand_scope.resolve_scope(current_user, None, None)
    except demand_scope.ScopeError:
        return None


def _report():
    """Return (scope, report) of the query; raise BadRequest or abort when it cannot be."""
    scope, group_size = _query()
    min_group = current_app.config["ANALYTICS_MIN_GROUP"]
    return scope, demand.demand_report(current_user, scope, group_size, min_group)


@bp.route("/demand")
@role_required(*ANALYTICS_ROLES)
def demand_page():
    """Show the training demand of the user's scope: teachers, groups and hours per module."""
    try:
        scope, report = _report()
    except BadRequest as exc:
        return _render(exc.scope, None, exc.message, 400, exc.field)
    return _render(scope, report)


@bp.route("/demand.xlsx")
@role_required(*ANALYTICS_ROLES)
def demand_xlsx():
    """Download the training demand of the same query as an XLSX workbook."""
    try:
        scope, report = _report()
    except BadRequest as exc:
        return _render(exc.scope, None, exc.message, 400, exc.field)
    suffix = scope.level if scope.level == "region" else f"{scope.level}-{scope.unit_id}"
    return xlsx_response(
        f"training-demand-{suffix}.xlsx", demand.demand_sheets(report), report.min_group
    )
