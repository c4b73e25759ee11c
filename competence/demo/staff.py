"""A modest staff with results in every demo school, so the analytics pages show real figures.

The analytics generator (competence/deficits/generator_staff.py) makes them: 8 to 25 people a
school, results of two campaigns (the last school year and this one) with tracks, scores lower
in the schools the demo indicators identify as ШНРО. Above the small-group threshold, the
municipal and regional pages then show shares instead of «недостаточно данных». They cannot
sign in; the demo accounts and the demo teacher's colleagues stay as they are.
"""

from collections.abc import Iterable

import numpy as np
from sqlalchemy import select

from competence.accounts.models import User
from competence.deficits.generator import staff_schools
from competence.deficits.generator_staff import StaffReport
from competence.extensions import db
from competence.schools.models import School

DEMO_STAFF_EMAIL = "staff-{n:05d}@demo.khkiro.ru"
STAFF_SIZES = (8, 25)
CAMPAIGNS = 2
SEED = 2026


def demo_staff_query():
    """Return a select of the generated demo staff."""
    return select(User).where(User.email.like("staff-%@demo.khkiro.ru"))


def load_demo_staff(codes: Iterable[str]) -> StaffReport | None:
    """Staff the demo schools of these codes unless done before; return what was made."""
    if db.session.scalar(demo_staff_query().limit(1)) is not None:
        return None
    schools = db.session.scalars(
        select(School).where(School.code.in_(list(codes))).order_by(School.code)
    ).all()
    low, high = STAFF_SIZES
    sizes = np.random.default_rng(SEED).integers(low, high + 1, size=len(schools))
    report = staff_schools(schools, sizes, CAMPAIGNS, SEED, DEMO_STAFF_EMAIL)
    db.session.commit()
    return report
