"""Batch issue runs in the background, reports progress, and survives a failing certificate."""

import os

import pytest
from sqlalchemy import func, select, update

from competence.accounts.models import Role
from competence.certificates import batch as batches
from competence.certificates import batch_groups as groups
from competence.certificates import document
from competence.certificates.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateCounter,
)
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.tracks import services as tracks
from tests.certificates.helpers import finished_attempt, prepare
from tests.diagnostics.helpers import worst_answer
from tests.factories import login, make_school, make_user, post_form

NAMES = ["Алексеева Анна", "Борисов Борис", "Васильева Вера", "Григорьев Глеб"]


def staff(school, count=len(NAMES)):
    return [
        make_user(email=f"t{n}@example.org", full_name=NAMES[n], school=school)
        for n in range(count)
    ]


def school_with_diagnostics(holders: int = len(NAMES)):
    """Return a school whose first `holders` staff finished a diagnostic, and an administrator."""
    prepare()
    school = make_school()
    for user in staff(school, holders):
        finished_attempt(user, worst_answer)
    admin = make_user(email="admin@example.org", role=Role.ADMIN, position="other")
    return school, admin


def run_batch(admin, kind: str, school, reason=None) -> CertificateBatch:
    """Start a batch for a school (run at once with the sync backend) and return it as stored."""
    started = batches.start_batch(admin, kind, {"school_id": school.id}, reason)
    db.session.expire_all()
    return db.session.get(CertificateBatch, started.id)


@pytest.fixture
def failing_for(monkeypatch):
    """Make rendering fail for one holder, as a broken record would."""

    def arrange(name):
        real = document.render_certificate

        def render(certificate, url):
            if certificate.holder_name == name:
                raise RuntimeError("шрифт не найден")
            return real(certificate, url)

        monkeypatch.setattr("competence.certificates.services.render_certificate", render)

    return arrange


def test_a_batch_by_school_goes_on_past_a_failure(app_factory, failing_for):
    app = app_factory(JOBS_BACKEND="sync")
    prepare()
    school = make_school()
    other_school = make_school(code="t-2", name="МБОУ СОШ № 2", municipality="Другой район")
    for user in staff(school):
        finished_attempt(user, worst_answer)
    outsider = make_user(email="out@example.org", school=other_school)
    finished_attempt(outsider, worst_answer)
    failing_for("Васильева Вера")
    make_user(email="admin@example.org", role=Role.ADMIN, position="other")
    client = app.test_client()
    login(client, "admin@example.org")
    chosen = {"kind": "diagnostic", "school": str(school.id), "municipality": "", "instrument": ""}
    # First the administrator sees how many certificates the batch will issue.
    preview = post_form(client, "/certificates/admin/batches", chosen, page="/certificates/admin/")
    assert preview.status_code == 200
    assert "Будет выдано 4 сертификата" in preview.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CertificateBatch.id))) == 0
    response = post_form(
        client,
        "/certificates/admin/batches",
        {**chosen, "confirmed": "1"},
        page="/certificates/admin/",
    )
    assert response.status_code == 302
    batch = db.session.scalars(select(CertificateBatch)).one()
    db.session.refresh(batch)
    assert batch.status == BatchStatus.FINISHED
    assert (batch.total, batch.issued, batch.failed, batch.skipped) == (4, 3, 1, 0)
    assert [(e.holder_name, e.error) for e in batch.errors] == [
        ("Васильева Вера", "Не удалось сформировать сертификат (RuntimeError).")
    ]
    holders = set(db.session.scalars(select(Certificate.holder_name)))
    assert holders == {"Алексеева Анна", "Борисов Борис", "Григорьев Глеб"}
    progress = client.get(f"/certificates/admin/batches/{batch.id}.json").json
    assert progress["status"] == "finished" and progress["failed"] == 1
    page = client.get(f"/certificates/admin/batches/{batch.id}").get_data(as_text=True)
    assert "Васильева Вера: Не удалось сформировать сертификат (RuntimeError)." in page

    # Run again: the three issued are skipped at selection, the failed one is retried.
    failing_for("nobody")
    again = batches.start_batch(
        db.session.get(type(outsider), outsider.id), "diagnostic", {"school_id": school.id}
    )
    db.session.refresh(again)
    assert (again.total, again.issued) == (1, 1)


