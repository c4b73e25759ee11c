"""The catalogue files: validation with file and line (docs/catalog-format.md) and coverage."""

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from competence.instruments import spec
from competence.instruments.audience import POSITIONS, SUBJECTS
from competence.instruments.fieldchecks import Range, Report, ValidationError, suggestion
from competence.instruments.yamlsource import parse_yaml
from competence.tracks.models import MODULE_FORMATS, MODULE_KINDS

REQUIRED = (
    "id",
    "kind",
    "title",
    "description",
    "provider",
    "format",
    "hours",
    "duration_weeks",
    "audience",
    "develops",
)
OPTIONAL = ("url", "municipality")
COURSE_HOURS = (16, 36, 72)
HOURS = Range("число часов должно", 1, 144, whole=True)
WEEKS = Range("продолжительность (в неделях) должна", 1, 52, whole=True)
URL = re.compile(r"https://[^\s]+")


@dataclass(frozen=True)
class CatalogResult:
    """Modules (plain data) from files without errors, and every error found."""

    modules: tuple[dict, ...]
    errors: tuple[ValidationError, ...]


def content_hash(module: dict) -> str:
    """Return the sha256 of a module's canonical JSON."""
    text = json.dumps(module, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def check_module(report: Report, path, module, frameworks: dict, level_ids: dict) -> bool:
    """Check one module in place; return whether it is free of errors."""
    before = len(report.errors)
    data = report.mapping(path, module, REQUIRED, OPTIONAL)
    if data is None:
        return False
    report.field(data, "id", path, report.identifier)
    kind = data.get("kind")
    if kind is not None and kind not in MODULE_KINDS:
        report.error(
            (*path, "kind"), f"неизвестный вид модуля «{kind}»; {suggestion(kind, MODULE_KINDS)}"
        )
    for key in ("title", "description", "provider"):
        report.field(data, key, path, report.text)
    fmt = data.get("format")
    if fmt is not None and fmt not in MODULE_FORMATS:
        report.error(
            (*path, "format"), f"неизвестный формат «{fmt}»; {suggestion(fmt, MODULE_FORMATS)}"
        )
    hours = report.field(data, "hours", path, report.number, HOURS)
    if kind == "course" and hours is not None and hours not in COURSE_HOURS:
        report.error(
            (*path, "hours"),
            f"курс повышения квалификации длится 16, 36 или 72 часа, указано {hours}",
        )
    report.field(data, "duration_weeks", path, report.number, WEEKS)
    if data.get("municipality") is not None:
        report.field(data, "municipality", path, report.text)
    url = data.get("url")
    if url is not None and not (isinstance(url, str) and URL.fullmatch(url)):
        report.error((*path, "url"), "адрес должен начинаться с https:// и не содержать пробелов")
    audience = report.field(
        data, "audience", path, lambda p, v: report.mapping(p, v, ("positions",), ("subjects",))
    )
    if audience is not None:
        report.codes(
            (*path, "audience", "positions"), audience.get("positions"), POSITIONS, "должности", 1
        )
        if audience.get("subjects") is not None:
            report.codes(
                (*path, "audience", "subjects"), audience["subjects"], SUBJECTS, "предмета"
            )
    for index, entry in enumerate(report.field(data, "develops", path, report.sequence, 1) or ()):
        _check_develops(report, (*path, "develops", index), entry, frameworks, level_ids)
    return len(report.errors) == before


def _check_develops(report: Report, path, entry, frameworks: dict, level_ids: dict) -> None:
    """Check one {framework, competence, levels} entry against the frameworks."""
    data = report.mapping(path, entry, ("framework", "competence", "levels"), ())
    if data is None or data.get("framework") is None:
        return
    framework = frameworks.get(data["framework"])
    if framework is None:
        report.error(
            (*path, "framework"),
            f"рамка «{data['framework']}» не найдена; {suggestion(data['framework'], frameworks)}",
        )
        return
    competence = data.get("competence")
    if competence is not None and competence not in framework.competence_ids:
        report.error(
            (*path, "competence"),
            f"в рамке «{framework.id}» нет компетенции «{competence}»; "
            f"{suggestion(competence, sorted(framework.competence_ids))}",
        )
    if data.get("levels") is not None:
        report.codes(
            (*path, "levels"), data["levels"], level_ids.get(framework.levels, ()), "уровня", 1
        )


def validate_catalog(root: Path, objects) -> CatalogResult:
    """Check every catalogue file under `root` against the given frameworks and instruments."""
    frameworks = {o.id: o for o in objects if isinstance(o, spec.Framework)}
    level_ids = {o.id: o.level_ids for o in objects if isinstance(o, spec.LevelScale)}
    modules, errors, first_seen = [], [], {}
    files = sorted(root.rglob("*.yaml")) + sorted(root.rglob("*.yml")) if root.is_dir() else [root]
    for file in files:
        name = file.name if not root.is_dir() else file.relative_to(root).as_posix()
        parsed = parse_yaml(file.read_text(encoding="utf-8"))
        report = Report(
            parsed.data,
            name,
            parsed.lines,
            [ValidationError(name, p.line, p.path, p.message) for p in parsed.problems],
        )
        top = report.mapping((), parsed.data, ("modules",), ()) if not parsed.problems else None
        for index, module in enumerate(report.field(top, "modules", (), report.sequence, 1) or ()):
            path = ("modules", index)
            if check_module(report, path, module, frameworks, level_ids):
                if module["id"] in first_seen:
                    report.error(
                        (*path, "id"),
                        f"модуль «{module['id']}» уже описан в {first_seen[module['id']]}",
                    )
                else:
                    first_seen[module["id"]] = f"{name}:{report.lines.line_of(path)}"
                    modules.append(module)
        errors.extend(report.errors)
    errors.extend(coverage_gaps(modules, objects))
    return CatalogResult(
        tuple(modules), tuple(sorted(errors, key=lambda e: (e.file or "~", e.line or 0)))
    )


def levels_below_threshold(
    instrument: spec.Instrument, scale: spec.LevelScale, competence: str
) -> list[str]:
    """Return the levels whose start lies below the competence's deficit threshold."""
    starts = dict(instrument.cut_scores)
    threshold = instrument.threshold(competence)
    return [level.id for level in scale.levels if starts.get(level.id, level.start) < threshold]


def coverage_gaps(modules, objects) -> list[ValidationError]:
    """Report every (instrument competence, level below threshold) no module addresses."""
    scales = {o.id: o for o in objects if isinstance(o, spec.LevelScale)}
    gaps = []
    for instrument in (o for o in objects if isinstance(o, spec.Instrument)):
        needed = set(instrument.audience.positions)
        for competence in instrument.competences:
            for level in levels_below_threshold(instrument, scales[instrument.levels], competence):
                if not any(
                    _addresses(m, instrument.framework, competence, level, needed) for m in modules
                ):
                    gaps.append(
                        ValidationError(
                            "catalog",
                            None,
                            (),
                            f"пробел в каталоге: инструмент «{instrument.id}», компетенция "
                            f"«{competence}», уровень «{level}»: нет модуля для всех должностей "
                            "аудитории инструмента",
                        )
                    )
    return gaps


def _addresses(module: dict, framework: str, competence: str, level: str, positions: set) -> bool:
    """Tell whether a module develops a competence at a level for all these positions."""
    if not positions <= set(module["audience"]["positions"]):
        return False
    return any(
        entry["framework"] == framework
        and entry["competence"] == competence
        and level in entry["levels"]
        for entry in module["develops"]
    )
