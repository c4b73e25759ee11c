"""`flask mail ...`: deliver the outbox once or keep delivering it."""

import threading
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from competence.extensions import db
from competence.outbox.services import deliver_due

mail_cli = AppGroup("mail", help="Deliver e-mails waiting in the outbox.")


@mail_cli.command("send")
def send_command() -> None:
    """Send the e-mails that are due now."""
    report = deliver_due()
    if not report.enabled:
        click.echo("MAIL_SERVER is not set: messages stay in the outbox (see /admin/outbox).")
        return
    click.echo(f"sent {report.sent}, retry later {report.retried}, gave up {report.failed}")
    for error in report.errors:
        click.echo(f"  {error}", err=True)


@mail_cli.command("worker")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between passes.")
def worker_command(interval: float) -> None:
    """Keep delivering the outbox until interrupted."""
    if not current_app.config["MAIL_DELIVERY_ENABLED"]:
        raise click.ClickException("MAIL_SERVER is not set: there is nothing to deliver to.")
    click.echo(f"delivering the outbox every {interval:g} s; Ctrl+C stops")
    while True:
        _one_pass()
        time.sleep(interval)


def _one_pass() -> None:
    """Run one delivery pass, never letting an error end the loop."""
    try:
        deliver_due()
    except Exception:  # noqa: BLE001 - a loop that dies silently loses every later e-mail
        current_app.logger.exception("outbox delivery pass failed")
        db.session.rollback()
    finally:
        db.session.remove()


def start_background_sender(app: Flask, interval: float = 10.0) -> threading.Thread:
    """Deliver the outbox from a daemon thread of the development server."""

    def loop() -> None:
        while True:
            with app.app_context():
                _one_pass()
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="outbox-sender", daemon=True)
    thread.start()
    return thread
