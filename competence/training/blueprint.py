"""The course-groups blueprint: its page modules import `bp` and register their routes on it."""

from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/training")

# The page modules register their routes on `bp`; importing them here attaches them.
from competence.training import group_views, release_views, teacher_views  # noqa: E402, F401
