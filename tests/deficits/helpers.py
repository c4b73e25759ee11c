"""Helpers for analytics tests: results recorded directly, with the scores a test chooses."""

from datetime import UTC, datetime, timedelta

from competence.diagnostics.models import Attempt, AttemptStatus, CompetenceScore, SubmitReason
from competence.extensions import db
from tests.diagnostics.helpers import document, instrument
from tests.factories import login


def level_of(score: float) -> str:
    """Return the level of levels-4 (the shipped scale) a score falls in."""
    cuts = ((85, "high"), (70, "sufficient"), (50, "basic"))
    return next((level for cut, level in cuts if score >= cut), "low")


def record_result(
    user,
    key: str,
    scores: dict[str, float],
    submitted_at: datetime | None = None,
    threshold: float = 65.0,
) -> Attempt:
    """Store a submitted attempt of instrument `key` with a score per competence (0..100).

    A competence below `threshold` is a deficit. Instruments must be loaded
    (tests.diagnostics.helpers.load_instruments).
    """
    ready = instrument(key)
    doc = document(key)
    when = submitted_at or datetime.now(UTC)
    attempt = Attempt(
        user_id=user.id,
        document_id=doc.id,
        version_id=ready.version_id,
        status=AttemptStatus.SUBMITTED,
        started_at=when - timedelta(minutes=30),
        deadline_at=when + timedelta(minutes=30),
        submitted_at=when,
        submit_reason=SubmitReason.TAKER,
        layout={},
        total_score=sum(scores.values()) / max(len(scores), 1),
    )
    db.session.add(attempt)
    db.session.flush()
    for competence, score in scores.items():
        assert competence in ready.competences, competence
        db.session.add(
            CompetenceScore(
                attempt_id=attempt.id,
                competence=competence,
                score=score,
                level=level_of(score),
                threshold=threshold,
                deficit=score < threshold,
                depth=max(0.0, threshold - score),
            )
        )
    db.session.commit()
    return attempt


def signed_in(app, email):
    """Return a test client of `app` signed in as `email`."""
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client
