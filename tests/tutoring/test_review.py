"""The plan's review: the teacher sends it, the tutor changes and approves it, all logged."""

import pytest
from sqlalchemy import select

from competence.audit import AuditEvent
from competence.extensions import db
from competence.tracks import services as tracks
from competence.tracks.models import ModuleStatus, ReviewStatus
from competence.tracks.services import TrackError
from competence.tutoring import review
from competence.tutoring.review import NOT_TUTOR
from competence.tutoring.services import assign
from tests.certificates.helpers import finished_attempt
from tests.diagnostics.helpers import worst_answer
from tests.tracks.test_track_rules import catalogue_module
from tests.tutoring.helpers import (
    assign_to_teacher,
    build_region,
    done,
    letters,
    post,
    ru,
    signed_in,
    track,
)


def test_the_plan_goes_from_draft_to_review_to_approval(app):
    region = build_region()
    teacher = signed_in(app, "teacher@example.org")
    page = f"/tracks/{region.track_id}"
    assert track(region).review_status == ReviewStatus.DRAFT

    # No tutor yet: the plan stays a draft and nobody is written to.
    lonely = post(teacher, f"/tracks/{region.track_id}/submit", page=page)
    assert lonely.status_code == 409
    assert track(region).review_status == ReviewStatus.DRAFT and not letters("track_submitted")

    assign_to_teacher(region)
    assert post(teacher, f"/tracks/{region.track_id}/submit", page=page).status_code == 303
    plan = track(region)
    assert plan.review_status == ReviewStatus.SUBMITTED and plan.submitted_at is not None
    (ready,) = letters("track_submitted")
    assert ready.recipient == "tutor@example.org" and region.teacher.full_name in ready.body_text
    assert post(teacher, f"/tracks/{region.track_id}/submit", page=page).status_code == 409
    assert len(letters("track_submitted")) == 1

    # Only the owner sends a plan; a stranger's attempt is not found.
    other = signed_in(app, "other@example.org")
    assert post(other, f"/tracks/{region.track_id}/submit").status_code == 404

    outsider = signed_in(app, "tutor2@example.org")
    refused = post(outsider, f"/tutor/tracks/{region.track_id}/approve", page="/tutor/")
    assert refused.status_code == 403 and ru(app, NOT_TUTOR) in refused.get_data(as_text=True)
    assert track(region).review_status == ReviewStatus.SUBMITTED

    tutor = signed_in(app, "tutor@example.org")
    listing = tutor.get("/tutor/").get_data(as_text=True)
    assert region.teacher.full_name in listing and "review-status" in listing
    approve = f"/tutor/tracks/{region.track_id}/approve"
    assert post(tutor, approve, page="/tutor/").status_code == 303
    plan = track(region)
    assert plan.review_status == ReviewStatus.APPROVED
    assert plan.approved_by_id == region.tutor.id and plan.approved_at is not None
    (approved,) = letters("track_approved")
    assert approved.recipient == "teacher@example.org" and "Тьютор Тамара" in approved.body_text
    again = post(tutor, f"/tutor/tracks/{region.track_id}/approve", page="/tutor/")
    assert again.status_code == 409 and len(letters("track_approved")) == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "track_approved"))

    # The teacher sees the state and the tutor's name; the director, the state of each plan
    # and each teacher's tutor.
    own = teacher.get(page).get_data(as_text=True)
    assert "Тьютор Тамара" in own
    assert "text-bg-success review-status" in own
    director = signed_in(app, "head@example.org")
    staff = director.get("/staff/").get_data(as_text=True)
    assert "text-bg-success review-status" in staff and "Тьютор Тамара" in staff


def test_the_director_sees_a_draft_and_a_missing_tutor(app):
    build_region()
    director = signed_in(app, "head@example.org")
    staff = director.get("/staff/").get_data(as_text=True)
    assert "text-bg-light border review-status" in staff and "Тьютор Тамара" not in staff
    assert 'Тьютор: <span class="text-body-secondary">не назначен</span>' in staff


def test_the_tutor_changes_the_modules_and_the_teacher_sees_who_changed_what(app):
    region = build_region()
    assign_to_teacher(region)
    extra = catalogue_module("extra-talk", "webinar", ["communication"])
    db.session.commit()
    tutor = signed_in(app, "tutor@example.org")
    teacher_page = f"/tutor/teachers/{region.teacher.id}"
    before = [m.id for m in track(region).modules]

    added = post(
        tutor,
        f"/tutor/tracks/{region.track_id}/modules",
        {"module_id": extra.id, "mandatory": "y"},
        page=teacher_page,
    )
    assert added.status_code == 303
    new = next(m for m in track(region).modules if m.module_id == extra.id)
    assert new.mandatory and new.status == ModuleStatus.PLANNED
    assert new.deficits, "the module claims the track's deficits it develops"
    add = f"/tutor/tracks/{region.track_id}/modules"
    twice = post(tutor, add, {"module_id": extra.id}, page=teacher_page)
    assert twice.status_code == 409
    assert sum(m.module_id == extra.id for m in track(region).modules) == 1

    assert post(tutor, f"/tutor/modules/{new.id}/mandatory", page=teacher_page).status_code == 303
    assert not next(m for m in track(region).modules if m.id == new.id).mandatory

    # Approved, then changed: the change is allowed and logged as made after approval.
    review.submit_plan(track(region))
    review.approve_plan(track(region), region.tutor)
    first, second = before[0], before[1]
    done(first)
    refused = post(tutor, f"/tutor/modules/{first}/remove", page=teacher_page)
    assert refused.status_code == 409 and first in [m.id for m in track(region).modules]
    assert post(tutor, f"/tutor/modules/{second}/remove", page=teacher_page).status_code == 303
    plan = track(region)
    assert second not in [m.id for m in plan.modules]
    assert plan.review_status == ReviewStatus.APPROVED

    events = review.plan_changes(plan)
    assert [e.action for e in events] == [
        "track_module_added",
        "track_module_mandatory_changed",
        "track_module_removed",
    ]
    assert [e.details["after_approval"] for e in events] == [False, False, True]
    assert all(e.actor_id == region.tutor.id for e in events)

    teacher = signed_in(app, "teacher@example.org")
    own = teacher.get(f"/tracks/{region.track_id}").get_data(as_text=True)
    assert "plan-changes" in own and "Тьютор Тамара" in own and extra.title in own


def test_a_tutor_who_is_not_the_teachers_changes_nothing(app):
    region = build_region()
    extra = catalogue_module("extra-talk", "webinar", ["communication"])
    db.session.commit()
    count = len(track(region).modules)
    with pytest.raises(TrackError) as refused:
        review.add_module(track(region), region.other_tutor, extra, True)
    assert refused.value.status == 403
    db.session.rollback()
    assert len(track(region).modules) == count
    assert not review.plan_changes(track(region))


def test_the_tutor_sees_a_plan_waiting_for_review_first(app):
    region = build_region()
    assign_to_teacher(region)
    assign(region.tutor, region.methodist, teacher=region.other_teacher)
    late = tracks.build_track(finished_attempt(region.other_teacher, worst_answer))
    review.submit_plan(late)
    listing = signed_in(app, "tutor@example.org").get("/tutor/").get_data(as_text=True)
    # Борис sorts after Анна by name, but his plan waits for the tutor: he comes first.
    assert listing.index("Учитель Борис") < listing.index("Учитель Анна")
    assert "bi-bell" in listing
