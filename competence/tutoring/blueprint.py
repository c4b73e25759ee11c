"""The tutors' blueprint: its page modules import `bp` and register their routes on it."""

from flask import Blueprint

bp = Blueprint("tutoring", __name__, url_prefix="/tutor")

# The page modules register their routes on `bp`; importing them here attaches them.
from competence.tutoring import assignment_views, views  # noqa: E402, F401
