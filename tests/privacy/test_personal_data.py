"""152-ФЗ: a person's copy of their data, consent withdrawal, deletion that keeps aggregates."""

import io
import json
import re
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import MetaData, func, select

from competence.accounts.models import Role, User
from competence.audit import AuditEvent
from competence.certificates.models import Certificate
from competence.certificates.verification import format_check_code
from competence.database import utcnow
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.privacy.models import DeletionRequest
from competence.tracks.models import EvidenceFile, TrackModule
from tests.certificates.helpers import completed_track, finished_attempt, prepare
from tests.diagnostics.helpers import worst_answer
from tests.factories import PASSWORD, login, make_user, post_form

NAME = "Лебедева Ольга Сергеевна"
EMAIL = "lebedeva@example.org"


def person_with_history():
    """A teacher with a completed track, a certificate and an uploaded file; and a colleague."""
    prepare()
    user = make_user(email=EMAIL, full_name=NAME)
    completed_track(user)
    module = db.session.scalars(select(TrackModule).limit(1)).one()
    db.session.add(
        EvidenceFile(
            track_module=module,
            filename="отчёт.pdf",
            content_type="application/pdf",
            size=7,
            data=b"%PDF-1.",
        )
    )
    db.session.commit()
    colleague = make_user(email="colleague@example.org", full_name="Коллегова Ирина")
    finished_attempt(colleague, worst_answer)
    return user


def test_the_json_copy_holds_the_persons_rows_and_no_secrets(client):
    user = person_with_history()
    login(client, EMAIL)
    response = client.get("/profile/data.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data())
    assert data["users"] == [data["users"][0]] and data["users"][0]["email"] == EMAIL
    assert "password_hash" not in data["users"][0]
    for table in (
        "attempts",
        "attempt_answers",
        "competence_scores",
        "development_tracks",
        "track_modules",
        "evidence_files",
        "certificates",
        "consent_records",
        "user_subjects",
        "outbox_messages",
    ):
        assert data.get(table), table
    assert len(data["attempts"]) == 2
    assert {row["attempt_id"] for row in data["attempt_answers"]} == {
        row["id"] for row in data["attempts"]
    }
    [evidence] = data["evidence_files"]
    assert evidence["data"] == {"size": 7, "base64": "JVBERi0xLg=="}
    # Letters are listed, their text (which may hold live links) is not.
    assert all("body_text" not in letter for letter in data["outbox_messages"])
    # Nothing of the colleague.
    assert "colleague@example.org" not in response.get_data(as_text=True)
    assert "Коллегова" not in response.get_data(as_text=True)
    assert all(row["user_id"] == user.id for row in data["attempts"])
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "personal_data_exported")
    )
    assert event.actor_id == user.id and event.details == {"format": "json"}


def test_the_readable_copy_is_a_pdf_with_every_section(client):
    person_with_history()
    login(client, EMAIL)
    response = client.get("/profile/data.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages
    )
    text = " ".join(text.split())
    assert NAME in text and EMAIL in text
    for title in ("Учётная запись и профиль", "Пройденные диагностики", "Сертификаты"):
        assert title in text
    assert "Коллегова" not in text


def test_the_copy_needs_a_signed_in_person(client):
    assert client.get("/profile/data.json").status_code == 302
    assert client.get("/profile/data.pdf").status_code == 302


def figures(client) -> list[str]:
    """Return every percentage and count the director's staff page shows, in order."""
    page = client.get("/staff/").get_data(as_text=True)
    return re.findall(r"\d+(?:,\d+)?\s?%|\d+ из \d+", page)


def every_value() -> str:
    """Return the text of every row of every table (to look for a deleted person's traces)."""
    metadata = MetaData()
    metadata.reflect(db.engine)
    parts = []
    with db.engine.connect() as connection:
        for table in metadata.tables.values():
            for row in connection.execute(select(table)):
                parts.extend(str(v) for v in row if not isinstance(v, bytes))
    return "\n".join(parts)


