"""Check scales, frameworks and instruments against docs/instrument-format.md.

Every check runs on plain data (dicts and lists), so files and the web editor share it. All errors
are collected; a check whose subject is already reported as broken (an unknown framework, a scale
with errors of its own) is skipped rather than repeated for everything that depends on it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from competence.instruments import spec
from competence.instruments.fieldchecks import Report, ValidationError
from competence.instruments.keyspread import key_position_warning
from competence.instruments.objectchecks import CHECKS, KINDS, Library, document_kind
from competence.instruments.yamlsource import LineMap, parse_yaml


@dataclass(frozen=True)
class Document:
    """Plain data of one scale, framework or instrument, with its file and lines if it has them.

    As in files, the first key of the data names its kind: scale, framework or instrument.
    """

    data: Any
    file: str | None = None
    lines: LineMap = field(default_factory=LineMap)


@dataclass(frozen=True)
class ValidationResult:
    """Objects of the documents without errors, and all errors sorted by file and line.

    Objects may still refer to a broken one, so nothing should be loaded unless `errors` is empty.
    Warnings do not stop anything (keys of choice items bunched in one position, say).
    """

    objects: tuple[spec.SpecObject, ...]
    errors: tuple[ValidationError, ...]
    warnings: tuple[str, ...] = ()


def validate_tree(
    path: str | FilePath, references: Iterable[spec.SpecObject] = ()
) -> ValidationResult:
    """Validate a YAML file, or all *.yaml and *.yml files under a directory except catalog/."""
    root = FilePath(path)
    if root.is_dir():
        # catalog/ holds development modules, which have a format of their own.
        files = sorted(
            file
            for file in root.rglob("*")
            if file.suffix in (".yaml", ".yml")
            and file.is_file()
            and file.relative_to(root).parts[0] != "catalog"
        )
        names = [file.relative_to(root).as_posix() for file in files]
    else:
        files, names = [root], [root.name]
    reports = []
    for file, name in zip(files, names, strict=True):
        raw = file.read_bytes()
        try:
            reports.append(_read(name, raw.decode("utf-8")))
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            error = ValidationError(name, line, (), "файл должен быть в кодировке UTF-8")
            reports.append(Report(None, name, LineMap(), [error]))
    return _validate(reports, references)


def validate_sources(
    sources: Iterable[tuple[str, str]], references: Iterable[spec.SpecObject] = ()
) -> ValidationResult:
    """Validate YAML texts given as (file name, text) pairs."""
    return _validate([_read(name, text) for name, text in sources], references)


def validate_documents(
    documents: Iterable[Document], references: Iterable[spec.SpecObject] = ()
) -> ValidationResult:
    """Validate documents together; `references` are valid objects their ids may refer to."""
    return _validate([Report(d.data, d.file, d.lines) for d in documents], references)


def _read(name: str, text: str) -> Report:
    parsed = parse_yaml(text)
    found = [ValidationError(name, p.line, p.path, p.message) for p in parsed.problems]
    return Report(parsed.data, name, parsed.lines, found)


def _validate(reports: list[Report], references: Iterable[spec.SpecObject]) -> ValidationResult:
    library = Library(references)
    kinds = [document_kind(report) for report in reports]
    objects: dict[int, spec.SpecObject] = {}
    for kind in KINDS:
        for index, report in enumerate(reports):
            if kinds[index] == kind:
                CHECKS[kind](report, report.data, library)
                obj = library.declare(report, kind)
                if obj is not None:
                    objects[index] = obj
    errors = sorted(
        (error for report in reports for error in report.errors),
        key=lambda error: (error.file or "", error.line or 0),
    )
    valid = tuple(objects[i] for i in sorted(objects))
    warnings = tuple(
        warning
        for obj in valid
        if isinstance(obj, spec.Instrument) and (warning := key_position_warning(obj))
    )
    return ValidationResult(valid, tuple(errors), warnings)
