"""The analytics blueprint: its pages import `bp` and register their routes on it."""

from flask import Blueprint

from competence.analytics.campaigns import school_year_label
from competence.analytics.figures import shown_share

bp = Blueprint("deficits", __name__, url_prefix="/analytics")
bp.add_app_template_global(shown_share, "shown_share")
bp.add_app_template_filter(school_year_label, "school_year")

# The page modules register their routes on `bp`; importing them here attaches them.
from competence.deficits import demand_views, regional_views, school_views  # noqa: E402, F401
