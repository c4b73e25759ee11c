"""Completed diagnostics and development tracks, made through the services (fast set-up)."""

from datetime import timedelta

from sqlalchemy import select

from competence.accounts.models import Role, User
from competence.diagnostics import services as diagnostics
from competence.extensions import db
from competence.tracks import services as tracks
from competence.tracks.library import load_catalog
from competence.tracks.models import Confirmation, TrackModule
from tests.diagnostics.helpers import (
    best_answer,
    document,
    instrument,
    load_instruments,
    worst_answer,
)
from tests.factories import make_user


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


TUTOR_NAME = "Смирнова Елена Викторовна"


def tutor():
    """Return the institute's methodist who confirms modules in these tests (made once)."""
    found = db.session.scalar(select(User).where(User.email == "tutor@example.org"))
    return found or make_user(email="tutor@example.org", role=Role.METHODIST, full_name=TUTOR_NAME)


def completed_track(user, key="soft-skills", confirmed=True):
    """Diagnose (all wrong), build a track, do its modules, retake (all right).

    With `confirmed` a tutor confirms every module before the retake, so the certificate issued
    at the retake counts their hours; without it the modules are only reported done by the
    teacher and count none.
    """
    first = finished_attempt(user, worst_answer, key)
    track = tracks.build_track(first)
    for entry in list(track.modules):
        tracks.mark_done(db.session.get(TrackModule, entry.id), "Выполнено", "", None)
    if confirmed:
        for entry in list(track.modules):
            tracks.confirm_module(entry, Confirmation.TUTOR, tutor())
    first.submitted_at -= timedelta(days=400)
    first.started_at -= timedelta(days=400)
    db.session.commit()
    finished_attempt(user, best_answer, key)
    db.session.refresh(track)
    return track
