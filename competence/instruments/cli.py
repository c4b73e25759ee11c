"""`flask instruments ...`: validate, load and export the instrument files."""

from pathlib import Path

import click
from flask.cli import AppGroup

from competence.extensions import db
from competence.instruments import services
from competence.instruments.models import ContentDocument, ContentVersion, VersionStatus
from competence.instruments.validation import validate_tree

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "instruments"

instruments_cli = AppGroup("instruments", help="Diagnostic instruments, frameworks and scales.")


def instruments_root(path: Path) -> Path | None:
    """Return the instruments folder (the one holding scales/ or frameworks/) above `path`.

    None when `path` is that folder itself, which needs no references from outside. A file
    outside any such tree refers to the files beside it.
    """
    start = path.resolve()
    folders = [start, *start.parents] if start.is_dir() else list(start.parents)
    for folder in folders:
        if (folder / "scales").is_dir() or (folder / "frameworks").is_dir():
            return None if folder == start else folder
    return None if start.is_dir() else start.parent


@instruments_cli.command("validate")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def validate_command(path: Path | None) -> None:
    """Check YAML files (default: instruments/) and list every error with file and line."""
    root = path or DEFAULT_PATH
    # A file or folder may refer to frameworks and scales elsewhere in its instruments tree.
    tree = instruments_root(root)
    references = validate_tree(tree).objects if tree is not None else ()
    result = validate_tree(root, references=references)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in result.errors:
        click.echo(str(error), err=True)
    if result.errors:
        raise click.ClickException(f"{len(result.errors)} error(s) in {root}")
    click.echo(f"{len(result.objects)} object(s) in {root}: no errors")


def echo_skipped(report: services.PublicationReport) -> None:
    """Warn about every document a load left at its portal-published version."""
    for version in report.skipped:
        click.echo(
            f"skipped {version.document.kind} {version.document.key}: v{version.number} was "
            f"published in the portal after the last load from files (--force overwrites it)",
            err=True,
        )


@instruments_cli.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--force", is_flag=True, help="Also publish files whose documents were edited in the portal."
)
def load_command(path: Path | None, force: bool) -> None:
    """Publish what changed in the YAML files (default: instruments/); nothing on any error."""
    root = path or DEFAULT_PATH
    try:
        report = services.load_tree(root, force=force)
    except services.ContentErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"nothing loaded: {len(exc.errors)} error(s)") from None
    for version in report.published:
        click.echo(f"published {version.document.kind} {version.document.key} v{version.number}")
    echo_skipped(report)
    summary = f"{len(report.published)} published, {len(report.unchanged)} unchanged"
    click.echo(summary + (f", {len(report.skipped)} skipped" if report.skipped else ""))


@instruments_cli.command("export")
@click.argument("key")
@click.option(
    "--kind", default="instrument", type=click.Choice(["instrument", "framework", "scale"])
)
@click.option("--version", "number", type=int, help="Version number (default: the newest).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def export_command(key: str, kind: str, number: int | None, output: Path | None) -> None:
    """Write a published version as YAML."""
    query = (
        db.select(ContentVersion)
        .join(ContentDocument)
        .where(
            ContentDocument.kind == kind,
            ContentDocument.key == key,
            ContentVersion.status == VersionStatus.PUBLISHED,
        )
        .order_by(ContentVersion.number.desc())
    )
    if number is not None:
        query = query.where(ContentVersion.number == number)
    version = db.session.scalars(query).first()
    if version is None:
        raise click.ClickException(f"no published {kind} {key}" + (f" v{number}" if number else ""))
    text = services.export_yaml(version)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{kind} {key} v{version.number} written to {output}")
    else:
        click.echo(text, nl=False)
