"""`flask diagnostics ...`: housekeeping of attempts."""

import click
from flask.cli import AppGroup

from competence.diagnostics.services import close_expired

diagnostics_cli = AppGroup("diagnostics", help="Attempts at diagnostics.")


@diagnostics_cli.command("close-expired")
def close_expired_command() -> None:
    """Submit the attempts whose time ran out, with the answers they saved."""
    click.echo(f"{close_expired()} attempt(s) closed")
