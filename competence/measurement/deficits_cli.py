"""`flask analytics deficits`: deficit shares of a results file, small groups suppressed.

The file is a CSV with the header `teacher_id,municipality,school,competence,deficit` (any order,
other columns ignored), one row per teacher and competence. Every problem is reported with its
row (the header is row 1) and column before the file is refused, as `item-stats` does.
"""

import csv
import io
import json
from pathlib import Path

import click
import numpy as np
from flask import current_app
from flask.cli import with_appcontext

from competence.analytics.suppression import DeficitCells, cells_to_json, suppress_deficits
from competence.measurement.responses import MAX_ERRORS, ResponseError, ResponseFileError

COLUMNS = ("teacher_id", "municipality", "school", "competence", "deficit")
LEVEL_LABELS = {"region": "регион", "municipality": "муниципалитет", "school": "школа"}
HIDDEN = "недостаточно данных"


def read_results(text: str) -> tuple[np.ndarray, ...]:
    """Parse the CSV text into arrays (municipality, school, competence, deficit)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = [cell.strip() for cell in next(reader, [])]
    if not any(header):
        raise ResponseFileError([ResponseError(1, None, "файл пуст: нет заголовка")])
    errors = []
    position: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in position and name in COLUMNS:
            errors.append(ResponseError(1, name, "столбец повторяется"))
        position.setdefault(name, index)
    missing = [name for name in COLUMNS if name not in position]
    errors += [ResponseError(1, name, "нет такого столбца") for name in missing]
    if errors:
        raise ResponseFileError(errors)

    rows: list[tuple[str, ...]] = []
    first_row: dict[tuple[str, str], int] = {}
    for record in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            message = f"в строке {len(record)} значений, а в заголовке {len(header)}"
            errors.append(ResponseError(number, None, message))
            continue
        values = {name: record[position[name]].strip() for name in COLUMNS}
        errors += [ResponseError(number, n, "пустое значение") for n, v in values.items() if not v]
        if values["deficit"] and values["deficit"] not in ("0", "1"):
            message = f"«{values['deficit']}»: дефицит должен быть 0 или 1"
            errors.append(ResponseError(number, "deficit", message))
        key = (values["teacher_id"], values["competence"])
        if all(key) and key in first_row:
            message = (
                f"педагог «{key[0]}» уже есть в строке {first_row[key]} по компетенции «{key[1]}»"
            )
            errors.append(ResponseError(number, "teacher_id", message))
        first_row.setdefault(key, number)
        rows.append(tuple(values[name] for name in COLUMNS[1:]))
        if len(errors) >= MAX_ERRORS:
            break
    if not errors and not rows:
        errors.append(ResponseError(2, None, "файл пуст: нет ни одной строки данных"))
    if errors:
        raise ResponseFileError(errors)
    table = np.array(rows, dtype=str)
    return table[:, 0], table[:, 1], table[:, 2], table[:, 3].astype(np.int64)


def _print_table(cells: DeficitCells) -> None:
    """Print the cells as a readable table, suppressed ones marked."""
    click.echo(f"минимальная группа: {cells.min_group}")
    click.echo(f"{'уровень':<14}{'муниципалитет':<24}{'школа':<28}{'компетенция':<20}", nl=False)
    click.echo(f"{'n':>6}{'с дефицитом':>13}{'доля':>8}")
    for cell in cells_to_json(cells)["cells"]:
        head = (
            f"{LEVEL_LABELS[cell['level']]:<14}{cell['municipality'] or '—':<24}"
            f"{cell['school'] or '—':<28}{cell['competence']:<20}"
        )
        if cell["suppressed"]:
            click.echo(f"{head}{HIDDEN:>27}")
        else:
            click.echo(f"{head}{cell['n']:>6}{cell['with_deficit']:>13}{cell['share']:>8.1%}")


@click.command("deficits")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--min-group",
    type=click.IntRange(min=1),
    default=None,
    help="Smallest group shown (default: the ANALYTICS_MIN_GROUP setting, 5).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@with_appcontext
def deficits_command(path: Path, min_group: int | None, as_json: bool) -> None:
    """Count deficits per region, municipality and school of a results CSV; hide small groups."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException("файл не в кодировке UTF-8") from None
    try:
        arrays = read_results(text)
    except ResponseFileError as error:
        for problem in error.errors:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"ошибок в {path.name}: {len(error.errors)}") from None
    if min_group is None:
        min_group = int(current_app.config["ANALYTICS_MIN_GROUP"])
        if min_group < 1:
            raise click.ClickException(f"ANALYTICS_MIN_GROUP должен быть не меньше 1: {min_group}")
    cells = suppress_deficits(*arrays, min_group=min_group)
    if as_json:
        click.echo(json.dumps(cells_to_json(cells), ensure_ascii=False))
    else:
        _print_table(cells)
