"""The tutor confirms the evidence of a module done, or returns it with a comment."""

from datetime import timedelta

from sqlalchemy import select

from competence.extensions import db
from competence.tracks.models import Confirmation, ModuleStatus, TrackStatus
from competence.tutoring.models import EvidenceReview, ReviewOutcome
from competence.tutoring.review import NOT_TUTOR
from tests.tutoring.helpers import (
    assign_to_teacher,
    build_region,
    done,
    entry,
    letters,
    post,
    ru,
    signed_in,
    track,
)


def test_the_tutor_confirms_a_module_done_once(app):
    region = build_region()
    assign_to_teacher(region)
    first, second = (m.id for m in track(region).modules[:2])
    done(first)
    tutor = signed_in(app, "tutor@example.org")
    page = f"/tutor/teachers/{region.teacher.id}"
    listing = tutor.get("/tutor/").get_data(as_text=True)
    assert "1" in listing and "text-bg-warning" in listing  # one module waits

    assert post(tutor, f"/tutor/modules/{first}/confirm", page=page).status_code == 303
    confirmed = entry(first)
    assert confirmed.is_confirmed and confirmed.confirmed_via == Confirmation.TUTOR
    assert confirmed.confirmed_by_id == region.tutor.id
    moment = confirmed.confirmed_at

    twice = post(tutor, f"/tutor/modules/{first}/confirm", page=page)
    assert twice.status_code == 409 and entry(first).confirmed_at == moment
    not_done = post(tutor, f"/tutor/modules/{second}/confirm", page=page)
    assert not_done.status_code == 409
    assert entry(second).confirmed_at is None and entry(second).status == ModuleStatus.PLANNED
    reviews = db.session.scalars(select(EvidenceReview)).all()
    assert [r.outcome for r in reviews] == [ReviewOutcome.CONFIRMED]

    teacher = signed_in(app, "teacher@example.org")
    own = teacher.get(f"/tracks/{region.track_id}").get_data(as_text=True)
    assert "Тьютор Тамара" in own and "bi-patch-check" in own


def test_someone_who_is_not_the_tutor_cannot_confirm(app):
    region = build_region()
    assign_to_teacher(region)
    first = track(region).modules[0].id
    done(first)
    outsider = signed_in(app, "tutor2@example.org")
    refused = post(outsider, f"/tutor/modules/{first}/confirm", page="/tutor/")
    assert refused.status_code == 403 and ru(app, NOT_TUTOR) in refused.get_data(as_text=True)
    # Other roles do not reach the action at all.
    for email in ("methodist@example.org", "head@example.org", "teacher@example.org"):
        client = signed_in(app, email)
        assert post(client, f"/tutor/modules/{first}/confirm").status_code == 403
    assert entry(first).confirmed_at is None
    assert not db.session.scalars(select(EvidenceReview)).all()


def test_returned_evidence_puts_the_module_back_with_the_comment_kept(app):
    region = build_region()
    assign_to_teacher(region)
    first = track(region).modules[0].id
    done(first, note="Посмотрела вебинар", link="https://example.org/webinar")
    tutor = signed_in(app, "tutor@example.org")
    page = f"/tutor/teachers/{region.teacher.id}"

    empty = post(tutor, f"/tutor/modules/{first}/return", {"comment": "  "}, page=page)
    assert empty.status_code == 400 and entry(first).status == ModuleStatus.DONE
    assert not letters("evidence_returned")

    comment = "Приложите сертификат участника вебинара"
    answer = post(tutor, f"/tutor/modules/{first}/return", {"comment": comment}, page=page)
    assert answer.status_code == 303
    back = entry(first)
    assert back.status == ModuleStatus.PLANNED and back.done_at is None
    assert back.evidence_note is None and back.evidence_link is None
    assert back.confirmed_at is None
    (kept,) = db.session.scalars(select(EvidenceReview)).all()
    assert kept.outcome == ReviewOutcome.RETURNED and kept.comment == comment
    assert kept.evidence_note == "Посмотрела вебинар"
    assert kept.evidence_link == "https://example.org/webinar"
    (letter,) = letters("evidence_returned")
    assert letter.recipient == "teacher@example.org" and comment in letter.body_text

    again = post(tutor, f"/tutor/modules/{first}/return", {"comment": comment}, page=page)
    assert again.status_code == 409 and len(letters("evidence_returned")) == 1

    teacher = signed_in(app, "teacher@example.org")
    own = teacher.get(f"/tracks/{region.track_id}").get_data(as_text=True)
    assert comment in own and "Посмотрела вебинар" in own
    # The teacher gives new evidence, and the tutor confirms it.
    done(first, note="Сертификат № 15")
    assert post(tutor, f"/tutor/modules/{first}/confirm", page=page).status_code == 303
    assert entry(first).is_confirmed


def test_returning_the_last_module_takes_back_the_invitation_to_retake(app):
    region = build_region()
    assign_to_teacher(region)
    for module in track(region).modules:
        done(module.id)
    plan = track(region)
    assert plan.status == TrackStatus.AWAITING_RETAKE
    last = plan.modules[-1].id
    tutor = signed_in(app, "tutor@example.org")
    answer = post(
        tutor,
        f"/tutor/modules/{last}/return",
        {"comment": "Нет подтверждения"},
        page=f"/tutor/teachers/{region.teacher.id}",
    )
    assert answer.status_code == 303
    plan = track(region)
    assert plan.status == TrackStatus.ACTIVE and plan.invited_at is None
    assert entry(last).due_date >= plan.created_at.date() - timedelta(days=1)
