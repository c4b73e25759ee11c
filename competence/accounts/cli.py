"""`flask accounts ...`: create administrators and publish consent versions."""

from pathlib import Path

import click
from flask.cli import AppGroup

from competence.accounts import consent, sessions
from competence.accounts.models import Role, User
from competence.accounts.passwords import hash_password, password_problems
from competence.accounts.services import find_by_email, normalize_email
from competence.database import utcnow
from competence.extensions import db

accounts_cli = AppGroup("accounts", help="User accounts and the consent document.")


@accounts_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "full_name", prompt="Full name")
@click.password_option()
def create_admin(email: str, full_name: str, password: str) -> None:
    """Create a confirmed administrator account."""
    if find_by_email(email) is not None:
        raise click.ClickException(f"{email} already has an account")
    problems = password_problems(password, email)
    if problems:
        raise click.ClickException(str(problems[0]))
    db.session.add(
        User(
            email=normalize_email(email),
            password_hash=hash_password(password),
            full_name=full_name,
            position="other",
            role=Role.ADMIN,
            email_confirmed_at=utcnow(),
        )
    )
    db.session.commit()
    click.echo(f"administrator {email} created")


@accounts_cli.command("publish-consent")
@click.argument("version")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", required=True)
def publish_consent(version: str, path: Path, title: str) -> None:
    """Publish a new version of the consent; users accept it at their next visit."""
    consent.publish(version, title, path.read_text(encoding="utf-8"))
    db.session.commit()
    click.echo(f"consent version {version} published")


@accounts_cli.command("purge-sessions")
def purge_sessions() -> None:
    """Delete the rows of sessions that ended or expired more than a day ago."""
    click.echo(f"{sessions.purge_expired()} expired sessions removed")
