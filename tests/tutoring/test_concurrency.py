"""Two tutors confirming the same module at once: one confirms, the other is told.

PostgreSQL locks the module's row; SQLite takes its one write lock (competence.database.lock_row).
"""

import threading

from sqlalchemy import select

from competence.accounts.models import User
from competence.extensions import db
from competence.tracks.models import TrackModule
from competence.tracks.services import TrackError
from competence.tutoring import review
from competence.tutoring.models import EvidenceReview
from competence.tutoring.services import assign
from tests.tutoring.helpers import assign_to_teacher, build_region, done, entry, track


def test_two_tutors_confirming_at_once_confirm_once(app):
    region = build_region()
    assign_to_teacher(region)
    assign(region.other_tutor, region.methodist, teacher=region.teacher)
    first = track(region).modules[0].id
    done(first)
    start = threading.Barrier(2)
    outcomes = []

    def confirm(tutor_id):
        with app.app_context():
            tutor = db.session.get(User, tutor_id)
            module = db.session.get(TrackModule, first)
            start.wait()
            try:
                review.confirm_evidence(module, tutor)
                outcomes.append(200)
            except TrackError as exc:
                db.session.rollback()
                outcomes.append(exc.status)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=confirm, args=(person.id,))
        for person in (region.tutor, region.other_tutor)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == [200, 409]
    assert entry(first).is_confirmed
    assert len(db.session.scalars(select(EvidenceReview)).all()) == 1
