"""Validation messages as the portal's editor says them: in the methodist's words, not YAML's.

`flask instruments validate` speaks to authors of YAML files: file:line, `items[2].options`,
`correct: true`. The editor's user never sees the YAML, so here a question is named by its number,
a competence, level or framework by its title, and the field names of the format disappear.
"""

import re
from dataclasses import dataclass, field

from competence.instruments import spec
from competence.instruments.fieldchecks import ValidationError
from competence.instruments.yamlsource import Path

# The format's field names, as the editor labels them.
FIELD_LABELS = {
    "title": "Название",
    "description": "Описание",
    "stem": "Вопрос или утверждение",
    "comment": "Комментарий методиста",
    "options": "Варианты ответа",
    "text": "Текст",
    "id": "Идентификатор",
    "type": "Тип задания",
    "competences": "Компетенции",
    "weight": "Вес",
    "scale": "Шкала ответов",
    "answer": "Верный ответ",
    "tolerance": "Допуск",
    "unit": "Единица измерения",
    "pairs": "Пары",
    "left": "Левая часть",
    "right": "Правая часть",
    "distractors": "Лишние правые части",
    "sequence": "Элементы по порядку",
    "descriptors": "Описания уровней",
    "areas": "Области",
    "items": "Задания",
    "levels": "Шкала уровней",
    "audience": "Кому предлагается",
    "positions": "Должности",
    "subjects": "Предметы",
    "time_limit_minutes": "Время на выполнение",
    "retake": "Повторное прохождение",
    "cooldown_days": "Перерыв перед повторной попыткой",
    "attempts_per_year": "Попыток в год",
    "deficit_threshold": "Порог дефицита",
    "thresholds": "Пороги компетенций",
    "cut_scores": "Начала уровней",
}
# YAML notation that means nothing to someone who never sees the file.
_NOTATION = (
    (" (correct: true)", ""),
    (" (без correct: true)", ""),
    (" (kind: levels)", ""),
    (" (kind: likert)", ""),
    ("в списке competences инструмента", "в списке измеряемых компетенций"),
    ("в списке competences", "в списке измеряемых компетенций инструмента"),
)
_NAMED = re.compile(r"(компетенци\w*|рамк\w*|уровн\w*|поле|поля) «([^»]+)»")
_DEPENDENT = "instrument:"


@dataclass(frozen=True)
class Vocabulary:
    """Titles by id, to name things in messages; `content` is the draft the errors are about."""

    content: dict = field(default_factory=dict)
    competences: dict[str, str] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)
    frameworks: dict[str, str] = field(default_factory=dict)
    instruments: dict[str, str] = field(default_factory=dict)


def vocabulary(content: dict, library) -> Vocabulary:
    """Collect the titles a draft's messages may mention, from the draft and the library."""
    competences, levels, frameworks, instruments = {}, {}, {}, {}
    own = content.get("framework") if isinstance(content, dict) else None
    # Competence ids are unique within a framework only: the draft's own framework goes last.
    for obj in sorted(library, key=lambda o: isinstance(o, spec.Framework) and o.id == own):
        if isinstance(obj, spec.Framework):
            frameworks[obj.id] = obj.title
            for area in obj.areas:
                competences.update((c.id, c.title) for c in area.competences)
        elif isinstance(obj, spec.LevelScale):
            levels.update((level.id, level.title) for level in obj.levels)
        elif isinstance(obj, spec.Instrument):
            instruments[obj.id] = obj.title
    if isinstance(content, dict) and "framework" in content and "areas" in content:
        # The draft's own titles win over the published ones they may be renaming.
        for area in _dicts(content.get("areas")):
            competences.update(
                (c["id"], c["title"])
                for c in _dicts(area.get("competences"))
                if isinstance(c.get("id"), str) and isinstance(c.get("title"), str)
            )
    return Vocabulary(content, competences, levels, frameworks, instruments)


def plain(error: ValidationError, words: Vocabulary) -> str:
    """Return the message of an error without YAML notation, naming things by their titles."""
    message = error.message
    for notation, replacement in _NOTATION:
        message = message.replace(notation, replacement)

    def titled(match: re.Match) -> str:
        noun, ident = match.groups()
        if noun.startswith("пол"):
            title = FIELD_LABELS.get(ident)
        else:
            table = {"к": words.competences, "р": words.frameworks, "у": words.levels}[noun[0]]
            title = table.get(ident)
        return f"{noun} «{title or ident}»"

    return _NAMED.sub(titled, message)


def placed(error: ValidationError, words: Vocabulary) -> str:
    """Return the message of an error led by the place it concerns: «Вопрос 3: …»."""
    message = plain(error, words)
    place = where(error, words)
    return f"{place}: {message}" if place else message[:1].upper() + message[1:]


def where(error: ValidationError, words: Vocabulary) -> str:
    """Name the place of an error: a question by its number, a competence by its title."""
    if error.file and error.file.startswith(_DEPENDENT):
        ident = error.file.removeprefix(_DEPENDENT)
        title = words.instruments.get(ident, ident)
        inner = _place(error.path, {}, words)
        inner = inner[:1].lower() + inner[1:]
        return f"Инструмент «{title}»" + (f", {inner}" if inner else "")
    return _place(error.path, words.content, words)


def _place(path: Path, content: dict, words: Vocabulary) -> str:
    if len(path) >= 2 and path[0] == "items" and isinstance(path[1], int):
        return f"Вопрос {path[1] + 1}"
    if len(path) >= 2 and path[0] == "areas" and isinstance(path[1], int):
        area = _at(content, "areas", path[1])
        if len(path) >= 4 and path[2] == "competences" and isinstance(path[3], int):
            competence = _at(area, "competences", path[3])
            title = competence.get("title") or words.competences.get(competence.get("id"))
            return f"Компетенция «{title}»" if title else f"Компетенция {path[3] + 1}"
        title = area.get("title")
        return f"Область «{title}»" if title else f"Область {path[1] + 1}"
    if path[:1] == ("competences",):
        return "Измеряемые компетенции"
    if len(path) >= 2 and path[0] == "thresholds":
        return f"Порог компетенции «{words.competences.get(path[1], path[1])}»"
    if len(path) >= 2 and path[0] == "cut_scores":
        return f"Начало уровня «{words.levels.get(path[1], path[1])}»"
    if path:
        return FIELD_LABELS.get(str(path[-1] if path[0] in ("audience", "retake") else path[0]), "")
    return ""


def _at(data, key: str, index: int) -> dict:
    entries = data.get(key) if isinstance(data, dict) else None
    if isinstance(entries, list) and 0 <= index < len(entries) and isinstance(entries[index], dict):
        return entries[index]
    return {}


def _dicts(value) -> list[dict]:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []
