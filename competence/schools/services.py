"""Queries over the register of municipalities and schools."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competence.extensions import db
from competence.schools.models import Municipality


def region_with_schools() -> list[Municipality]:
    """Return every municipality with its schools loaded, ordered by name."""
    return list(
        db.session.scalars(
            select(Municipality)
            .options(selectinload(Municipality.schools))
            .order_by(Municipality.name)
        )
    )
