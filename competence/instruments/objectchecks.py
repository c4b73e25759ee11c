"""Checks of scales, frameworks and instruments, and the library their references resolve in."""

import re
from collections.abc import Iterable
from typing import Any

from competence.instruments import spec
from competence.instruments.audience import POSITIONS, SUBJECTS
from competence.instruments.fieldchecks import (
    ATTEMPTS,
    COOLDOWN,
    FORM_SIZE,
    IDENTIFIER,
    LEVEL_START,
    PERCENT,
    TIME_LIMIT,
    WHOLE_NUMBER,
    Report,
    describe,
    number_text,
    shown,
)
from competence.instruments.itemchecks import ItemContext, check_item, check_likert_scales
from competence.instruments.yamlsource import Path

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
KINDS = ("scale", "framework", "instrument")  # also the order of checking: later kinds refer back
_DUPLICATE = {
    "scale": "шкала «{}» уже описана в {}",
    "framework": "рамка «{}» уже описана в {}",
    "instrument": "инструмент «{}» уже описан в {}",
}
_INSTRUMENT_REQUIRED = (
    "instrument", "title", "description", "framework", "audience", "time_limit_minutes", "retake",
    "levels", "deficit_threshold", "competences", "items",
)  # fmt: skip


class Library:
    """Objects by (kind, id) that references resolve to; None marks one declared with errors."""

    def __init__(self, references: Iterable[spec.SpecObject]) -> None:
        self.objects: dict[tuple[str, str], spec.SpecObject | None] = {
            (spec.kind_of(obj), obj.id): obj for obj in references
        }
        self.files: dict[tuple[str, str], str | None] = {}

    def declare(self, report: Report, kind: str) -> spec.SpecObject | None:
        """Register the checked document; return its object if it has no errors."""
        ident = report.data[kind]
        if not (isinstance(ident, str) and IDENTIFIER.fullmatch(ident)):
            return None
        if (kind, ident) in self.files:
            where = self.files[(kind, ident)]
            place = f"файле {where}" if where else "другом документе"
            report.error((kind,), _DUPLICATE[kind].format(ident, place))
            return None
        self.files[(kind, ident)] = report.file
        obj = None if report.errors else spec.from_data(report.data)
        self.objects[(kind, ident)] = obj
        return obj

    def get(self, report: Report, path: Path, kind: str, ident: str | None) -> Any:
        """Return the object an id refers to; report it if there is no such object."""
        if ident is None:
            return None
        if (kind, ident) not in self.objects:
            known = sorted(i for k, i in self.objects if k == kind)
            noun = "шкала «{}» не найдена" if kind == "scale" else "рамка «{}» не найдена"
            report.error(
                path, f"{noun.format(ident)}; известны: {', '.join(known) or 'нет ни одной'}"
            )
            return None
        return self.objects[(kind, ident)]

    def scales(self) -> dict[str, spec.Scale | None]:
        """Return the scales by id."""
        return {ident: obj for (kind, ident), obj in self.objects.items() if kind == "scale"}


def document_kind(report: Report) -> str | None:
    """Return the kind named by the first key of a document, or None after reporting why not."""
    if report.data is None and report.errors:
        return None
    expected = "описание шкалы (scale:), рамки (framework:) или инструмента (instrument:)"
    if report.data is None:
        report.error((), f"документ пуст: ожидается {expected}")
        return None
    if not isinstance(report.data, dict):
        report.error((), f"ожидается {expected}, указано: {describe(report.data)}")
        return None
    first = next(iter(report.data), None)
    if first not in KINDS:
        report.error(
            (), f"первым полем должно быть scale, framework или instrument, указано {shown(first)}"
        )
        return None
    return first


def _check_scale(report: Report, data: dict, library: Library) -> None:
    body = {"levels": "levels", "likert": "points"}.get(data.get("kind"))
    required = ("scale", "kind", "title", *([body] if body else []))
    report.mapping((), data, required, () if body else ("levels", "points"))
    report.field(data, "scale", (), report.identifier)
    report.field(data, "title", (), report.text)
    if body is None and data.get("kind") is not None:
        report.error(
            ("kind",),
            "вид шкалы должен быть levels (уровни) или likert (варианты ответа), "
            f"указано {shown(data['kind'])}",
        )
    elif body == "levels":
        _check_levels(report, report.field(data, "levels", (), report.sequence, 2, "уровней"))
    elif body == "points":
        _check_points(report, report.field(data, "points", (), report.sequence, 2, "вариантов"))


def _check_levels(report: Report, levels: list | None) -> None:
    ids, starts = [], []
    for index, level in enumerate(levels or ()):
        path = ("levels", index)
        fields = report.mapping(path, level, ("id", "title", "from"), ())
        level_id = report.field(fields, "id", path, report.identifier)
        report.field(fields, "title", path, report.text)
        ids.append(((*path, "id"), level_id))
        start = report.field(fields, "from", path, report.number, LEVEL_START)
        starts.append(((*path, "from"), level_id, start, ""))
    report.unique(ids, "уровень")
    _check_ascending(report, starts)


def _check_points(report: Report, points: list | None) -> None:
    previous = None
    for index, point in enumerate(points or ()):
        path = ("points", index)
        fields = report.mapping(path, point, ("value", "label"), ())
        report.field(fields, "label", path, report.text)
        value = report.field(fields, "value", path, report.number, WHOLE_NUMBER)
        if value is not None and previous is not None and value != previous + 1:
            report.error(
                (*path, "value"),
                "значения должны идти по возрастанию подряд: "
                f"после {previous} ожидается {previous + 1}, указано {value}",
            )
        previous = value if value is not None else previous


def _check_ascending(
    report: Report, starts: list[tuple[Path, str | None, float | None, str]]
) -> None:
    """Check level starts given as (path, level id, start, where the start comes from)."""
    previous = None
    for entry in starts:
        path, level_id, start, origin = entry
        if start is None:
            continue
        if previous is None and start != 0:
            report.error(
                path, f"первый уровень всегда начинается с 0, указано {number_text(start)}"
            )
        elif previous is not None and start <= previous[2]:
            before_path, before_id, before, before_origin = previous
            report.error(
                before_path if origin else path,
                f"начало уровня «{level_id}» ({number_text(start)}{origin}) должно быть больше "
                f"начала предыдущего уровня «{before_id}» ({number_text(before)}{before_origin})",
            )
        previous = entry


def _check_framework(report: Report, data: dict, library: Library) -> None:
    report.mapping((), data, ("framework", "title", "levels", "areas"), ())
    report.field(data, "framework", (), report.identifier)
    report.field(data, "title", (), report.text)
    scale = _level_scale(report, data, library)
    areas, competences = [], []
    areas_listed = report.field(
        data, "areas", (), report.sequence, 1, "", "в рамке нет ни одной области"
    )
    for index, area in enumerate(areas_listed or ()):
        path = ("areas", index)
        fields = report.mapping(path, area, ("id", "title", "competences"), ())
        areas.append(((*path, "id"), report.field(fields, "id", path, report.identifier)))
        report.field(fields, "title", path, report.text)
        no_competences = (
            "в области нет ни одной компетенции: добавьте компетенцию или удалите область"
        )
        listed = (
            report.field(fields, "competences", path, report.sequence, 1, "", no_competences) or ()
        )
        for position, competence in enumerate(listed):
            entry_path = (*path, "competences", position)
            entry = report.mapping(
                entry_path, competence, ("id", "title", "description", "descriptors"), ()
            )
            competence_id = report.field(entry, "id", entry_path, report.identifier)
            competences.append(((*entry_path, "id"), competence_id))
            report.field(entry, "title", entry_path, report.text)
            report.field(entry, "description", entry_path, report.text)
            descriptors = report.field(entry, "descriptors", entry_path, report.mapping)
            if descriptors is not None:
                _check_descriptors(report, (*entry_path, "descriptors"), descriptors, scale)
    report.unique(areas, "область")
    report.unique(competences, "компетенция")


def _level_scale(report: Report, data: dict, library: Library) -> spec.LevelScale | None:
    scale_id = report.field(data, "levels", (), report.identifier)
    scale = library.get(report, ("levels",), "scale", scale_id)
    if isinstance(scale, spec.LikertScale):
        report.error(
            ("levels",),
            f"«{scale_id}» — шкала вариантов ответа (kind: likert), а здесь нужна шкала уровней "
            "(kind: levels)",
        )
        return None
    return scale


def _check_descriptors(
    report: Report, path: Path, descriptors: dict, scale: spec.LevelScale | None
) -> None:
    for level, text in descriptors.items():
        if scale is not None and level not in scale.level_ids:
            expected = ", ".join(scale.level_ids)
            report.error(
                (*path, level), f"уровня «{level}» нет в шкале «{scale.id}»; допустимы: {expected}"
            )
        else:
            report.text((*path, level), text)
    missing = [level for level in (scale.level_ids if scale else ()) if level not in descriptors]
    if missing:
        report.error(
            path,
            f"нет описания уровней: {', '.join(missing)}; "
            f"нужно описание каждого уровня шкалы «{scale.id}»",
        )


def _check_instrument(report: Report, data: dict, library: Library) -> None:
    report.mapping((), data, _INSTRUMENT_REQUIRED, ("cut_scores", "thresholds", "review", "form"))
    report.field(data, "instrument", (), report.identifier)
    report.field(data, "title", (), report.text)
    report.field(data, "description", (), report.text)
    framework_id = report.field(data, "framework", (), report.identifier)
    framework = library.get(report, ("framework",), "framework", framework_id)
    if framework is not None and data.get("levels") not in (None, framework.levels):
        report.error(
            ("levels",),
            f"шкала уровней должна совпадать со шкалой рамки «{framework.id}»: "
            f"ожидается «{framework.levels}», указано {shown(data['levels'])}",
        )
        scale = None
    else:
        scale = _level_scale(report, data, library)
    _check_rules(report, data)
    _check_cut_scores(report, data, scale)
    _check_items(report, data, library, _check_competences(report, data, framework))