def test_groups_of_a_batch_number_without_gaps_and_keep_going(app_factory, monkeypatch):
    from competence.certificates import services

    app_factory(JOBS_BACKEND="sync")
    prepare()
    school = make_school()
    people = staff(school) + [
        make_user(email=f"x{n}@example.org", full_name=f"Дополнительный {n}", school=school)
        for n in range(3)
    ]
    for user in people:
        finished_attempt(user, worst_answer)
    admin = make_user(email="admin@example.org", role=Role.ADMIN, position="other")
    # Groups of two, so that the seven holders span four groups.
    monkeypatch.setattr(groups, "GROUP", 2)
    # The third holder got a certificate by hand after the batch chose its holders.
    real_plan = groups._plan

    def plan(batch, target):
        if target is not None and target.user.full_name == "Васильева Вера":
            services.issue_for_attempt(target)
        return real_plan(batch, target)

    monkeypatch.setattr(groups, "_plan", plan)
    real_render = services.render_certificate

    def render(certificate, url):
        # Nothing of the group is in the session while it renders (no write lock is held).
        assert not db.session.new and not db.session.dirty
        if certificate.holder_name == "Дополнительный 1":
            raise RuntimeError("шрифт не найден")
        return real_render(certificate, url)

    monkeypatch.setattr(services, "render_certificate", render)
    batch = run_batch(admin, "diagnostic", school)
    assert batch.status == BatchStatus.FINISHED
    assert (batch.total, batch.issued, batch.skipped, batch.failed) == (7, 5, 1, 1)
    assert [e.holder_name for e in batch.errors] == ["Дополнительный 1"]
    serials = db.session.scalars(select(Certificate.serial).order_by(Certificate.serial)).all()
    # Seven numbers were taken: five by the batch's certificates, one by the certificate issued
    # by hand, one by the failed render (a number is never given twice). The skipped holder
    # took none from the batch.
    assert len(serials) == 6 and len(set(serials)) == 6
    assert serials[-1] - serials[0] == 6
    letters = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "certificate_issued")
    )
    assert letters == 6


def test_a_group_that_gets_no_numbers_fails_and_the_batch_goes_on(app_factory, monkeypatch):
    from competence.certificates import services

    app_factory(JOBS_BACKEND="sync")
    school, admin = school_with_diagnostics()
    monkeypatch.setattr(groups, "GROUP", 2)
    real_take = services.take_numbers
    calls = []

    def take_numbers(year, count=1):
        calls.append(count)
        if len(calls) == 1:
            raise RuntimeError("the counter is locked")
        return real_take(year, count)

    monkeypatch.setattr(services, "take_numbers", take_numbers)
    batch = run_batch(admin, "diagnostic", school)
    assert batch.status == BatchStatus.FINISHED
    assert (batch.issued, batch.failed) == (2, 2)
    assert [e.holder_name for e in batch.errors] == ["Алексеева Анна", "Борисов Борис"]
    holders = set(db.session.scalars(select(Certificate.holder_name)))
    assert holders == {"Васильева Вера", "Григорьев Глеб"}


def test_a_broken_record_fails_alone(app_factory, monkeypatch):
    app_factory(JOBS_BACKEND="sync")
    prepare()
    school = make_school()
    attempts = [finished_attempt(user, worst_answer) for user in staff(school)]
    admin = make_user(email="admin@example.org", role=Role.ADMIN, position="other")
    broken = attempts[1].id
    real_load, real_target = groups._load_targets, groups.target_of

    def load(batch, target_ids):
        if broken in target_ids:
            raise ValueError("unreadable row")
        return real_load(batch, target_ids)

    def target(batch, target_id):
        if target_id == broken:
            raise ValueError("unreadable row")
        return real_target(batch, target_id)

    monkeypatch.setattr(groups, "_load_targets", load)
    monkeypatch.setattr(groups, "target_of", target)
    batch = run_batch(admin, "diagnostic", school)
    assert batch.status == BatchStatus.FINISHED
    assert (batch.issued, batch.failed) == (3, 1)
    assert [(e.target_id, e.error) for e in batch.errors] == [
        (broken, "Не удалось сформировать сертификат (ValueError).")
    ]


def test_a_group_written_again_one_by_one_gets_new_row_ids(app_factory, monkeypatch):
    from competence.certificates import services

    app_factory(JOBS_BACKEND="sync")
    prepare()
    school = make_school()
    for user in staff(school, 3):
        finished_attempt(user, worst_answer)
    other = make_school(code="t-2", name="МБОУ СОШ № 2", municipality="Другой район")
    outsider = finished_attempt(make_user(email="out@example.org", school=other), worst_answer)
    admin = make_user(email="admin@example.org", role=Role.ADMIN, position="other")
    real_report = groups._report
    calls = []

    def report(batch_id, outcome):
        calls.append(outcome.issued)
        if len(calls) == 1:  # the group's certificates are inserted, then the progress fails
            raise RuntimeError("connection lost")
        if len(calls) == 2:  # meanwhile a certificate by hand takes the row ids they had
            services.issue_for_attempt(db.session.merge(outsider))
        return real_report(batch_id, outcome)

    monkeypatch.setattr(groups, "_report", report)
    batch = run_batch(admin, "diagnostic", school)
    assert (batch.issued, batch.failed, batch.skipped) == (3, 0, 0)
    assert db.session.scalar(select(func.count(Certificate.id))) == 4


def test_a_certificate_issued_while_its_group_renders_is_skipped(app_factory, monkeypatch):
    from competence.certificates import services
    from competence.diagnostics.models import Attempt

    app_factory(JOBS_BACKEND="sync")
    school, admin = school_with_diagnostics(3)
    real_render = services.render_certificate
    by_hand = []

    def render(certificate, url):
        if certificate.holder_name == "Борисов Борис" and not by_hand:
            # The holder asks for the certificate in the cabinet at this very moment.
            by_hand.append(certificate.attempt_id)
            attempt = db.session.get(Attempt, by_hand[0])
            by_hand.append(services.issue_for_attempt(attempt).number)
        return real_render(certificate, url)

    monkeypatch.setattr(services, "render_certificate", render)
    batch = run_batch(admin, "diagnostic", school)
    assert (batch.issued, batch.skipped, batch.failed) == (2, 1, 0)
    valid = db.session.scalars(select(Certificate).where(Certificate.revoked_at.is_(None))).all()
    assert len(valid) == 3 and by_hand[1] in {c.number for c in valid}


def test_a_track_batch_replaces_a_certificate_forced_before_completion(app_factory, monkeypatch):
    from datetime import timedelta

    from competence.certificates import services
    from competence.tracks.models import TrackModule
    from tests.diagnostics.helpers import best_answer

    app_factory(JOBS_BACKEND="sync")
    prepare()
    school = make_school()
    teacher = staff(school, 1)[0]
    admin = make_user(email="admin@example.org", role=Role.ADMIN, position="other")
    first = finished_attempt(teacher, worst_answer)
    track = tracks.build_track(first)
    forced = services.issue_for_track(track, admin, "Очные курсы").id
    for entry in list(track.modules):
        tracks.mark_done(db.session.get(TrackModule, entry.id), "Выполнено", "", None)
    first.submitted_at -= timedelta(days=400)
    first.started_at -= timedelta(days=400)
    db.session.commit()

    def refuse(*args, **kwargs):
        raise RuntimeError("the disk is full")

    # The automatic certificate after the retake fails: the completed track keeps the forced one.
    monkeypatch.setattr(services, "issue_for_track", refuse)
    finished_attempt(teacher, best_answer)
    monkeypatch.undo()
    db.session.expire_all()
    assert services.active_certificate(track=track).id == forced
    batch = run_batch(admin, "track", school)
    assert (batch.total, batch.issued, batch.failed) == (1, 1, 0)
    forced = db.session.get(Certificate, forced)
    assert forced.is_revoked and "Заменён сертификатом" in forced.revoke_reason
    real = services.active_certificate(track=track)
    assert real.forced_reason is None and real.details["retaken_on"]


