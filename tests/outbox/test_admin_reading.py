"""Administrators read the outbox: paged and filtered, links masked, every reading logged,
and the texts of delivered letters forgotten after the retention period."""

import re
from datetime import timedelta

from sqlalchemy import select

from competence.audit import AuditEvent
from competence.database import utcnow
from competence.extensions import db
from competence.outbox.models import MessageStatus, OutboxAttachment, OutboxMessage
from competence.outbox.services import queue_email
from tests.audit.helpers import admin_client
from tests.factories import make_user, post_form


def letter(recipient="someone@example.org", status=MessageStatus.PENDING, sent_days_ago=None):
    message = queue_email(
        "password_changed",
        recipient,
        "Проверка",
        "password_changed",
        attachments=(("certificate.pdf", "application/pdf", b"%PDF-1.7"),),
        user=make_user(email=recipient) if recipient.startswith("u") else None,
        link="http://localhost/password/forgot",
    )
    message.status = status
    if sent_days_ago is not None:
        message.sent_at = utcnow() - timedelta(days=sent_days_ago)
    db.session.commit()
    return message


def rows(page: str) -> int:
    return (
        page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")
        if "<tbody>" in page
        else 0
    )


def test_the_outbox_is_paged_and_filtered_by_state_and_recipient(client):
    admin_client(client)
    for number in range(30):
        letter(f"teacher{number}@example.org")
    for number in range(3):
        letter(f"sent{number}@school.example", status=MessageStatus.SENT, sent_days_ago=1)
    first = client.get("/admin/outbox?per_page=25").get_data(as_text=True)
    assert rows(first) == 25 and "Найдено писем: 33. Страница 1 из 2." in first
    second_link = re.search(r'href="(/admin/outbox\?[^"]*\bpage=2\b[^"]*)"', first).group(1)
    assert "per_page=25" in second_link
    assert rows(client.get(second_link.replace("&amp;", "&")).get_data(as_text=True)) == 8
    assert rows(client.get("/admin/outbox?status=sent").get_data(as_text=True)) == 3
    found = client.get("/admin/outbox?recipient=SCHOOL.example").get_data(as_text=True)
    assert rows(found) == 3 and "Найдено писем: 3" in found
    both = client.get("/admin/outbox?recipient=teacher1&status=pending").get_data(as_text=True)
    assert rows(both) == 11  # teacher1, teacher10..19
    # A page size that is not offered falls back to the default (50).
    huge = client.get("/admin/outbox?per_page=100000").get_data(as_text=True)
    assert rows(huge) == 33 and '<option value="50" selected>' in huge


def test_an_admin_never_sees_the_token_of_a_reset_link_and_each_reading_is_logged(client):
    make_user(email="teacher@example.org")
    assert (
        post_form(client, "/password/forgot", {"email": "teacher@example.org"}).status_code == 200
    )
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reset_password"))
    token = re.search(r"/password/reset/([^\s\"<]+)", message.body_text).group(1)
    assert len(token) >= 20 and token in message.body_html

    admin = admin_client(client)
    url = f"/admin/outbox/{message.id}"
    page = client.get(url).get_data(as_text=True)
    assert token not in page
    assert token.rsplit(".", 1)[-1] not in page  # not even the signature alone
    assert "http://localhost/password/reset/«…»" in page
    # The letter still reads as a letter (the HTML version too, masked).
    assert "HTML-версия письма" in page and "&lt;html" in page.lower()
    client.get(url)
    reads = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "outbox_letter_read")
    ).all()
    assert [(e.actor_id, e.object_id) for e in reads] == [(admin.id, str(message.id))] * 2
    log = client.get("/admin/audit?action=outbox_letter_read").get_data(as_text=True)
    assert f"Прочитано письмо № {message.id}, получатель: teacher@example.org" in log
    # The confirmation link of a registration is masked the same way.
    assert token not in client.get("/admin/outbox").get_data(as_text=True)


def test_a_confirmation_link_is_masked_too(client):
    from competence.accounts import services

    user = make_user(email="new@example.org", confirmed=False)
    services.resend_confirmation(user.email)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "confirm_email"))
    token = re.search(r"/confirm/([^\s\"<]+)", message.body_text).group(1)
    admin_client(client)
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert token not in page and "/confirm/«…»" in page


def test_delivered_letters_lose_their_text_after_the_retention_period(app, client, runner):
    old = letter("old@example.org", status=MessageStatus.SENT, sent_days_ago=31)
    recent = letter("recent@example.org", status=MessageStatus.SENT, sent_days_ago=5)
    waiting = letter("waiting@example.org")
    waiting.created_at = utcnow() - timedelta(days=90)
    db.session.commit()
    assert app.config["OUTBOX_BODY_RETENTION_DAYS"] == 30

    result = runner.invoke(args=["mail", "purge"])
    assert result.exit_code == 0, result.output
    assert "removed the text of 1 delivered letter(s) older than 30 day(s)" in result.output
    db.session.expire_all()
    assert (old.body_text, old.body_html) == ("", "") and old.body_purged_at is not None
    assert old.subject == "Проверка" and old.recipient == "old@example.org"
    assert recent.body_text and waiting.body_text
    remaining = db.session.scalars(select(OutboxAttachment.message_id)).all()
    assert old.id not in remaining and {recent.id, waiting.id} <= set(remaining)
    purge = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox_bodies_purged"))
    assert purge.details == {"letters": 1, "days": 30}

    admin_client(client)
    page = client.get(f"/admin/outbox/{old.id}").get_data(as_text=True)
    assert "Текст удалён по сроку хранения" in page
    assert "HTML-версия письма" not in page

    # A second run finds nothing new; a shorter period given on the command line takes the next.
    assert "removed the text of 0" in runner.invoke(args=["mail", "purge"]).output
    assert "removed the text of 1" in runner.invoke(args=["mail", "purge", "--days", "3"]).output
    db.session.expire_all()
    assert recent.body_text == "" and waiting.body_text
