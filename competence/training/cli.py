"""`flask training ...`: the reminders of course groups."""

import click
from flask.cli import AppGroup

from competence.training.reminders import send_reminders

training_cli = AppGroup("training", help="Course groups of catalogue modules.")


@training_cli.command("remind")
def remind_command() -> None:
    """Remind enrolled teachers of groups starting tomorrow (once per enrolment)."""
    sent = send_reminders()
    click.echo(f"{sent} reminder(s) queued")
