"""`flask schools ...`: the register of schools and the identification of ШНРО/ШНСУ."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from competence.analytics.identification import Category, SocialBand, identify, result_to_json
from competence.schools.imports import import_indicators, parse_years
from competence.schools.indicator_files import (
    IndicatorFileError,
    read_indicator_file,
    read_region_means,
)
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


def _years_option(value: str | None) -> tuple[int, ...] | None:
    """Parse the --years option."""
    try:
        return parse_years(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--years") from None


def _fail(errors) -> None:
    """Print every file error to standard error and stop with exit code 1."""
    for error in errors:
        click.echo(str(error), err=True)
    raise click.ClickException(f"nothing imported: {len(errors)} error(s)")


# Both commands read the region's mean scores from the same kind of file.
_region_means_option = click.option(
    "--region-means",
    "means_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV or XLSX file with columns year, indicator, value.",
)


@schools_cli.command("import-indicators")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_region_means_option
@click.option("--years", help="Years the file must contain, e.g. 2022,2023,2024.")
def import_indicators_command(path: Path, means_path: Path | None, years: str | None) -> None:
    """Import indicator values (CSV or XLSX); each year in the file replaces that year."""
    try:
        summary = import_indicators(
            path.name,
            path.read_bytes(),
            means_filename=means_path.name if means_path else None,
            means_data=means_path.read_bytes() if means_path else None,
            years=_years_option(years),
        )
    except IndicatorFileError as error:
        _fail(error.errors)
    batch = summary.batch
    replaced = ", ".join(map(str, summary.replaced_years)) or "none"
    click.echo(
        f"imported rows: {batch.rows}; years: {', '.join(map(str, batch.years))}; "
        f"earlier values replaced for: {replaced}; region means: {summary.region_means}"
    )


@schools_cli.command("identify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_region_means_option
@click.option("--years", help="The three years to analyse, e.g. 2022,2023,2024.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def identify_command(path: Path, means_path: Path | None, years: str | None, as_json: bool) -> None:
    """Identify ШНРО/ШНСУ in an indicator file; the database is not used."""
    chosen = _years_option(years)
    errors, records, means = [], (), None
    try:
        # Without --years the method takes Y-2, Y-1, Y: a year missing for everyone is an error.
        records = read_indicator_file(
            path.name, path.read_bytes(), years=chosen, consecutive_years=chosen is None
        )
    except IndicatorFileError as error:
        errors.extend(error.errors)
    if means_path is not None:
        try:
            means = read_region_means(means_path.name, means_path.read_bytes())
        except IndicatorFileError as error:
            errors.extend(error.errors)
    if errors:
        for error in errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"{len(errors)} error(s) in the files")
    try:
        result = identify(records, means, chosen)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(result_to_json(result), ensure_ascii=False))
        return
    click.echo(f"years: {', '.join(map(str, result.years))}; schools: {len(result.schools)}")
    for title, chosen_schools in _summary_lists(result):
        click.echo(f"{title}: {len(chosen_schools)}")
        for school in chosen_schools:
            click.echo(f"  {school.school_id}  {school.school_name} ({school.municipality})")


def _summary_lists(result):
    """Return the lists the plain-text output shows, with their titles."""
    schools = result.schools
    return [
        ("low results (ШНРО)", [s for s in schools if s.category == Category.LOW_RESULTS]),
        ("risk group", [s for s in schools if s.category == Category.RISK]),
        ("stable high", [s for s in schools if s.category == Category.STABLE_HIGH]),
        (
            "unfavourable conditions (ШНСУ)",
            [s for s in schools if s.social_category == SocialBand.UNFAVOURABLE],
        ),
        ("resilient", [s for s in schools if s.resilient]),
        ("excluded", [s for s in schools if s.excluded]),
    ]
