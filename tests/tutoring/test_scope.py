"""A tutor sees and acts on only the teachers assigned to them, one by one or by municipality."""

import re

from sqlalchemy import func, select

from competence.accounts.access import tutor_teacher_ids, tutors_teacher
from competence.accounts.models import User
from competence.extensions import db
from competence.tracks.models import ModuleStatus
from competence.tutoring import services
from competence.tutoring.models import TutorAssignment
from competence.tutoring.review import NOT_TUTOR
from competence.tutoring.services import assign
from tests.factories import make_user
from tests.tutoring.helpers import build_region, done, entry, post, ru, signed_in, track


def assignments() -> int:
    return db.session.scalar(select(func.count()).select_from(TutorAssignment))


def test_an_unassigned_tutor_can_open_or_change_nothing_of_a_teacher(app):
    region = build_region()
    first = track(region).modules[0].id
    done(first)
    tutor = signed_in(app, "tutor@example.org")
    assert region.teacher.full_name not in tutor.get("/tutor/").get_data(as_text=True)
    assert tutor.get(f"/tutor/teachers/{region.teacher.id}").status_code == 404
    assert tutor.get(f"/tracks/{region.track_id}").status_code == 404
    assert tutor.get(f"/tracks/modules/{first}/evidence").status_code == 404

    refused = post(tutor, f"/tutor/modules/{first}/confirm", page="/tutor/")
    assert refused.status_code == 403
    assert ru(app, NOT_TUTOR) in refused.get_data(as_text=True)
    assert entry(first).confirmed_at is None and entry(first).status == ModuleStatus.DONE
    for url, data in (
        (f"/tutor/modules/{first}/return", {"comment": "Нет подтверждения"}),
        (f"/tutor/tracks/{region.track_id}/approve", {}),
        (f"/tutor/modules/{track(region).modules[1].id}/remove", {}),
        (f"/tutor/teachers/{region.teacher.id}/consultations", {"notes": "x"}),
    ):
        assert post(tutor, url, data, page="/tutor/").status_code == 403, url
    assert entry(first).status == ModuleStatus.DONE and len(track(region).modules) >= 2


def test_the_methodist_assigns_a_tutor_to_a_teacher_by_e_mail(app):
    region = build_region()
    methodist = signed_in(app, "methodist@example.org")
    page = "/tutor/assignments"
    answer = post(
        methodist,
        page,
        {"tutor_id": region.tutor.id, "teacher": "TEACHER@example.org", "municipality_id": ""},
        page=page,
    )
    assert answer.status_code == 303
    assert tutor_teacher_ids(region.tutor) == {region.teacher.id}
    assert tutor_teacher_ids(region.other_tutor) == set()
    assert tutor_teacher_ids(region.methodist) == set()

    tutor = signed_in(app, "tutor@example.org")
    listing = tutor.get("/tutor/").get_data(as_text=True)
    assert region.teacher.full_name in listing and region.other_teacher.full_name not in listing
    assert tutor.get(f"/tutor/teachers/{region.teacher.id}").status_code == 200
    assert tutor.get(f"/tracks/{region.track_id}").status_code == 200
    assert tutor.get(f"/tutor/teachers/{region.other_teacher.id}").status_code == 404

    # By a part of the name, too; the assignment is listed with who made it.
    answer = post(
        methodist,
        page,
        {"tutor_id": region.other_tutor.id, "teacher": "Борис", "municipality_id": ""},
        page=page,
    )
    assert answer.status_code == 303
    assert tutor_teacher_ids(region.other_tutor) == {region.other_teacher.id}
    listing = methodist.get(page).get_data(as_text=True)
    assert "Тьютор Тамара" in listing and "Методист Мария" in listing