def test_deletion_erases_the_person_and_keeps_the_aggregates(app, client):
    user = person_with_history()
    make_user(
        email="director@example.org",
        role=Role.DIRECTOR,
        position="director",
        full_name="Директорова Нина",
    )
    make_user(email="admin@example.org", role=Role.ADMIN, full_name="Админова Вера")
    director = app.test_client()
    login(director, "director@example.org")
    before = figures(director)
    assert before and NAME in director.get("/staff/").get_data(as_text=True)
    certificate = db.session.scalars(select(Certificate)).one()
    check = f"/verify/{certificate.number}?code={format_check_code(certificate.check_code)}"

    login(client, EMAIL)
    page = "/profile/delete"
    wrong = post_form(client, page, {"password": "wrong", "understood": "y", "reason": "Ухожу"})
    assert wrong.status_code == 422 and "Неверный пароль" in wrong.get_data(as_text=True)
    unticked = post_form(client, page, {"password": PASSWORD, "reason": "Ухожу"})
    assert unticked.status_code == 422
    assert db.session.scalar(select(func.count(DeletionRequest.id))) == 0

    asked = post_form(client, page, {"password": PASSWORD, "understood": "y", "reason": "Ухожу"})
    assert asked.status_code == 302
    [request] = db.session.scalars(select(DeletionRequest)).all()
    assert request.status == "pending"
    assert "ожидает администратора" in client.get(page).get_data(as_text=True)
    again = post_form(client, page, {"password": PASSWORD, "understood": "y"})
    assert again.status_code == 200  # the page shows the open request; nothing new
    assert db.session.scalar(select(func.count(DeletionRequest.id))) == 1

    admin = app.test_client()
    login(admin, "admin@example.org")
    listing = admin.get("/admin/deletions").get_data(as_text=True)
    assert NAME in listing and "Ухожу" in listing
    done = post_form(admin, f"/admin/deletions/{request.id}/confirm", {}, page="/admin/deletions")
    assert done.status_code == 302
    twice = post_form(admin, f"/admin/deletions/{request.id}/confirm", {}, page="/admin/deletions")
    assert twice.status_code == 409

    db.session.expire_all()
    # Signed out everywhere, and cannot sign in again.
    assert client.get("/cabinet/").status_code == 302
    assert login(client, EMAIL).status_code != 302
    # Nothing names or reaches the person, except the last letter telling them it is done.
    traces = every_value()
    letter = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == EMAIL)).all()
    assert [m.kind for m in letter] == ["deletion_done"]
    for message in letter:
        traces = traces.replace(message.body_text, "").replace(message.body_html, "")
        traces = traces.replace(message.recipient, "")
    assert NAME not in traces and EMAIL not in traces
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0
    certificate = db.session.get(Certificate, certificate.id)
    assert certificate.pdf == b"" and certificate.revoked_at is not None
    assert "Сертификат отозван" in client.get(check).get_data(as_text=True)
    # The director's figures are the same to the digit; the person is listed anonymously.
    assert figures(director) == before
    staff = director.get("/staff/").get_data(as_text=True)
    assert NAME not in staff and "Удалённый пользователь" in staff
    assert db.session.get(User, user.id).school_id is not None


def test_a_refusal_needs_a_reason_and_tells_the_person(app, client):
    person_with_history()
    make_user(email="admin@example.org", role=Role.ADMIN, full_name="Админова Вера")
    login(client, EMAIL)
    post_form(client, "/profile/delete", {"password": PASSWORD, "understood": "y"})
    [request] = db.session.scalars(select(DeletionRequest)).all()
    admin = app.test_client()
    login(admin, "admin@example.org")
    url = f"/admin/deletions/{request.id}/refuse"
    empty = post_form(admin, url, {"note": ""}, page="/admin/deletions")
    assert empty.status_code == 422 and "Укажите причину" in empty.get_data(as_text=True)
    refused = post_form(admin, url, {"note": "Идёт аттестация"}, page="/admin/deletions")
    assert refused.status_code == 302
    db.session.expire_all()
    assert db.session.get(DeletionRequest, request.id).status == "refused"
    letter = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "deletion_refused")
    ).one()
    assert letter.recipient == EMAIL and "Идёт аттестация" in letter.body_text


def test_the_person_can_cancel_an_open_request(client):
    person_with_history()
    login(client, EMAIL)
    post_form(client, "/profile/delete", {"password": PASSWORD, "understood": "y"})
    cancelled = post_form(client, "/profile/delete/cancel", {}, page="/profile/delete")
    assert cancelled.status_code == 302
    [request] = db.session.scalars(select(DeletionRequest)).all()
    db.session.refresh(request)
    assert request.status == "cancelled"
    assert "Отозвать согласие" in client.get("/profile/delete").get_data(as_text=True)


def test_cleanup_deletes_only_what_is_past_its_retention(app, runner):
    person_with_history()
    old = utcnow() - timedelta(days=2000)
    db.session.add(AuditEvent(action="user_signed_in", object_type="user", created_at=old))
    db.session.add(AuditEvent(action="user_signed_in", object_type="user", created_at=utcnow()))
    db.session.add(
        OutboxMessage(
            kind="x",
            recipient="a@example.org",
            subject="s",
            body_text="t",
            body_html="h",
            status="sent",
            sent_at=old,
        )
    )
    db.session.execute(select(EvidenceFile)).scalars().one().uploaded_at = old
    db.session.commit()
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))
    letters_before = db.session.scalar(select(func.count(OutboxMessage.id)))
    result = runner.invoke(args=["privacy", "cleanup"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events_before - 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == letters_before - 1
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0
    assert "audit_events 1" in result.output
