"""Completed diagnostics and development tracks, made through the services (fast set-up)."""

from datetime import timedelta

from competence.diagnostics import services as diagnostics
from competence.extensions import db
from competence.tracks import services as tracks
from competence.tracks.library import load_catalog
from competence.tracks.models import TrackModule
from tests.diagnostics.helpers import (
    best_answer,
    document,
    instrument,
    load_instruments,
    worst_answer,
)


def prepare():
    load_instruments()
    load_catalog()


def finished_attempt(user, choose, key="soft-skills"):
    """Take an instrument with `choose` answers and submit it."""
    attempt = diagnostics.start(user, document(key))
    ready = instrument(key)
    for item in ready.instrument.items:
        db.session.refresh(attempt)
        diagnostics.save_answer(attempt, item.id, choose(item, ready.scales), attempt.sequence)
    return diagnostics.submit(attempt)


def completed_track(user, key="soft-skills"):
    """Diagnose (all wrong), build a track, do its modules, retake (all right)."""
    first = finished_attempt(user, worst_answer, key)
    track = tracks.build_track(first)
    for entry in list(track.modules):
        tracks.mark_done(db.session.get(TrackModule, entry.id), "Выполнено", "", None)
    first.submitted_at -= timedelta(days=400)
    first.started_at -= timedelta(days=400)
    db.session.commit()
    finished_attempt(user, best_answer, key)
    db.session.refresh(track)
    return track
