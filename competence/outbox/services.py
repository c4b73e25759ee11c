"""Writing e-mails into the outbox and delivering them over SMTP with retries."""

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_mail import Connection, Message
from sqlalchemy import select, update

from competence.database import utcnow
from competence.extensions import db
from competence.outbox.models import MessageStatus, OutboxAttachment, OutboxMessage

log = logging.getLogger(__name__)

# Minutes to wait after the n-th failed attempt; the last value repeats.
RETRY_DELAYS_MINUTES = (1, 5, 15, 60, 240)
# A claimed message is invisible to other senders for this long, so two senders
# (e.g. two gunicorn workers) never deliver the same message twice.
CLAIM_LEASE = timedelta(minutes=5)


def external_url(endpoint: str, **values) -> str:
    """Return an absolute address on the portal (PUBLIC_URL) for e-mails and documents."""
    # Built from PUBLIC_URL rather than the request, so background jobs can build links too.
    public = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        public.netloc, script_name=public.path or "/", url_scheme=public.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def queue_email(
    kind: str,
    recipient: str,
    subject: str,
    template: str,
    locale: str | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    **context,
) -> OutboxMessage:
    """Render `templates/email/<template>.txt|.html` and add the message to the session."""
    body_text, body_html = render_email(template, subject, locale, **context)
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        subject=str(subject),
        body_text=body_text,
        body_html=body_html,
    )
    for filename, content_type, data in attachments:
        message.attachments.append(
            OutboxAttachment(filename=filename, content_type=content_type, data=data)
        )
    db.session.add(message)
    return message


def render_email(template: str, subject: str, locale: str | None = None, **context):
    """Return the text and HTML bodies of a letter in `locale` (default: the portal's)."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = str(subject)
        return (
            render_template(f"email/{template}.txt", **context),
            render_template(f"email/{template}.html", subject=subject, **context),
        )


@dataclass
class DeliveryReport:
    """What one pass of the sender did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    enabled: bool = True


def _claim(message_id: int, now) -> bool:
    """Take a due message for this sender; False if another sender took it first."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == MessageStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + CLAIM_LEASE)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _to_mail(message: OutboxMessage) -> Message:
    """Turn an outbox row into a Flask-Mail message."""
    mail_message = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.body_text,
        html=message.body_html,
    )
    for attachment in message.attachments:
        mail_message.attach(attachment.filename, attachment.content_type, attachment.data)
    return mail_message


def deliver_due(limit: int = 100) -> DeliveryReport:
    """Send the messages whose time has come; record failures and schedule retries."""
    if not current_app.config["MAIL_DELIVERY_ENABLED"]:
        return DeliveryReport(enabled=False)
    report = DeliveryReport()
    now = utcnow()
    due_ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    due_ids = [message_id for message_id in due_ids if _claim(message_id, now)]
    if not due_ids:
        return report
    handled: set[int] = set()
    try:
        with _TimedConnection(current_app.extensions["mail"]) as connection:
            for message_id in due_ids:
                _send_one(connection, db.session.get(OutboxMessage, message_id), report)
                handled.add(message_id)
    except (OSError, smtplib.SMTPException) as exc:
        # The server could not be reached or dropped us: the rest wait for a retry.
        db.session.rollback()
        for message_id in due_ids:
            if message_id not in handled:
                _record_failure(db.session.get(OutboxMessage, message_id), exc, report)
    return report


class _TimedConnection(Connection):
    """A Flask-Mail connection that gives up on an unresponsive server."""

    def configure_host(self):
        """Connect with the configured timeout, then TLS and login as configured."""
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp_class(
            self.mail.server, self.mail.port, timeout=current_app.config["MAIL_TIMEOUT"]
        )
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def _send_one(connection: Connection, message: OutboxMessage, report: DeliveryReport) -> None:
    """Send one message over an open connection and record the outcome."""
    try:
        connection.send(_to_mail(message))
    except smtplib.SMTPRecipientsRefused as exc:
        # The server refuses this address; the connection itself is still usable.
        _record_failure(message, exc, report)
        return
    message.status = MessageStatus.SENT
    message.attempts += 1
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()
    report.sent += 1


def _record_failure(message: OutboxMessage, exc: Exception, report: DeliveryReport) -> None:
    """Count a failed attempt and either schedule a retry or give up."""
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    report.errors.append(f"#{message.id} {message.recipient}: {message.last_error}")
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.status = MessageStatus.FAILED
        report.failed += 1
    else:
        delay = RETRY_DELAYS_MINUTES[min(message.attempts, len(RETRY_DELAYS_MINUTES)) - 1]
        message.next_attempt_at = utcnow() + timedelta(minutes=delay)
        report.retried += 1
    db.session.commit()
    log.warning("e-mail #%s to %s not delivered: %s", message.id, message.recipient, exc)


class OutboxError(Exception):
    """A request about a message that cannot be carried out; the message says why."""

    status = 409

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def retry_now(message: OutboxMessage) -> None:
    """Put a failed or waiting message back at the head of the queue; never a sent one."""
    if not current_app.config["MAIL_DELIVERY_ENABLED"]:
        raise OutboxError(
            _l("No SMTP server is configured (MAIL_SERVER): the letter cannot be sent.")
        )
    # Conditional, so a letter sent meanwhile by the worker is not queued a second time.
    queued = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status != MessageStatus.SENT)
        .values(status=MessageStatus.PENDING, next_attempt_at=utcnow())
    ).rowcount
    db.session.commit()
    if queued != 1:
        raise OutboxError(_l("The letter has already been sent; it is not sent again."))
