"""A teacher's own goals and interests for a school year (the questionnaire of the yearly plan).

The plan merges the deficits of the diagnostics; these say what the teacher wants besides: the
kinds of module they prefer break ties in `merge_plan`, the preferred format is used when the
plan is built without one, and the tutor reads the goals when the plan is discussed.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from competence import audit
from competence.analytics.matching import Goals
from competence.extensions import db
from competence.tracks.models import MODULE_FORMATS, MODULE_KINDS, DevelopmentGoals

GOALS_MAX_LENGTH = 2000


class GoalsError(Exception):
    """Goals that cannot be saved; `status` is the HTTP status to answer with."""

    def __init__(self, message, status: int = 422):
        super().__init__(str(message))
        self.message = message
        self.status = status


def goals_of(user_id: int, year: int) -> DevelopmentGoals | None:
    """Return the user's goals for this school year, if stated."""
    return db.session.scalar(
        select(DevelopmentGoals).where(
            DevelopmentGoals.user_id == user_id, DevelopmentGoals.school_year == year
        )
    )


def matching_goals(stated: DevelopmentGoals | None) -> Goals:
    """Return the goals as matching takes them: the preferred kinds, in the catalogue's order."""
    if stated is None:
        return Goals()
    return Goals(kinds=tuple(kind for kind in MODULE_KINDS if kind in (stated.interests or ())))


def save_goals(
    user, year: int, goals: str, interests: list[str], preferred_format: str | None
) -> DevelopmentGoals:
    """Store (or replace) the user's goals for the school year; bad input changes nothing."""
    text = (goals or "").strip()
    if not text:
        raise GoalsError(_l("Write your professional goals for the school year."))
    if len(text) > GOALS_MAX_LENGTH:
        raise GoalsError(
            _l("The goals are too long: at most %(limit)d characters.", limit=GOALS_MAX_LENGTH)
        )
    if any(kind not in MODULE_KINDS for kind in interests):
        raise GoalsError(_l("Choose the kinds of modules from the list."), 400)
    if preferred_format not in (None, *MODULE_FORMATS):
        raise GoalsError(_l("Choose a format from the list: in person, distance or blended."), 400)
    row = goals_of(user.id, year)
    created = row is None
    if created:
        row = DevelopmentGoals(user_id=user.id, school_year=year)
        db.session.add(row)
    row.goals = text
    row.interests = [kind for kind in MODULE_KINDS if kind in interests]
    row.preferred_format = preferred_format
    try:
        db.session.flush()
    except IntegrityError:
        # The same teacher saved twice at once: the other request's row is updated instead.
        db.session.rollback()
        return save_goals(user, year, goals, interests, preferred_format)
    audit.record("development_goals_saved", user, "user", user.id, year=year)
    db.session.commit()
    return row