def test_a_track_batch_with_a_reason_includes_unfinished_tracks(app_factory):
    app_factory(JOBS_BACKEND="sync")
    prepare()
    school = make_school()
    admin = make_user(email="admin@example.org", role=Role.ADMIN, position="other")
    for user in staff(school, 2):
        tracks.build_track(finished_attempt(user, worst_answer))
    plain = batches.start_batch(admin, "track", {"school_id": school.id})
    db.session.refresh(plain)
    assert plain.total == 0
    forced = batches.start_batch(admin, "track", {"school_id": school.id}, "Обучение пройдено очно")
    db.session.refresh(forced)
    assert (forced.total, forced.issued) == (2, 2)
    reasons = set(db.session.scalars(select(Certificate.forced_reason)))
    assert reasons == {"Обучение пройдено очно"}


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL") and os.environ.get("CI", "").lower() != "true",
    reason="needs Redis (REDIS_URL) for the RQ path",
)
def test_the_batch_runs_in_an_rq_worker(app_factory):
    from redis import Redis
    from rq import Queue

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    Redis.from_url(url).flushdb()
    app = app_factory(JOBS_BACKEND="rq", REDIS_URL=url)
    prepare()
    school = make_school()
    for user in staff(school, 2):
        finished_attempt(user, worst_answer)
    admin = make_user(email="admin@example.org", role=Role.ADMIN, position="other")
    batch = batches.start_batch(admin, "diagnostic", {"school_id": school.id})
    assert batch.status == BatchStatus.QUEUED
    connection = Redis.from_url(url)
    assert Queue(connection=connection).count == 2
    # `flask jobs worker` as production runs it (here until the queue is empty): it warms up
    # the renderer, then takes the two jobs.
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    batch = db.session.get(CertificateBatch, batch.id)
    assert batch.shards == 2  # two jobs, for two worker processes
    assert batch.status == BatchStatus.FINISHED and batch.issued == 2
    assert db.session.scalar(select(func.count(Certificate.id))) == 2


def test_a_database_failure_on_one_certificate_does_not_stop_the_batch(app_factory):
    from competence.certificates import services

    app_factory(JOBS_BACKEND="sync")
    school, admin = school_with_diagnostics(3)
    # The counter fell behind (a restored backup): the first number it gives is taken already, so
    # that certificate fails when written; the group is then written one by one.
    outsider = make_user(email="out@example.org", school=school, full_name="Дмитриев Денис")
    taken = services.issue_for_attempt(finished_attempt(outsider, worst_answer))
    db.session.execute(update(CertificateCounter).values(last=taken.serial - 1))
    db.session.commit()
    batch = run_batch(admin, "diagnostic", school)
    assert batch.status == BatchStatus.FINISHED
    assert (batch.total, batch.issued, batch.failed) == (3, 2, 1)
    assert [e.error for e in batch.errors] == [
        "Не удалось сформировать сертификат (IntegrityError)."
    ]
    numbers = db.session.scalars(select(Certificate.number).order_by(Certificate.serial)).all()
    assert len(numbers) == 3 and len(set(numbers)) == 3
    # The two certificates written have their e-mails; the failed one left nothing behind.
    letters = db.session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.kind == "certificate_issued")
    ).all()
    assert sorted(letters) == sorted(f"Сертификат {number}" for number in numbers)


