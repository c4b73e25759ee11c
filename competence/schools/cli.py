"""`flask schools ...`: the register of schools and the identification of ШНРО/ШНСУ."""

from pathlib import Path

import click
from flask.cli import AppGroup

from competence.schools.registry import RegistryFileError, import_registry

schools_cli = AppGroup("schools", help="Municipalities, schools and their identification.")


@schools_cli.command("import-registry")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_registry_command(path: Path) -> None:
    """Import municipalities and schools from a CSV or XLSX file."""
    try:
        summary = import_registry(path.name, path.read_bytes())
    except RegistryFileError as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"nothing imported: {len(exc.errors)} error(s)") from None
    click.echo(
        f"municipalities created: {len(summary.municipalities_created)}; schools created: "
        f"{summary.schools_created}, updated: {summary.schools_updated}, "
        f"unchanged: {summary.schools_unchanged}"
    )
