"""Benchmark reading uploaded tables against openpyxl's own read-only reading, side by side.

    python benchmarks/bench_imports.py [--repeats 3] [--reported-baseline]

Two files are generated in memory:

- the largest the portal accepts: MAX_TABLE_ROWS rows (the header included) of 40 columns,
  i.e. MAX_TABLE_CELLS filled cells (competence/tabular.py);
- the file of the report (issue 13, defect 7): 100,000 rows of 20 cells, which the portal refuses.

For each, `competence.tabular.read_table` (streamed reading with the limits, cell texts kept) runs
next to a baseline that opens the same bytes with openpyxl in read-only mode and keeps every
row's values: the least any reader does. The script prints the best wall time of each, the peak of
Python allocations (tracemalloc, a separate run so that tracing does not slow the timing) and the
ratios portal / baseline. The baseline on the reported file reads all 2,000,000 cells (what the
portal used to do before refusing it) and takes minutes: it runs with --reported-baseline only.
"""

import argparse
import io
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

if not __package__:  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook, load_workbook  # noqa: E402

from competence.analytics.indicators import EDUCATIONAL_CODES, SOCIAL_CODES  # noqa: E402
from competence.tabular import (  # noqa: E402
    MAX_TABLE_CELLS,
    MAX_TABLE_ROWS,
    TableFormatError,
    read_table,
)

LARGEST_COLUMNS = 40
REPORTED_ROWS, REPORTED_COLUMNS = 100_000, 20


def generate(rows: int, columns: int, distinct_texts: bool = True) -> bytes:
    """Return an XLSX workbook of a header and rows - 1 data rows of indicator-like values.

    Without `distinct_texts` the codes are numbers and the names repeat, as in the reported file
    (844 KB for 2,000,000 cells): its few shared strings let it past the opening, to the rows.
    """
    names = ["year", "school_id", "school_name", "municipality", "group"]
    names += [*EDUCATIONAL_CODES, *SOCIAL_CODES, "excluded"]
    names += [f"note_{n}" for n in range(max(0, columns - len(names)))]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(names[:columns])
    for number in range(1, rows):
        code, name = (number, "")
        if distinct_texts:
            code, name = f"27-{number:05d}", f"МБОУ СОШ № {number}"
        values = [2024, code, name, "Амурский район", "secondary"]
        values += [round((number * 7 + column * 13) % 1000 / 10, 1) for column in range(columns)]
        sheet.append(values[:columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def portal(data: bytes) -> str:
    """Read the file as an import does; say how it ended."""
    try:
        table = read_table("bench.xlsx", data)
    except TableFormatError as error:
        return f"refused: {error}"
    return f"{len(table.rows):,} data rows"


def baseline(data: bytes) -> str:
    """Read every row's values with openpyxl in read-only mode, keeping them."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    return f"{len(rows):,} rows"


def best_time(run: Callable[[bytes], str], data: bytes, repeats: int) -> tuple[float, str]:
    """Return the best wall time of `repeats` runs and what the run said."""
    best, said = float("inf"), ""
    for _ in range(repeats):
        started = time.perf_counter()
        said = run(data)
        best = min(best, time.perf_counter() - started)
    return best, said


def peak_memory(run: Callable[[bytes], str], data: bytes) -> int:
    """Return the peak of Python allocations during one run, in bytes."""
    tracemalloc.start()
    try:
        run(data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def compare(title: str, data: bytes, repeats: int, with_baseline: bool = True) -> None:
    """Print the portal's reader and the baseline side by side on one file."""
    print(f"\n{title}: {len(data) / 1024:,.0f} KB")
    print(f"  {'':10} {'time, s':>9} {'peak, MB':>9}  result")
    readers = (("portal", portal), ("baseline", baseline))
    measured = {}
    for name, run in readers if with_baseline else readers[:1]:
        seconds, said = best_time(run, data, repeats)
        peak = peak_memory(run, data)
        measured[name] = (seconds, peak)
        print(f"  {name:10} {seconds:9.2f} {peak / 2**20:9.1f}  {said[:90]}")
    if with_baseline:
        (seconds, peak), (base_seconds, base_peak) = measured["portal"], measured["baseline"]
        ratios = f"{seconds / base_seconds:8.2f}x {peak / base_peak:8.2f}x"
        print(f"  ratio      {ratios}  portal / baseline")


def main() -> None:
    """Generate both files and compare the readers on each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reported-baseline", action="store_true")
    args = parser.parse_args()
    largest_rows = min(MAX_TABLE_ROWS, MAX_TABLE_CELLS // LARGEST_COLUMNS)
    compare(
        f"Largest allowed file, {largest_rows:,} rows × {LARGEST_COLUMNS} columns",
        generate(largest_rows, LARGEST_COLUMNS),
        args.repeats,
    )
    compare(
        f"Reported file, {REPORTED_ROWS:,} rows × {REPORTED_COLUMNS} columns (over the limit)",
        generate(REPORTED_ROWS, REPORTED_COLUMNS, distinct_texts=False),
        args.repeats,
        with_baseline=args.reported_baseline,
    )


if __name__ == "__main__":
    main()
