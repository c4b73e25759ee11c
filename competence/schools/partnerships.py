"""Partner schools: suggestions from the identification, and the agreements that are recorded."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from competence import audit
from competence.analytics.identification import SchoolIdentification
from competence.analytics.partners import (
    SchoolStanding,
    latest_index,
    needs_partner,
    suggest_partners,
)
from competence.database import utcnow
from competence.extensions import db
from competence.schools.dataset import Dataset, Window
from competence.schools.errors import ActionError
from competence.schools.models import School, SchoolPartnership

# How many suggested partners the school card shows (the form offers every possible one).
SUGGESTION_COUNT = 5


@dataclass(frozen=True)
class Suggestion:
    """A possible partner and how it stands."""

    school: School
    identification: SchoolIdentification
    social_index: float | None


def standing(school: School, identification: SchoolIdentification) -> SchoolStanding:
    """Describe an identified school for the choice of partners."""
    return SchoolStanding(
        school_id=identification.school_id,
        group=identification.group,
        municipality=str(school.municipality_id),
        category=identification.category,
        resilient=identification.resilient,
        social_index=latest_index(identification.social_index),
    )


def suggestions(dataset: Dataset, window: Window, school: School) -> list[Suggestion]:
    """Return every possible partner of a school that needs one, best first; else nothing."""
    target = dataset.identification(window, school.code)
    if target is None or not needs_partner(standing(school, target)):
        return []
    result = dataset.result(window)
    candidates = [standing(dataset.schools[s.school_id], s) for s in result.schools]
    identified = {s.school_id: s for s in result.schools}
    return [
        Suggestion(dataset.schools[c.school_id], identified[c.school_id], c.social_index)
        for c in suggest_partners(standing(school, target), candidates)
    ]


def to_suggest(found: list[Suggestion], agreements: list[SchoolPartnership]) -> list[Suggestion]:
    """Return the suggestions to show: without schools already partners in force, the first few."""
    partners = {a.partner_id for a in agreements if a.in_force}
    return [s for s in found if s.school.id not in partners][:SUGGESTION_COUNT]


def partnerships_of(school: School) -> list[SchoolPartnership]:
    """Return the agreements where the school is supported or supports, in force first."""
    return list(
        db.session.scalars(
            select(SchoolPartnership)
            .where(
                or_(
                    SchoolPartnership.school_id == school.id,
                    SchoolPartnership.partner_id == school.id,
                )
            )
            .options(
                selectinload(SchoolPartnership.school).selectinload(School.municipality),
                selectinload(SchoolPartnership.partner).selectinload(School.municipality),
            )
            .order_by(
                SchoolPartnership.ended_at.is_not(None), SchoolPartnership.agreement_date.desc()
            )
        )
    )


def confirm_partnership(
    school: School,
    partner: School,
    *,
    number: str,
    signed_on: date,
    notes: str,
    actor,
) -> SchoolPartnership:
    """Record an agreement between a supported school and its partner."""
    if partner.id == school.id:
        raise ActionError(_l("A school cannot be its own partner."), 422, "partner")
    in_force = db.session.scalar(
        select(SchoolPartnership).where(
            SchoolPartnership.school_id == school.id,
            SchoolPartnership.partner_id == partner.id,
            SchoolPartnership.ended_at.is_(None),
        )
    )
    if in_force is not None:
        raise ActionError(
            _l(
                "An agreement with this school is already in force (No. %(number)s).",
                number=in_force.agreement_number,
            ),
            409,
            "partner",
        )
    partnership = SchoolPartnership(
        school=school,
        partner=partner,
        agreement_number=number.strip(),
        agreement_date=signed_on,
        notes=notes.strip(),
        created_by=actor,
    )
    db.session.add(partnership)
    db.session.flush()
    audit.record(
        "partnership_confirmed",
        actor,
        "school_partnership",
        partnership.id,
        school=school.code,
        partner=partner.code,
        number=partnership.agreement_number,
    )
    db.session.commit()
    return partnership


def end_partnership(partnership: SchoolPartnership, *, reason: str, actor) -> None:
    """End an agreement in force; it stays in the history of both schools."""
    if not partnership.in_force:
        raise ActionError(_l("The agreement has already been ended."))
    partnership.ended_at = utcnow()
    partnership.ended_by = actor
    partnership.end_reason = reason.strip() or None
    audit.record("partnership_ended", actor, "school_partnership", partnership.id)
    db.session.commit()
