"""`flask mail ...`: deliver the outbox once or keep delivering it; forget old letter texts."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from competence.background import run_safely
from competence.outbox.retention import purge_delivered
from competence.outbox.services import deliver_due

# The worker removes expired letter texts at most this often.
PURGE_EVERY_SECONDS = 3600

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
    purge_every = max(1, round(PURGE_EVERY_SECONDS / interval))
    passes = 0
    while True:
        run_safely(app, deliver_due)
        if passes % purge_every == 0:
            run_safely(app, purge_delivered)
        passes += 1
        time.sleep(interval)


@mail_cli.command("purge")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Keep texts this many days (default: OUTBOX_BODY_RETENTION_DAYS).",
)
def purge_command(days: int | None) -> None:
    """Remove the texts and attachments of letters delivered longer ago than the retention."""
    days = current_app.config["OUTBOX_BODY_RETENTION_DAYS"] if days is None else days
    purged = purge_delivered(days)
    click.echo(f"removed the text of {purged} delivered letter(s) older than {days} day(s)")
