"""One development plan a school year: several diagnostics merged, review, retakes, years."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from competence.audit import AuditEvent
from competence.certificates.services import track_content
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.tracks import services as tracks
from competence.tracks.models import (
    CatalogModule,
    DevelopmentTrack,
    ModuleStatus,
    PlanSource,
    ReviewStatus,
    TrackModule,
    TrackStatus,
)
from tests.certificates.helpers import finished_attempt
from tests.diagnostics.helpers import best_answer, load_instruments, take, worst_answer
from tests.factories import make_user
from tests.tracks.test_tracks import build, modules, prepare

LEVELS = ["low", "basic", "sufficient", "high"]


@pytest.fixture
def teacher(client):
    prepare()
    make_user()
    from tests.factories import login

    login(client)
    return client


def frameworks_of(track) -> set[str]:
    return {d["framework"] for entry in modules(track) for d in entry.deficits}


def test_two_diagnostics_make_one_plan_with_modules_for_both(teacher):
    soft = take(teacher, "soft-skills", worst_answer)
    first = build(teacher, soft)
    before = [entry.module_id for entry in modules(first)]
    methodical = take(teacher, "methodical-teacher", worst_answer)
    second = build(teacher, methodical)

    assert second.id == first.id
    assert db.session.scalar(select(func.count()).select_from(DevelopmentTrack)) == 1
    entries = modules(second)
    keys = [entry.module_id for entry in entries]
    assert len(keys) == len(set(keys)), "no module twice"
    assert keys[: len(before)] == before, "the plan's modules stay first, in their order"
    assert [entry.position for entry in entries] == list(range(len(entries)))
    assert frameworks_of(second) == {"soft-skills", "khkiro-pedagogue"}
    sources = db.session.scalars(select(PlanSource).where(PlanSource.track_id == first.id)).all()
    assert [s.attempt_id for s in sources] == [soft.id, methodical.id]
    assert second.school_year == (
        tracks.local_today().year
        if tracks.local_today().month >= 9
        else tracks.local_today().year - 1
    )
    # The result of either diagnostic leads to the same plan.
    assert tracks.track_for(soft).id == tracks.track_for(methodical).id == first.id
    assert build(teacher, methodical).id == first.id
    assert db.session.scalar(select(func.count()).select_from(PlanSource)) == 2


def test_a_changed_approved_plan_is_a_draft_again(teacher, app):
    plan = build(teacher, take(teacher, "soft-skills", worst_answer))
    plan.review_status = ReviewStatus.APPROVED
    plan.approved_at = plan.created_at
    db.session.commit()
    methodical = take(teacher, "methodical-teacher", worst_answer)
    from tests.factories import post_form

    response = post_form(
        teacher,
        f"/tracks/from/{methodical.id}",
        {"preferred_format": ""},
        page=f"/tracks/recommendations/{methodical.id}",
    )
    assert response.status_code == 302
    page = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "draft again" in page or "черновик" in page
    db.session.expire_all()
    plan = db.session.get(DevelopmentTrack, plan.id)
    assert plan.review_status == ReviewStatus.DRAFT
    assert plan.approved_at is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "track_source_added"))
    assert event.object_id == str(plan.id)
    assert event.details["review_reset"] is True
    assert event.details["attempt"] == methodical.id


def test_a_new_school_year_starts_a_new_plan(teacher, monkeypatch):
    first = build(teacher, take(teacher, "soft-skills", worst_answer))
    today = tracks.local_today()
    next_year = date(first.school_year + 1, 9, 2)
    assert next_year > today
    monkeypatch.setattr(tracks, "local_today", lambda: next_year)
    second = build(teacher, take(teacher, "methodical-teacher", worst_answer))
    assert second.id != first.id
    assert second.school_year == first.school_year + 1
    db.session.refresh(first)
    assert len(first.sources) == 1 and len(second.sources) == 1
    assert {d["framework"] for e in second.modules for d in e.deficits} == {"khkiro-pedagogue"}


def _shift_back(*attempts):
    for attempt in attempts:
        attempt.submitted_at -= timedelta(days=400)
        attempt.started_at -= timedelta(days=400)
    db.session.commit()


def test_the_plan_completes_when_every_source_is_retaken(client):
    prepare()
    user = make_user()
    soft = finished_attempt(user, worst_answer, "soft-skills")
    plan = tracks.build_track(soft)
    methodical = finished_attempt(user, worst_answer, "methodical-teacher")
    assert tracks.build_track(methodical).id == plan.id
    for entry in list(plan.modules):
        tracks.mark_done(db.session.get(TrackModule, entry.id), "Выполнено", "", None)
    db.session.refresh(plan)
    assert plan.status == TrackStatus.AWAITING_RETAKE
    invitations = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "retake_invitation")
    ).all()
    assert len(invitations) == 2, "one invitation per instrument"
    assert tracks.retake_of(plan)[0] == "soft-skills"
    _shift_back(soft, methodical)

    soft_retake = finished_attempt(user, best_answer, "soft-skills")
    db.session.refresh(plan)
    assert plan.status == TrackStatus.AWAITING_RETAKE
    assert plan.growth is None
    first, second = plan.sources
    assert first.retake_attempt_id == soft_retake.id and first.growth
    assert second.retake_attempt_id is None and second.growth is None
    assert tracks.retake_of(plan)[0] == "methodical-teacher"

    methodical_retake = finished_attempt(user, best_answer, "methodical-teacher")
    db.session.refresh(plan)
    assert plan.status == TrackStatus.COMPLETED
    assert plan.retake_attempt_id == methodical_retake.id
    assert second.growth
    assert set(plan.growth) == set(first.growth) | set(second.growth)
    assert plan.growth["communication"]["after"] > plan.growth["communication"]["before"]
    # The certificate lists the growth of both instruments.
    content = track_content(plan)
    titles = {row["title"] for row in content.details["growth"]}
    assert {"Коммуникация", "Планирование обучения в соответствии с ФГОС"} <= titles
    assert len(content.details["growth"]) == len(plan.growth)


def test_a_module_for_deficits_of_both_diagnostics_is_preferred(client):
    load_instruments()
    user = make_user()

    def module(key, develops, kind="seminar"):
        row = CatalogModule(
            key=key,
            kind=kind,
            title=f"Модуль {key}",
            description="Описание.",
            provider="КГБОУ ДПО ХКИРО",
            format="distance",
            hours=8,
            duration_weeks=2,
            audience={"positions": ["teacher"], "subjects": []},
            develops=[
                {"framework": framework, "competence": c, "levels": LEVELS}
                for framework, c in develops
            ],
            source="test",
        )
        db.session.add(row)

    module("talk", [("soft-skills", "communication")], kind="exercise")
    module("both", [("soft-skills", "communication"), ("khkiro-pedagogue", "fgos-planning")])
    module("plan", [("khkiro-pedagogue", "fgos-planning")], kind="course")
    db.session.commit()
    plan = tracks.build_track(finished_attempt(user, worst_answer, "soft-skills"))
    assert [e.module.key for e in plan.modules] == ["talk", "both"]
    assert not plan.modules[1].mandatory
    tracks.build_track(finished_attempt(user, worst_answer, "methodical-teacher"))
    db.session.refresh(plan)
    entries = {e.module.key: e for e in plan.modules}
    assert len(plan.modules) == len(entries)
    # Optional for communication at first, "both" is the mandatory module for the planning
    # deficit of the second diagnostic: the course for planning alone is not added.
    assert entries["both"].mandatory
    assert "plan" not in entries
    assert {d["competence"] for d in entries["both"].deficits} == {
        "communication",
        "fgos-planning",
    }
    assert plan.modules[-1].position == len(plan.modules) - 1
    assert entries["both"].status == ModuleStatus.PLANNED
