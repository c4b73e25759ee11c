"""The analytics blueprint: its pages import `bp` and register their routes on it."""

from flask import Blueprint

bp = Blueprint("deficits", __name__, url_prefix="/analytics")

# The page modules register their routes on `bp`; importing them here attaches them.
from competence.deficits import regional_views  # noqa: E402, F401
