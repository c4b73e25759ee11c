"""Checks of instrument items: the fields common to all types and the rules of each type."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from competence.instruments import itemspec, spec
from competence.instruments.fieldchecks import (
    ANY_NUMBER,
    LINK_WEIGHT,
    OPTION_WEIGHT,
    TOLERANCE,
    Report,
    shown,
    suggestion,
)
from competence.instruments.yamlsource import Path

COMMON_REQUIRED = ("id", "type", "competences", "stem")
COMMON_OPTIONAL = ("comment", "difficulty")
TYPE_FIELDS = tuple(
    dict.fromkeys(
        name for body in itemspec.ITEM_BODIES.values() for name in body.required + body.optional
    )
)
SCORINGS = ("partial", "all_or_nothing")


@dataclass(frozen=True)
class ItemContext:
    """What the items of one instrument are checked against, and the scales they refer to."""

    scales: Mapping[str, spec.Scale | None]  # None: declared, but its file has errors
    likert_refs: dict[str, list[Path]] = field(default_factory=dict)


def check_item(
    report: Report, path: Path, item: object, context: ItemContext
) -> tuple[str | None, tuple[str, ...]]:
    """Check one item; return its id and the competences it is linked to."""
    body = itemspec.ITEM_BODIES.get(item.get("type")) if isinstance(item, dict) else None
    if body is None:  # any type's field is accepted, so that the type error is not buried
        required, optional = COMMON_REQUIRED, COMMON_OPTIONAL + TYPE_FIELDS
    else:
        required, optional = COMMON_REQUIRED + body.required, COMMON_OPTIONAL + body.optional
    fields = report.mapping(path, item, required, optional)
    if fields is None:
        return None, ()
    if fields.get("type") is not None and body is None:
        report.error(
            (*path, "type"),
            f"неизвестный тип задания {shown(fields['type'])}; "
            f"{suggestion(fields['type'], itemspec.ITEM_BODIES)}",
        )
    item_id = report.field(fields, "id", path, report.identifier)
    report.field(fields, "stem", path, report.text)
    report.field(fields, "comment", path, report.text)
    report.field(fields, "difficulty", path, _check_difficulty, report)
    links = report.field(fields, "competences", path, report.numbers, LINK_WEIGHT)
    if links == {} and fields["competences"] == {}:
        report.error(
            (*path, "competences"), "задание должно быть связано хотя бы с одной компетенцией"
        )
    if body is not None:
        _TYPE_CHECKS[body.type](report, path, fields, context)
    return item_id, tuple(links or ())


def _check_difficulty(path, value, report: Report) -> None:
    """Check the methodist's stated difficulty: easy, medium or hard."""
    if value not in itemspec.DIFFICULTIES:
        report.error(
            path,
            "сложность задания: ожидается easy (лёгкое), medium (среднее) или hard (трудное), "
            f"указано: {shown(value)}",
        )


def check_likert_scales(report: Report, context: ItemContext) -> None:
    """Report each unknown or unsuitable scale of Likert items once, where it is first used."""
    for ref, paths in context.likert_refs.items():
        if ref not in context.scales:
            known = sorted(i for i, s in context.scales.items() if isinstance(s, spec.LikertScale))
            problem = f"шкала «{ref}» не найдена; известны: {', '.join(known) or 'нет ни одной'}"
        elif isinstance(context.scales[ref], spec.LevelScale):
            problem = (
                f"«{ref}» — шкала уровней (kind: levels), а утверждению нужна шкала "
                "вариантов ответа (kind: likert)"
            )
        else:
            continue
        report.once(paths, problem)


def _options(report: Report, path: Path, fields: dict, minimum: int, weighted: bool) -> list | None:
    """Check options; return their `correct` flags or weights, or None if some cannot be read."""
    options = report.field(fields, "options", path, report.sequence, minimum, "вариантов")
    if not options:
        return None
    ids, marks = [], []
    for index, option in enumerate(options):
        option_path = (*path, "options", index)
        if weighted:
            entry = report.mapping(option_path, option, ("id", "text", "weight"), ())
            mark = report.field(entry, "weight", option_path, report.number, OPTION_WEIGHT)
        else:
            entry = report.mapping(option_path, option, ("id", "text"), ("correct",))
            flag = report.field(entry, "correct", option_path, report.flag)
            mark = None if entry is None or (flag is None and "correct" in entry) else bool(flag)
        ids.append(
            ((*option_path, "id"), report.field(entry, "id", option_path, report.identifier))
        )
        report.field(entry, "text", option_path, report.text)
        marks.append(mark)
    report.unique(ids, "вариант")
    return None if None in marks else marks


