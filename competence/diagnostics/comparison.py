"""A result beside the school's, the municipality's and the region's means (SELFIE-style).

Reads each teacher's latest submitted attempt of the same instrument and hands the scores to
`analytics.comparison.group_means`, which suppresses small groups and differences.
"""

from dataclasses import dataclass

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competence.accounts.models import User
from competence.analytics.comparison import MIN_GROUP, group_means
from competence.analytics.figures import shown_score
from competence.diagnostics.models import Attempt, AttemptStatus, CompetenceScore
from competence.diagnostics.profiles import Profile
from competence.extensions import db


@dataclass(frozen=True)
class ComparisonRow:
    """One competence: the teacher's shown score and each group's shown mean (None: hidden)."""

    title: str
    own: int
    groups: tuple[int | None, ...]


@dataclass(frozen=True)
class Comparison:
    """The groups' names and one row per competence of the profile."""

    groups: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]
    min_group: int = MIN_GROUP


def _latest_attempts(document_id: int) -> list[tuple[int, int, int | None, int | None]]:
    """Return (attempt id, user id, school id, municipality id) of each user's latest result."""
    found = db.session.execute(
        select(Attempt.id, Attempt.user_id, User.school_id, User.municipality_id)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.document_id == document_id, Attempt.status == AttemptStatus.SUBMITTED)
        .order_by(Attempt.user_id, Attempt.submitted_at, Attempt.id)
    ).all()
    latest = {row.user_id: tuple(row) for row in found}  # the last of each user wins
    return list(latest.values())


def comparison(profile: Profile) -> Comparison:
    """Compare a profile with the means of the owner's school, municipality and region."""
    attempt = profile.attempt
    owner = attempt.user
    latest = _latest_attempts(attempt.document_id)
    index = {attempt_id: i for i, (attempt_id, *_rest) in enumerate(latest)}
    columns = {row.id: j for j, row in enumerate(profile.rows)}
    scores = np.full((len(latest), len(columns)), np.nan)
    for attempt_id, competence, score in db.session.execute(
        select(CompetenceScore.attempt_id, CompetenceScore.competence, CompetenceScore.score).where(
            CompetenceScore.attempt_id.in_(list(index))
        )
    ):
        if competence in columns:
            scores[index[attempt_id], columns[competence]] = score
    schools = np.array([row[2] for row in latest], dtype=object)
    municipalities = np.array([row[3] for row in latest], dtype=object)
    nobody = np.zeros(len(latest), dtype=bool)
    school = schools == owner.school_id if owner.school_id else nobody
    # Nested by construction, so that the differences between groups are what the rule checks.
    municipality = (
        (municipalities == owner.municipality_id) | school if owner.municipality_id else nobody
    )
    groups = [
        (_l("school"), school),
        (_l("municipality"), municipality),
        (_l("region"), np.ones(len(latest), dtype=bool)),
    ]
    means = group_means(scores, groups)
    rows = tuple(
        ComparisonRow(
            row.title,
            row.shown_score,
            tuple(None if g.means[j] is None else shown_score(g.means[j]) for g in means),
        )
        for j, row in enumerate(profile.rows)
    )
    return Comparison(tuple(str(name) for name, _mask in groups), rows)