def _check_rules(report: Report, data: dict) -> None:
    """Check who is offered the instrument, its time limit, retakes and deficit threshold."""
    audience = report.field(data, "audience", (), report.mapping, ("positions",), ("subjects",))
    report.field(
        audience,
        "positions",
        ("audience",),
        report.codes,
        POSITIONS,
        "должности",
        1,
        "не указана ни одна должность",
    )
    report.field(audience, "subjects", ("audience",), report.codes, SUBJECTS, "предмета")
    report.field(data, "time_limit_minutes", (), report.number, TIME_LIMIT)
    retake = report.field(
        data, "retake", (), report.mapping, ("cooldown_days", "attempts_per_year"), ()
    )
    report.field(retake, "cooldown_days", ("retake",), report.number, COOLDOWN)
    report.field(retake, "attempts_per_year", ("retake",), report.number, ATTEMPTS)
    report.field(data, "review", (), _check_review, report)
    report.field(data, "deficit_threshold", (), report.number, PERCENT)


def _form_size(report: Report, data: dict) -> int | None:
    """Check the form drawn for one sitting; return its items per competence, if valid."""
    form = report.field(data, "form", (), report.mapping, ("items_per_competence",), ())
    return report.field(form, "items_per_competence", ("form",), report.number, FORM_SIZE)


def _check_review(path: Path, value: Any, report: Report) -> None:
    """Check when takers may review their answers: immediately, never or from a date."""
    if value in (spec.REVIEW_IMMEDIATELY, spec.REVIEW_NEVER):
        return
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            spec.review_date(value)
            return
        except ValueError:  # 2027-02-30
            pass
    report.error(
        path,
        "разбор ответов: ожидается immediately (сразу), never (никогда) или дата "
        f"в виде ГГГГ-ММ-ДД, указано: {shown(value)}",
    )


def _check_competences(
    report: Report, data: dict, framework: spec.Framework | None
) -> tuple[set[str], dict[str, Path]] | None:
    """Check the competence list and thresholds.

    Return the listed ids and, by id, where those that need 3 linked items are listed (all but
    ones missing from the framework, which are reported as such); None when the list itself is
    broken and item links cannot be checked against it.
    """
    listed = report.field(
        data,
        "competences",
        (),
        report.sequence,
        1,
        "",
        "не выбрана ни одна измеряемая компетенция",
    )
    if listed is None:
        report.field(data, "thresholds", (), report.numbers, PERCENT)
        return None
    entries = [(("competences", i), c) for i, c in enumerate(listed)]
    entries = [(path, report.identifier(path, competence)) for path, competence in entries]
    report.unique(entries, "компетенция")
    known, counted = set(), {}
    for path, competence in entries:
        if competence is None or competence in known:
            continue
        known.add(competence)
        if framework is not None and competence not in framework.competence_ids:
            report.error(path, f"компетенции «{competence}» нет в рамке «{framework.id}»")
        else:
            counted[competence] = path
    unlisted = "порог указан для компетенции «{}», которой нет в списке competences инструмента"
    report.field(data, "thresholds", (), report.numbers, PERCENT, known, unlisted)
    return known, counted


def _check_items(
    report: Report,
    data: dict,
    library: Library,
    competences: tuple[set[str], dict[str, Path]] | None,
) -> None:
    context = ItemContext(library.scales())
    ids, links = [], {}
    no_items = "в инструменте нет ни одного задания"
    for index, item in enumerate(
        report.field(data, "items", (), report.sequence, 1, "", no_items) or ()
    ):
        item_id, linked = check_item(report, ("items", index), item, context)
        ids.append((("items", index, "id"), item_id))
        for competence in linked:
            links.setdefault(competence, []).append(("items", index, "competences", competence))
    report.unique(ids, "задание")
    check_likert_scales(report, context)
    if competences is None:
        return
    known, counted = competences
    for competence, paths in links.items():
        if competence not in known:
            report.once(paths, f"компетенция «{competence}» не указана в списке competences")
    # A bank must hold at least one sitting's form of every competence.
    needed = _form_size(report, data) or 3
    for competence, path in counted.items():
        count = len(links.get(competence, ()))
        if count < needed:
            report.error(
                path,
                f"с компетенцией «{competence}» связано заданий: {count}, нужно не меньше {needed}",
            )


def _check_cut_scores(report: Report, data: dict, scale: spec.LevelScale | None) -> None:
    unknown = f"уровня «{{}}» нет в шкале «{scale.id}»" if scale else ""
    levels = scale.level_ids if scale else None
    cut_scores = report.field(data, "cut_scores", (), report.numbers, LEVEL_START, levels, unknown)
    if scale is None or cut_scores is None:
        return
    # Levels without an override keep the start from the scale, and the message says so; an
    # invalid override is already reported and left out.
    _check_ascending(
        report,
        [
            (("cut_scores", lv.id), lv.id, cut_scores[lv.id], "")
            if lv.id in cut_scores
            else (("cut_scores",), lv.id, lv.start, f" по шкале {scale.id}")
            for lv in scale.levels
        ],
    )


CHECKS = {"scale": _check_scale, "framework": _check_framework, "instrument": _check_instrument}