def _single_choice(report: Report, path: Path, fields: dict, context: ItemContext) -> None:
    correct = _options(report, path, fields, 3, weighted=False)
    if correct is not None and sum(correct) != 1:
        report.error(
            (*path, "options"),
            "верным (correct: true) должен быть отмечен ровно один вариант, "
            f"отмечено {sum(correct)}",
        )


def _multiple_choice(report: Report, path: Path, fields: dict, context: ItemContext) -> None:
    correct = _options(report, path, fields, 4, weighted=False)
    if correct is not None and sum(correct) < 2:
        report.error(
            (*path, "options"),
            f"нужно не меньше 2 верных вариантов (correct: true), отмечено {sum(correct)}",
        )
    if correct is not None and all(correct):
        report.error((*path, "options"), "нужен хотя бы один неверный вариант (без correct: true)")
    scoring = fields.get("scoring")
    if scoring is not None and scoring not in SCORINGS:
        report.error(
            (*path, "scoring"),
            "способ подсчёта должен быть partial (частичный балл) или all_or_nothing "
            f"(балл только за полностью верный ответ), указано {shown(scoring)}",
        )


def _likert(report: Report, path: Path, fields: dict, context: ItemContext) -> None:
    report.field(fields, "reversed", path, report.flag)
    ref = report.field(fields, "scale", path, report.identifier)
    if ref is not None:
        context.likert_refs.setdefault(ref, []).append((*path, "scale"))


def _situational(report: Report, path: Path, fields: dict, context: ItemContext) -> None:
    weights = _options(report, path, fields, 3, weighted=True)
    if weights is not None and 1 not in weights:
        report.error((*path, "options"), "хотя бы один вариант (лучшее решение) должен иметь вес 1")


def _numeric(report: Report, path: Path, fields: dict, context: ItemContext) -> None:
    report.field(fields, "answer", path, report.number, ANY_NUMBER)
    report.field(fields, "tolerance", path, report.number, TOLERANCE)
    report.field(fields, "unit", path, report.text)


def _matching(report: Report, path: Path, fields: dict, context: ItemContext) -> None:
    lefts, rights = [], []
    for index, pair in enumerate(
        report.field(fields, "pairs", path, report.sequence, 3, "пар") or ()
    ):
        pair_path = (*path, "pairs", index)
        entry = report.mapping(pair_path, pair, ("left", "right"), ())
        lefts.append(
            ((*pair_path, "left"), _stripped(report.field(entry, "left", pair_path, report.text)))
        )
        right = report.field(entry, "right", pair_path, report.text)
        rights.append(((*pair_path, "right"), _stripped(right)))
    for index, text in enumerate(report.field(fields, "distractors", path, report.sequence) or ()):
        text_path = (*path, "distractors", index)
        rights.append((text_path, _stripped(report.text(text_path, text))))
    report.unique(lefts, "левая часть")
    report.unique(rights, "правая часть")


def _ordering(report: Report, path: Path, fields: dict, context: ItemContext) -> None:
    sequence = report.field(fields, "sequence", path, report.sequence, 3, "элементов") or ()
    entries = [
        ((*path, "sequence", i), _stripped(report.text((*path, "sequence", i), text)))
        for i, text in enumerate(sequence)
    ]
    report.unique(entries, "элемент")


def _stripped(text: str | None) -> str | None:
    # Texts are stored stripped, so entries differing only in outer spaces would look the same.
    return text and text.strip()


_TYPE_CHECKS: dict[str, Callable[[Report, Path, dict, ItemContext], None]] = {
    itemspec.SingleChoice.type: _single_choice,
    itemspec.MultipleChoice.type: _multiple_choice,
    itemspec.LikertStatement.type: _likert,
    itemspec.Situational.type: _situational,
    itemspec.Numeric.type: _numeric,
    itemspec.Matching.type: _matching,
    itemspec.Ordering.type: _ordering,
}
