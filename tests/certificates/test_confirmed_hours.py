"""A track certificate counts only the hours of modules a tutor or an institute record confirmed."""

from datetime import timedelta

from sqlalchemy import func, select

from competence.accounts.models import Role, User
from competence.certificates import services
from competence.certificates.batch import select_targets
from competence.certificates.models import Certificate, CertificateKind
from competence.extensions import db
from competence.tracks import services as tracks
from competence.tracks.models import Confirmation, ModuleStatus, TrackModule
from tests.certificates.helpers import TUTOR_NAME, completed_track, finished_attempt, prepare, tutor
from tests.certificates.test_certificates import check_path, pdf_text
from tests.diagnostics.helpers import best_answer, worst_answer
from tests.factories import login, make_user

NOT_QUALIFICATION = "не является документом о квалификации"


def russian_hours(num: int) -> str:
    """Write «N подтверждённых академических часов» with the Russian plural of N."""
    if num % 10 == 1 and num % 100 != 11:
        return f"{num} подтверждённый академический час"
    if 2 <= num % 10 <= 4 and not 12 <= num % 100 <= 14:
        return f"{num} подтверждённых академических часа"
    return f"{num} подтверждённых академических часов"


def flat_pdf(certificate: Certificate) -> str:
    return " ".join(pdf_text(certificate.pdf)[1].split())


def retake(user, first) -> None:
    """Close the track of `first` with a retake a year later (all answers right)."""
    first.submitted_at -= timedelta(days=400)
    first.started_at -= timedelta(days=400)
    db.session.commit()
    finished_attempt(user, best_answer)


def test_only_confirmed_modules_count_and_the_certificate_says_how_each_was_confirmed(client):
    prepare()
    teacher = make_user(full_name="Лебедева Ольга Сергеевна")
    first = finished_attempt(teacher, worst_answer)
    track = tracks.build_track(first)
    by_tutor, by_record, *self_declared = list(track.modules)
    for entry in [by_tutor, *self_declared]:
        tracks.mark_done(entry, "Выполнено", "", None)
    tracks.confirm_module(by_tutor, Confirmation.TUTOR, tutor())
    # An institute record confirms a module the teacher had not reported: it is done now too.
    tracks.confirm_module(by_record, Confirmation.RECORD, None, "ПК-2026-000042")
    db.session.commit()
    assert by_record.status == ModuleStatus.DONE
    assert tracks.confirmed_hours(track) == by_tutor.hours + by_record.hours
    retake(teacher, first)

    certificate = db.session.scalars(select(Certificate)).one()
    assert certificate.hours == by_tutor.hours + by_record.hours
    titles = [m["title"] for m in certificate.details["modules"]]
    assert titles == [by_tutor.title, by_record.title]
    assert [m["title"] for m in certificate.details["unconfirmed"]] == [
        m.title for m in self_declared
    ]
    flat = flat_pdf(certificate)
    assert f"Сертификат {NOT_QUALIFICATION}" in flat
    assert russian_hours(certificate.hours) in flat
    day = tracks.local_today().strftime("%d.%m.%Y")
    assert (
        f"«{by_tutor.title}» ({by_tutor.hours} ч, {day}) — подтверждено тьютором: {TUTOR_NAME}"
        in flat
    )
    assert "удостоверение о повышении квалификации № ПК-2026-000042" in flat
    # The self-declared modules are mentioned by their count, without hours.
    assert f"не подтверждённых (их часы не засчитаны): {len(self_declared)}." in flat
    assert self_declared[0].title not in flat

    page = client.get(check_path(certificate)).get_data(as_text=True)
    assert "Сертификат действителен" in page
    assert russian_hours(certificate.hours) in page and NOT_QUALIFICATION in page
    login(client, teacher.email)
    track_page = client.get(f"/tracks/{track.id}").get_data(as_text=True)
    assert russian_hours(certificate.hours) in track_page


def test_a_self_declared_module_does_not_count(client):
    prepare()
    track = completed_track(make_user(full_name="Петров Иван Сергеевич"), confirmed=False)
    assert all(m.status == ModuleStatus.DONE for m in track.modules)
    assert tracks.confirmed_hours(track) == 0
    # The retake's growth is still certified, with no hours.
    certificate = db.session.scalars(select(Certificate)).one()
    assert certificate.kind == CertificateKind.TRACK and certificate.hours == 0
    assert certificate.details["modules"] == []
    flat = flat_pdf(certificate)
    assert "академические часы не засчитаны" in flat and "академических час" not in flat
    assert NOT_QUALIFICATION in flat and "повторную диагностику" in flat
    page = client.get(check_path(certificate)).get_data(as_text=True)
    assert "подтверждённых академических часов нет" in page and NOT_QUALIFICATION in page


def test_hours_confirmed_after_the_retake_replace_the_certificate(client):
    prepare()
    teacher = make_user(email="t@example.org")
    track = completed_track(teacher, confirmed=False)
    first = db.session.scalars(select(Certificate)).one()
    assert not services.replaceable(first, track)
    assert select_targets(CertificateKind.TRACK) == []

    entry = db.session.get(TrackModule, track.modules[0].id)
    tracks.confirm_module(entry, Confirmation.TUTOR, tutor())
    db.session.commit()
    assert services.replaceable(first, track)
    # A batch picks the track up, and so does the holder's page.
    assert select_targets(CertificateKind.TRACK) == [track.id]
    make_user(email="admin@example.org", role=Role.ADMIN, full_name="Админ")
    login(client, "admin@example.org")
    holder = client.get("/certificates/admin/holder?email=t@example.org").get_data(as_text=True)
    assert "После его выдачи подтверждены новые часы" in holder

    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    second = services.issue_for_track(track, admin)
    db.session.refresh(first)
    assert first.is_revoked and f"Заменён сертификатом {second.number}" in first.revoke_reason
    assert second.hours == entry.hours and services.active_certificate(track=track) == second
    assert select_targets(CertificateKind.TRACK) == []


def test_an_old_certificate_keeps_the_hours_it_was_issued_with(client):
    prepare()
    track = completed_track(make_user(), confirmed=False)
    certificate = db.session.scalars(select(Certificate)).one()
    # As certificates were stored before only confirmed hours counted: hours of every module
    # done, and no rule in the details.
    old = {k: v for k, v in certificate.details.items() if k not in ("hours_rule", "unconfirmed")}
    old["modules"] = [{"title": m.title, "kind": m.kind, "hours": m.hours} for m in track.modules]
    certificate.details = old
    certificate.hours = sum(m.hours for m in track.modules)
    db.session.commit()
    page = client.get(check_path(certificate)).get_data(as_text=True)
    assert f"{certificate.hours} академических час" in page
    assert "подтверждённ" not in page
    # It is not replaced: confirmations now count fewer hours than it states.
    assert not services.replaceable(certificate, track)
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
