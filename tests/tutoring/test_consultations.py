"""The tutor's log of consultations, which the teacher reads on the track page."""

from datetime import timedelta

from sqlalchemy import func, select

from competence.extensions import db
from competence.tracks.services import local_today
from competence.tutoring.models import Consultation
from tests.tutoring.helpers import assign_to_teacher, build_region, post, signed_in


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Consultation))


def test_the_tutor_records_a_consultation_and_the_teacher_reads_it(app):
    region = build_region()
    assign_to_teacher(region)
    tutor = signed_in(app, "tutor@example.org")
    page = f"/tutor/teachers/{region.teacher.id}"
    url = f"/tutor/teachers/{region.teacher.id}/consultations"
    today = local_today()

    future = {"held_on": (today + timedelta(days=1)).isoformat(), "form": "online", "notes": "План"}
    assert post(tutor, url, future, page=page).status_code == 400
    odd_form = {"held_on": today.isoformat(), "form": "telepathy", "notes": "План"}
    assert post(tutor, url, odd_form, page=page).status_code == 400
    no_notes = {"held_on": today.isoformat(), "form": "phone", "notes": " "}
    assert post(tutor, url, no_notes, page=page).status_code == 400
    bad_date = {"held_on": "31.02.2026", "form": "phone", "notes": "План"}
    assert post(tutor, url, bad_date, page=page).status_code == 400
    assert stored() == 0

    notes = "Обсудили порядок модулей и курс по формирующему оцениванию"
    good = {"held_on": today.isoformat(), "form": "in_person", "notes": notes}
    assert post(tutor, url, good, page=page).status_code == 303
    (consultation,) = db.session.scalars(select(Consultation))
    assert consultation.tutor_id == region.tutor.id and consultation.teacher_id == region.teacher.id
    assert consultation.held_on == today and consultation.form == "in_person"
    assert notes in tutor.get(page).get_data(as_text=True)

    teacher = signed_in(app, "teacher@example.org")
    assert notes in teacher.get(f"/tracks/{region.track_id}").get_data(as_text=True)

    outsider = signed_in(app, "tutor2@example.org")
    assert post(outsider, url, good, page="/tutor/").status_code == 403
    assert stored() == 1


def test_the_director_and_a_methodist_do_not_read_the_consultations(app):
    """The notes are between the teacher and the tutor: the track page shows them to the teacher
    only, though the director and methodists may read the track itself."""
    region = build_region()
    assign_to_teacher(region)
    notes = "Говорили о конфликте с администрацией школы"
    tutor = signed_in(app, "tutor@example.org")
    good = {"held_on": local_today().isoformat(), "form": "phone", "notes": notes}
    page = f"/tutor/teachers/{region.teacher.id}"
    assert post(tutor, f"{page}/consultations", good, page=page).status_code == 303

    for email in ("head@example.org", "methodist@example.org"):
        reader = signed_in(app, email)
        response = reader.get(f"/tracks/{region.track_id}")
        assert response.status_code == 200
        assert notes not in response.get_data(as_text=True)
    teacher = signed_in(app, "teacher@example.org")
    assert notes in teacher.get(f"/tracks/{region.track_id}").get_data(as_text=True)
    assert notes in tutor.get(f"/tracks/{region.track_id}").get_data(as_text=True)
