"""`flask privacy cleanup`: delete what is past its retention period."""

import click
from flask import current_app
from flask.cli import AppGroup

from competence.privacy.services import purge_expired

privacy_cli = AppGroup("privacy", help="Personal data: retention.")


@privacy_cli.command("cleanup")
def cleanup() -> None:
    """Delete audit entries, sent letters, evidence files and expired links past retention."""
    counts = purge_expired(current_app.config)
    click.echo(
        "Deleted: "
        + ", ".join(f"{name} {count}" for name, count in counts.items())
        + " (retention: audit {AUDIT_RETENTION_DAYS}, letters {OUTBOX_RETENTION_DAYS}, "
        "evidence {EVIDENCE_RETENTION_DAYS} days)".format(**current_app.config)
    )
