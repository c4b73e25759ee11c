"""`flask translations ...`: extract, update and compile the message catalogues."""

import subprocess
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
TEMPLATE = HERE / "messages.pot"
# English is the language of the message ids, so it needs no catalogue of its own.
LOCALES = ("ru",)

translations_cli = AppGroup("translations", help="Interface message catalogues.")


def _pybabel(*args: str) -> None:
    """Run a pybabel command from the project root, stopping on failure."""
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        raise click.ClickException("pybabel " + " ".join(args) + " failed")


@translations_cli.command("update")
def update() -> None:
    """Extract messages from code and templates and merge them into every catalogue."""
    _pybabel(
        "extract",
        "-F",
        str(HERE / "babel.cfg"),
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "--width",
        "100",
        "-o",
        str(TEMPLATE),
        ".",
    )
    for locale in LOCALES:
        if not (HERE / locale / "LC_MESSAGES" / "messages.po").exists():
            _pybabel("init", "-i", str(TEMPLATE), "-d", str(HERE), "-l", locale)
    _pybabel(
        "update",
        "-i",
        str(TEMPLATE),
        "-d",
        str(HERE),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
        "--width",
        "100",
    )


@translations_cli.command("compile")
def compile_catalogues() -> None:
    """Compile every catalogue to the binary form Flask-Babel reads."""
    _pybabel("compile", "-d", str(HERE), "--statistics")
