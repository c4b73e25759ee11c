"""`flask catalog ...`: validate and load the catalogue of development modules."""

from pathlib import Path

import click
from flask.cli import AppGroup

from competence.instruments.cli import DEFAULT_PATH as INSTRUMENTS_DIR
from competence.instruments.validation import validate_tree
from competence.tracks.catalog import validate_catalog
from competence.tracks.library import CATALOG_DIR, CatalogErrors, load_catalog

catalog_cli = AppGroup("catalog", help="The catalogue of development modules.")


@catalog_cli.command("validate")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def validate_command(path: Path | None) -> None:
    """Check the catalogue files (default: instruments/catalog/) and their coverage."""
    objects = validate_tree(INSTRUMENTS_DIR).objects
    result = validate_catalog(path or CATALOG_DIR, objects)
    for error in result.errors:
        click.echo(str(error), err=True)
    if result.errors:
        raise click.ClickException(f"{len(result.errors)} error(s)")
    click.echo(f"{len(result.modules)} module(s): no errors, every deficit level is covered")


@catalog_cli.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def load_command(path: Path | None) -> None:
    """Load the catalogue into the portal (after `flask instruments load`)."""
    try:
        report = load_catalog(path or CATALOG_DIR)
    except CatalogErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"nothing loaded: {len(exc.errors)} error(s)") from None
    click.echo(
        f"created {len(report.created)}, updated {len(report.updated)}, "
        f"retired {len(report.retired)}, unchanged {report.unchanged}"
    )
