"""`flask backup FILE` and `flask restore FILE`."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from competence.backup.archive import BackupError
from competence.backup.services import create_backup, restore_backup
from competence.extensions import db


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Back up the database (evidence files, certificates and letters included) into FILE."""
    try:
        manifest = create_backup(db.engine, file)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(manifest.tables.values())
    click.echo(
        f"Backed up {rows} rows of {len(manifest.tables)} tables ({manifest.dialect}, "
        f"revision {manifest.revision}) into {file}; the file is readable by its owner only."
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Restore FILE into the configured database, which must be new and empty."""
    try:
        manifest = restore_backup(db.engine, file)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(manifest.tables.values())
    click.echo(
        f"Restored {rows} rows of {len(manifest.tables)} tables from the backup of "
        f"{manifest.created_at} (revision {manifest.revision}); every table's row count matches. "
        "Run `flask db upgrade` if this code is newer than the backup."
    )
