"""The outbox: messages delivered over SMTP, retried on failure, readable without a server."""

import threading
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from competence.accounts.models import Role
from competence.database import utcnow
from competence.extensions import db
from competence.outbox.models import MessageStatus, OutboxMessage
from competence.outbox.services import deliver_due, queue_email
from tests.factories import login, make_user, post_form
from tests.smtp import free_port, text_body


def write_letter(recipient="someone@example.org", attachments=()):
    message = queue_email(
        "password_changed",
        recipient,
        "Проверка",
        "password_changed",
        attachments=attachments,
        user=make_user(email=recipient),
        link="http://localhost/x",
    )
    db.session.commit()
    return message


def test_delivery_with_an_attachment(mail_app, smtp):
    message = write_letter(attachments=(("certificate.pdf", "application/pdf", b"%PDF-1.7 data"),))
    report = deliver_due()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [received] = smtp.wait_for(1)
    assert received["Subject"] == "Проверка"
    assert received["From"] == "ХКИРО <noreply@khkiro.test>"
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "certificate.pdf"
    assert attachment.get_content() == b"%PDF-1.7 data"
    db.session.refresh(message)
    assert message.status == MessageStatus.SENT and message.sent_at is not None
    # A second pass sends nothing again.
    assert deliver_due().sent == 0
    assert len(smtp.messages) == 1


def test_unreachable_server_means_retry_later_then_give_up(app_factory):
    app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2, MAIL_MAX_ATTEMPTS=3)
    message = write_letter()
    report = deliver_due()
    assert (report.sent, report.retried) == (0, 1)
    db.session.refresh(message)
    assert message.status == MessageStatus.PENDING
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > utcnow() + timedelta(seconds=50)

    # Not due yet: nothing is attempted.
    assert deliver_due().retried == 0
    for _ in range(2):
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        deliver_due()
        db.session.refresh(message)
    assert message.attempts == 3
    assert message.status == MessageStatus.FAILED


def test_without_smtp_letters_wait_and_admins_read_them(client):
    write_letter()
    report = deliver_due()
    assert report.enabled is False
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == MessageStatus.PENDING

    make_user(email="admin@example.org", role=Role.ADMIN)
    login(client, "admin@example.org")
    listing = client.get("/admin/outbox").get_data(as_text=True)
    assert "SMTP-сервер не настроен" in listing
    assert "someone@example.org" in listing
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert 'href="http://localhost/x"' in page


def test_admin_puts_a_failed_letter_back_in_the_queue(mail_client, smtp):
    message = write_letter()
    message.status = MessageStatus.FAILED
    message.next_attempt_at = utcnow() + timedelta(hours=4)
    db.session.commit()
    make_user(email="admin@example.org", role=Role.ADMIN)
    login(mail_client, "admin@example.org")
    url = f"/admin/outbox/{message.id}"
    assert "Отправить сейчас" in mail_client.get(url).get_data(as_text=True)
    assert post_form(mail_client, url + "/retry", {}, page=url).status_code == 302
    db.session.refresh(message)
    assert message.status == MessageStatus.PENDING
    assert message.next_attempt_at <= utcnow()


def test_a_sent_letter_is_not_sent_again(mail_client, smtp):
    message = write_letter()
    deliver_due()
    smtp.wait_for(1)
    make_user(email="admin@example.org", role=Role.ADMIN)
    login(mail_client, "admin@example.org")
    url = f"/admin/outbox/{message.id}"
    response = post_form(mail_client, url + "/retry", {}, page=url)
    assert response.status_code == 409
    assert "Письмо уже отправлено" in response.get_data(as_text=True)
    db.session.refresh(message)
    assert message.status == MessageStatus.SENT
    assert deliver_due().sent == 0
    assert len(smtp.messages) == 1


def test_without_smtp_the_letter_is_not_offered_for_sending(client):
    message = write_letter(attachments=(("certificate.pdf", "application/pdf", b"x" * 1536),))
    message.status = MessageStatus.FAILED
    db.session.commit()
    make_user(email="admin@example.org", role=Role.ADMIN)
    login(client, "admin@example.org")
    url = f"/admin/outbox/{message.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Отправить сейчас" not in page
    assert "письмо сейчас не отправить" in page
    assert "certificate.pdf (1,5 КБ)" in page
    response = post_form(client, url + "/retry", {}, page=url)
    assert response.status_code == 409
    assert "SMTP-сервер не настроен" in response.get_data(as_text=True)
    db.session.refresh(message)
    assert message.status == MessageStatus.FAILED


class StopLoop(Exception):
    """Ends a delivery loop after its first pass."""


def test_mail_worker_delivers_on_each_pass(mail_app, smtp, monkeypatch):
    write_letter()

    def sleep(seconds):
        raise StopLoop

    # Replace the module's `time`, not `time.sleep` itself, which the SMTP helper uses too.
    monkeypatch.setattr("competence.outbox.cli.time", SimpleNamespace(sleep=sleep))
    result = mail_app.test_cli_runner().invoke(args=["mail", "worker", "--interval", "1"])
    assert isinstance(result.exception, StopLoop)
    assert "delivering the outbox every 1 s" in result.output
    assert "Пароль вашей учётной записи" in text_body(smtp.wait_for(1)[0])
    assert db.session.scalar(select(OutboxMessage.status)) == MessageStatus.SENT


def test_mail_worker_needs_smtp(runner):
    result = runner.invoke(args=["mail", "worker"])
    assert result.exit_code == 1
    assert "MAIL_SERVER is not set" in result.output


def test_the_dev_servers_housekeeping_loop_delivers_mail(mail_app, smtp, monkeypatch):
    from competence.background import start_housekeeping

    write_letter()
    passed, forever = threading.Event(), threading.Event()

    def sleep(seconds):
        # After one pass the thread waits for good: it is a daemon and outlives the test idle.
        passed.set()
        forever.wait()

    monkeypatch.setattr("competence.background.time", SimpleNamespace(sleep=sleep))
    start_housekeeping(mail_app, (deliver_due,), interval=0.01)
    assert passed.wait(10)
    assert smtp.wait_for(1)[0]["Subject"] == "Проверка"
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage.status)) == MessageStatus.SENT


def test_mail_send_command(mail_app, smtp):
    write_letter()
    result = mail_app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    assert "Пароль вашей учётной записи" in text_body(smtp.wait_for(1)[0])


def test_mail_send_command_without_smtp(runner):
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0
    assert "MAIL_SERVER is not set" in result.output
