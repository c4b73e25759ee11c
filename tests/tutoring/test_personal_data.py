"""A teacher's copy of their data holds the tutor's records; deletion erases them."""

from datetime import timedelta

from sqlalchemy import select

from competence.accounts.access import tutors_teacher
from competence.extensions import db
from competence.privacy.export import personal_data
from competence.privacy.services import anonymise
from competence.tracks.services import local_today
from competence.tutoring import review
from competence.tutoring.models import Consultation, EvidenceReview
from competence.tutoring.services import record_consultation
from tests.tutoring.helpers import (
    assign_to_teacher,
    build_region,
    done,
    entry,
    signed_in,
    track,
)


def test_the_tutors_records_are_exported_and_erased_with_the_teacher(app):
    region = build_region()
    assign_to_teacher(region)
    first = track(region).modules[0].id
    done(first, note="Личная заметка")
    review.return_evidence(entry(first), region.tutor, "Нужен сертификат")
    record_consultation(
        region.tutor, region.teacher, local_today() - timedelta(days=1), "phone", "Разговор"
    )

    data = personal_data(region.teacher)
    assert [row["notes"] for row in data["consultations"]] == ["Разговор"]
    assert [row["evidence_note"] for row in data["evidence_reviews"]] == ["Личная заметка"]
    assert data["tutor_assignments"][0]["tutor_id"] == region.tutor.id

    anonymise(region.teacher)
    db.session.commit()
    assert not db.session.scalars(select(Consultation)).all()
    (kept,) = db.session.scalars(select(EvidenceReview))
    assert kept.evidence_note is None and kept.comment == "Нужен сертификат"


def test_an_erased_teacher_leaves_the_tutors_list(app):
    region = build_region()
    assign_to_teacher(region)
    anonymise(region.teacher)
    db.session.commit()
    assert not tutors_teacher(region.tutor, region.teacher)
    tutor = signed_in(app, "tutor@example.org")
    assert tutor.get(f"/tutor/teachers/{region.teacher.id}").status_code == 404
    assert tutor.get(f"/tracks/{region.track_id}").status_code == 404