def test_the_batch_form_refuses_a_school_of_another_municipality(app):
    school = make_school()
    other = make_school(code="t-2", name="МБОУ СОШ № 2", municipality="Другой район")
    make_user(email="admin@example.org", role=Role.ADMIN, position="other")
    client = app.test_client()
    login(client, "admin@example.org")
    response = post_form(
        client,
        "/certificates/admin/batches",
        {
            "kind": "track",
            "school": str(school.id),
            "municipality": str(other.municipality_id),
            "reason": "Очное обучение",
            "confirmed": "1",
        },
        page="/certificates/admin/",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Эта школа не относится к выбранному муниципалитету" in page
    assert "Очное обучение" in page  # what was typed is kept
    assert db.session.scalar(select(func.count(CertificateBatch.id))) == 0


def batch_whose_worker_died(monkeypatch, holders: int) -> CertificateBatch:
    """Start a diagnostic batch for a school of `holders` whose job never runs (stays queued)."""
    school, admin = school_with_diagnostics(holders)
    monkeypatch.setattr(batches, "enqueue", lambda *args: None)
    return batches.start_batch(admin, "diagnostic", {"school_id": school.id})


def test_a_stalled_batch_is_resumed_on_what_it_has_not_reached(app_factory, monkeypatch):
    from datetime import timedelta

    from competence.database import utcnow

    app = app_factory(JOBS_BACKEND="sync")
    batch = batch_whose_worker_died(monkeypatch, 3)
    # One certificate was issued before the worker died.
    from competence.certificates import services
    from competence.diagnostics.models import Attempt

    first = db.session.scalars(select(Attempt).order_by(Attempt.id)).first()
    services.issue_for_attempt(first)
    client = app.test_client()
    login(client, "admin@example.org")
    page = f"/certificates/admin/batches/{batch.id}"
    assert 'id="batch-stalled"' in client.get(page).get_data(as_text=True)
    assert 'd-none" id="batch-stalled' in client.get(page).get_data(as_text=True)
    early = post_form(client, page + "/resume", {}, page=page)
    assert early.status_code == 303  # not stalled yet: nothing restarted
    db.session.refresh(batch)
    assert batch.status == BatchStatus.QUEUED
    batch.created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert client.get(page + ".json").json["stalled"] is True
    monkeypatch.undo()
    resumed = post_form(client, page + "/resume", {}, page=page)
    assert resumed.status_code == 302
    db.session.expire_all()
    batch = db.session.get(CertificateBatch, batch.id)
    assert batch.status == BatchStatus.FINISHED and batch.issued == 2
    assert db.session.scalar(select(func.count(Certificate.id))) == 3
    assert "осталось 2 сертификата" in client.get(page).get_data(as_text=True)


def test_stalled_batches_resume_by_themselves_and_only_once(app_factory, monkeypatch):
    from datetime import timedelta

    from competence.database import utcnow

    app_factory(JOBS_BACKEND="sync")
    batch = batch_whose_worker_died(monkeypatch, 2)
    monkeypatch.undo()
    assert batches.resume_stalled_batches() == 0  # silent for a moment only: not stalled
    batch.created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    # Two processes saw it stalled at the same moment: only one may take it.
    from types import SimpleNamespace

    seen = SimpleNamespace(id=batch.id, progressed_at=None)  # what both had read
    assert batches._claim(seen) is True
    assert batches._claim(seen) is False
    db.session.expire_all()
    batch = db.session.get(CertificateBatch, batch.id)
    batch.progressed_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert batches.resume_stalled_batches() == 1
    db.session.expire_all()
    batch = db.session.get(CertificateBatch, batch.id)
    assert batch.status == BatchStatus.FINISHED and batch.issued == 2
    assert batches.resume_stalled_batches() == 0
    assert db.session.scalar(select(func.count(Certificate.id))) == 2
