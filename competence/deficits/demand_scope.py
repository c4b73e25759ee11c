"""Whose training demand a user asks for: the region, a municipality or a school within reach."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competence.accounts.access import (
    sees_municipality_figures,
    sees_region_figures,
    sees_staff_results,
)
from competence.accounts.models import Role
from competence.extensions import db
from competence.schools.models import Municipality, School


class ScopeError(Exception):
    """A scope that cannot be shown: `status` 400 (malformed) or 404 (unknown or out of reach)."""

    def __init__(self, message, status: int):
        super().__init__(str(message))
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Scope:
    """The region, a municipality or a school whose demand is shown."""

    municipality: Municipality | None = None
    school: School | None = None

    @property
    def level(self) -> str:
        """Return "school", "municipality" or "region"."""
        if self.school is not None:
            return "school"
        return "municipality" if self.municipality is not None else "region"

    @property
    def unit_id(self) -> int:
        """Return the id of the school or municipality; 0 for the region."""
        if self.school is not None:
            return self.school.id
        return self.municipality.id if self.municipality is not None else 0


# Ids are 32-bit in every table; a longer number names nothing.
MAX_ID_DIGITS = 9


def _id_of(text: str | None, message) -> int | None:
    """Return the id written in a query string, None when absent; refuse anything but digits."""
    if text is None or not text.strip():
        return None
    if not (text.isascii() and text.isdigit()):
        raise ScopeError(message, 400)
    if len(text) > MAX_ID_DIGITS:  # no such id; int() of thousands of digits would raise
        raise ScopeError(_l("There is no such school or municipality."), 404)
    return int(text)


def resolve_scope(user, municipality_arg: str | None, school_arg: str | None) -> Scope:
    """Return the scope a user asks for, within their reach (else 404); none asked: their own.

    Given a school and a municipality it is not in (the school list left over after the
    municipality was changed on the form), the municipality wins.
    """
    municipality_id = _id_of(municipality_arg, _l("The municipality is given by its number."))
    school_id = _id_of(school_arg, _l("The school is given by its number."))
    municipality = school = None
    if municipality_id is not None:
        municipality = db.session.get(Municipality, municipality_id)
        if municipality is None or not sees_municipality_figures(user, municipality.id):
            raise ScopeError(_l("No such municipality within your reach."), 404)
    if school_id is not None:
        school = db.session.get(School, school_id)
        if school is None or not (
            sees_municipality_figures(user, school.municipality_id)
            or sees_staff_results(user, school.id)
        ):
            raise ScopeError(_l("No such school within your reach."), 404)
        if municipality is not None and school.municipality_id != municipality.id:
            school = None
    if school is not None:
        return Scope(school.municipality, school)
    if municipality is not None:
        return Scope(municipality)
    if sees_region_figures(user):
        return Scope()
    if user.has_role(Role.COORDINATOR) and user.municipality is not None:
        return Scope(user.municipality)
    if user.has_role(Role.DIRECTOR) and user.school is not None:
        return Scope(user.school.municipality, user.school)
    raise ScopeError(_l("Your account is not attached to a school or a municipality."), 403)


def scope_choices(user, scope: Scope) -> tuple[list[Municipality], list[School]]:
    """Return the municipalities and schools the user may pick on the form."""
    municipalities = []
    if sees_region_figures(user):
        municipalities = list(db.session.scalars(select(Municipality).order_by(Municipality.name)))
    schools = []
    if scope.municipality is not None and sees_municipality_figures(user, scope.municipality.id):
        schools = list(
            db.session.scalars(
                select(School)
                .where(School.municipality_id == scope.municipality.id)
                .order_by(School.name)
            )
        )
    return municipalities, schools


def scope_title(scope: Scope) -> str:
    """Return the scope as the page names it."""
    if scope.school is not None:
        return f"{scope.school.name} · {scope.municipality.name}"
    if scope.municipality is not None:
        return scope.municipality.name
    return _("The whole region")