def test_a_municipality_assignment_covers_its_schools_and_ends_when_unassigned(app):
    region = build_region()
    methodist = signed_in(app, "methodist@example.org")
    place = region.teacher.school.municipality_id
    page = "/tutor/assignments"
    data = {"tutor_id": region.tutor.id, "teacher": "", "municipality_id": place}
    answer = post(methodist, page, data, page)
    assert answer.status_code == 303
    assert tutors_teacher(region.tutor, region.teacher)
    assert tutors_teacher(region.tutor, region.director)
    assert not tutors_teacher(region.tutor, region.other_teacher)
    tutor = signed_in(app, "tutor@example.org")
    assert tutor.get(f"/tutor/teachers/{region.teacher.id}").status_code == 200

    (assignment,) = db.session.scalars(select(TutorAssignment))
    end = f"/tutor/assignments/{assignment.id}/delete"
    assert post(methodist, end, page=page).status_code == 303
    assert assignments() == 0
    assert not tutors_teacher(region.tutor, region.teacher)
    assert tutor.get(f"/tutor/teachers/{region.teacher.id}").status_code == 404
    assert tutor.get(f"/tracks/{region.track_id}").status_code == 404


def test_bad_assignments_are_refused_and_nothing_is_stored(app):
    region = build_region()
    methodist = signed_in(app, "methodist@example.org")
    page = "/tutor/assignments"
    place = region.teacher.school.municipality_id

    def assign(teacher, municipality=""):
        data = {"tutor_id": region.tutor.id, "teacher": teacher, "municipality_id": municipality}
        return post(methodist, page, data, page)

    unknown = assign("nobody@example.org")
    assert unknown.status_code == 404
    assert "не зарегистрирован" in unknown.get_data(as_text=True) or (
        "No teacher" in unknown.get_data(as_text=True)
    )
    assert assign("teacher@example.org", place).status_code == 400
    assert assign("").status_code == 400
    assert assign("Учитель").status_code == 409  # two teachers match
    assert assignments() == 0
    assert assign("teacher@example.org").status_code == 303
    assert assign("teacher@example.org").status_code == 409
    assert assignments() == 1

    # Only methodists and administrators assign; a tutor or a teacher does not.
    tutor = signed_in(app, "tutor@example.org")
    teacher = signed_in(app, "teacher@example.org")
    assert tutor.get(page).status_code == 403
    assert teacher.get(page).status_code == 403
    assert teacher.get("/tutor/").status_code == 403


def test_a_tutor_of_a_municipality_reads_the_teachers_page_by_page(app, monkeypatch):
    """A tutor of a whole municipality gets the list in pages, every teacher once, in name order."""
    region = build_region()
    school = region.teacher.school
    for number in range(3):
        make_user(f"more.{number}@example.org", school=school, full_name=f"Яковлева {number}")
    assign(region.tutor, region.methodist, municipality=school.municipality)
    monkeypatch.setattr(services, "TUTORED_PAGE_SIZE", 2)
    tutor = signed_in(app, "tutor@example.org")
    seen = []
    for number in (1, 2, 3):
        html = tutor.get(f"/tutor/?page={number}").get_data(as_text=True)
        seen += re.findall(r'href="/tutor/teachers/(\d+)"', html)
    expected = db.session.scalars(
        select(User.id)
        .where(User.id.in_(tutor_teacher_ids(region.tutor)))
        .order_by(User.full_name, User.id)
    ).all()
    assert [int(user_id) for user_id in seen] == list(expected)
    assert len(expected) == 5  # the teacher, the director and three more
    assert 'href="/tutor/?page=2"' in tutor.get("/tutor/?page=1").get_data(as_text=True)

    # The last by name sends a plan for review: they come first, on the first page.
    last = db.session.get(User, expected[-1])
    give = track(region)
    give.user_id, give.review_status = last.id, "submitted"
    db.session.commit()
    first_page = tutor.get("/tutor/?page=1").get_data(as_text=True)
    assert re.findall(r'href="/tutor/teachers/(\d+)"', first_page)[0] == str(last.id)
