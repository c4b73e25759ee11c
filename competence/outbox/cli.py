"""`flask mail ...`: deliver the outbox once or keep delivering it."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from competence.background import run_safely
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
    app = current_app._get_current_object()
    while True:
        run_safely(app, deliver_due)
        time.sleep(interval)
