"""The standards blueprint: its routes, its access rule and what instrument pages read."""

from flask import Blueprint

from competence.accounts.access import role_required
from competence.accounts.models import Role
from competence.standards import results, views

bp = Blueprint("standards", __name__, url_prefix="/standards")


@bp.before_request
@role_required(Role.METHODIST, Role.ADMIN)
def require_methodist():
    """Let only methodists and administrators in: teachers never see items with their keys."""


bp.add_url_rule("/", view_func=views.index)
bp.add_url_rule("/new/<key>", view_func=views.new_round, methods=["GET", "POST"])
bp.add_url_rule("/<int:round_id>", view_func=views.round_page)
bp.add_url_rule("/<int:round_id>/rate", view_func=views.rate, methods=["GET", "POST"])
bp.add_url_rule("/<int:round_id>/adopt", view_func=views.adopt, methods=["POST"])
# The instrument's page (instruments/document.html) shows where each cut came from.
bp.add_app_template_filter(results.fixed, "fixed_decimals")
bp.add_app_template_global(results.cut_sources, "standard_cut_sources")
bp.add_app_template_global(results.document_rounds, "standard_rounds_of")
