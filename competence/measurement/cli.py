"""`flask analytics ...`: item analysis of a file of scores, calibration, deficit shares."""

import json
import math
from pathlib import Path

import click
from flask.cli import AppGroup

from competence.analytics.itemanalysis import ItemAnalysis, analyse, analysis_to_json
from competence.deficits.generator import generate_command
from competence.measurement.deficits_cli import deficits_command
from competence.measurement.responses import ResponseFileError, read_responses

analytics_cli = AppGroup(
    "analytics", help="Item analysis, reliability, Rasch calibration and deficit shares."
)
analytics_cli.add_command(deficits_command)
analytics_cli.add_command(generate_command)


def _cell(value: float | None, digits: int = 2) -> str:
    """Format a statistic for the table: a dash when there is none."""
    return "—" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _print_table(analysis: ItemAnalysis) -> None:
    """Print the analysis as a readable table."""
    scale = analysis.scale
    click.echo(
        f"persons: {scale.n_persons}; items: {len(analysis.items)}; "
        f"alpha: {_cell(scale.alpha, 3)}; SEM: {_cell(scale.sem, 3)} (points of the total)"
    )
    if scale.n_missing:
        click.echo(f"missing scores: {scale.n_missing}, left out pairwise")
    head = f"{'item':<16}{'n':>6}{'facil.':>8}{'discr.':>8}{'U-L':>7}{'α-del':>7}"
    click.echo(f"{head}{'Rasch b':>9}{'SE':>6}{'infit':>7}{'outfit':>7}  flags")
    for report in analysis.items:
        s, r = report.stats, report.rasch
        rasch = (
            f"{_cell(r.difficulty):>9}{_cell(r.se):>6}{_cell(r.infit):>7}{_cell(r.outfit):>7}"
            if r
            else f"{'':>29}"
        )
        flags = list(s.flags) + ([r.status] if r and r.status != "estimated" else [])
        click.echo(
            f"{report.item:<16}{s.n:>6}{_cell(s.facility):>8}{_cell(s.discrimination):>8}"
            f"{_cell(s.upper_lower):>7}{_cell(s.alpha_if_deleted):>7}{rasch}  {', '.join(flags)}"
        )


@analytics_cli.command("item-stats")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def item_stats_command(path: Path, as_json: bool) -> None:
    """Analyse the items of a CSV of scores (person_id, then one column per item, 0..1)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException("the file is not UTF-8 text") from None
    try:
        responses = read_responses(text)
    except ResponseFileError as error:
        for problem in error.errors:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(error.errors)} error(s) in {path.name}") from None
    analysis = analyse(responses.item_ids, responses.scores)
    if as_json:
        click.echo(json.dumps(analysis_to_json(analysis, responses.person_ids), ensure_ascii=False))
    else:
        _print_table(analysis)


@analytics_cli.command("calibrate")
@click.argument("instrument_id", required=False)
def calibrate_command(instrument_id: str | None) -> None:
    """Analyse the latest published version of each instrument (or one) and store the result."""
    from competence.measurement.services import calibrate_latest

    try:
        done = calibrate_latest(instrument_id)
    except LookupError:
        raise click.ClickException(f"no published instrument «{instrument_id}»") from None
    for version, report in done:
        whole = report.whole
        alpha = _cell(whole.alpha, 3) if whole else "—"
        sem = _cell(whole.sem, 1) if whole else "—"
        click.echo(
            f"{version.document.key} v{version.number}: attempts {report.n_attempts}, "
            f"items {len(report.instrument.items)}, alpha {alpha}, SEM {sem} points"
        )
