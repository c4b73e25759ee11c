"""Type and range checks of plain-data fields that report errors with file, line and path."""

import difflib
import math
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from competence.instruments.yamlsource import LineMap, Path

IDENTIFIER = re.compile(r"[a-z][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class ValidationError:
    """An error in a document: where it is (file, line, structural path) and what is wrong."""

    file: str | None
    line: int | None
    path: Path
    message: str

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.file, self.line) if part is not None)
        located = f"{format_path(self.path)}: {self.message}" if self.path else self.message
        return f"{where}: {located}" if where else located


def format_path(path: Path) -> str:
    """Return a path such as `items[3].options[1].weight`."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


# The list an element belongs to, in the prepositional case: "в варианте 2".
_ELEMENT_NOUNS = {
    "items": "задании",
    "options": "варианте",
    "pairs": "паре",
    "sequence": "элементе",
    "distractors": "лишней правой части",
    "areas": "области",
    "competences": "компетенции",
    "levels": "уровне",
    "points": "варианте ответа",
}


def spoken_place(path: Path) -> str:
    """Return where an element without a line is, in words: "в задании 3, варианте 1"."""
    steps = [
        f"{_ELEMENT_NOUNS[name]} {index + 1}"
        for name, index in zip(path, path[1:], strict=False)
        if isinstance(index, int) and name in _ELEMENT_NOUNS
    ]
    return f"в {', '.join(steps)}" if steps else f"в {format_path(path)}"


def number_text(value: float) -> str:
    """Return a number as a methodist would write it: 1, 1.5."""
    return str(int(value)) if float(value).is_integer() else str(value)


def describe(value: Any) -> str:
    """Return how a value of the wrong type is named in messages."""
    if value is None:
        return "пустое значение"
    if isinstance(value, bool):
        return f"логическое значение {str(value).lower()}"
    if isinstance(value, int | float):
        return f"число {value}"  # as written: 60.0 is not a whole number to YAML
    if isinstance(value, str):
        return f"текст «{value if len(value) <= 40 else value[:40] + '…'}»"
    return "список" if isinstance(value, list) else "набор полей"


def shown(value: Any) -> str:
    """Return a value as quoted in messages: «text», or described if it is not a text."""
    return f"«{value}»" if isinstance(value, str) else describe(value)


def suggestion(value: Any, allowed: Collection[str]) -> str:
    """Return a hint naming the closest allowed value, or all of them."""
    close = difflib.get_close_matches(str(value), allowed, n=1)
    return f"возможно, имелось в виду «{close[0]}»" if close else f"допустимы: {', '.join(allowed)}"


def _unknown_field(key: Any, value: Any, allowed: Collection[str]) -> str:
    message = f"неизвестное поле «{key}»; {suggestion(key, allowed)}"
    if value is None and not IDENTIFIER.fullmatch(str(key).replace("_", "-")):
        # {id: a, text: Да, конечно} reads "конечно" as a field without a value.
        message += "; если это продолжение текста после запятой, заключите весь текст в кавычки"
    return message


@dataclass(frozen=True)
class Range:
    """A numeric rule; `subject` names the quantity with its verb, e.g. "вес варианта должен"."""

    subject: str
    low: float | None = None
    high: float | None = None
    whole: bool = False
    low_open: bool = False
    high_open: bool = False

    def admits(self, value: float) -> bool:
        """Tell whether the value lies within the range."""
        above = self.low is None or (value > self.low if self.low_open else value >= self.low)
        below = self.high is None or (value < self.high if self.high_open else value <= self.high)
        return above and below

    def expectation(self) -> str:
        """Return the range in words: "в диапазоне от 0 до 1"."""
        low, high = number_text(self.low or 0), number_text(self.high or 0)
        if self.high is None:
            return f"не меньше {low}"
        if not (self.low_open or self.high_open):
            return f"в диапазоне от {low} до {high}"
        above = "больше" if self.low_open else "не меньше"
        return f"{above} {low} и {'меньше' if self.high_open else 'не больше'} {high}"


TIME_LIMIT = Range("время на выполнение (в минутах) должно", 5, 240, whole=True)
COOLDOWN = Range("перерыв между попытками (в днях) должен", 0, 365, whole=True)
ATTEMPTS = Range("число попыток за год должно", 1, 12, whole=True)
FORM_SIZE = Range("число заданий на компетенцию в одной попытке должно", 3, 60, whole=True)
PERCENT = Range("порог должен", 0, 100)
LEVEL_START = Range("начало уровня должно", 0, 100, high_open=True)
OPTION_WEIGHT = Range("вес варианта должен", 0, 1)
LINK_WEIGHT = Range("вес компетенции должен", 0, 1, low_open=True)
TOLERANCE = Range("допуск должен", 0)
ANY_NUMBER = Range("число")
WHOLE_NUMBER = Range("число", whole=True)


class Report:
    """Errors of one document, located through its line map, and the checks that report them.

    A check takes the path and the value, and returns the value when it is valid or None after
    reporting why it is not.
    """

    def __init__(
        self, data: Any, file: str | None, lines: LineMap, found: Iterable[ValidationError] = ()
    ) -> None:
        self.data, self.file, self.lines = data, file, lines
        self.errors = list(found)

    def error(self, path: Path, message: str) -> None:
        """Record an error at the path."""
        self.errors.append(ValidationError(self.file, self.lines.line_of(path), path, message))

    def field(self, mapping: dict | None, key: str, path: Path, check: Callable, *args) -> Any:
        """Check a field of a mapping; an absent or empty one is reported by `mapping` if needed."""
        if mapping is None or mapping.get(key) is None:
            return None
        return check((*path, key), mapping[key], *args)

    def mapping(self, path: Path, value: Any, required=(), optional=None) -> dict | None:
        """Check a mapping has the required fields; with `optional` given, no others either."""
        if not isinstance(value, dict):
            self.error(path, f"ожидается набор полей «ключ: значение», указано: {describe(value)}")
            return None
        if optional is not None:
            allowed = (*required, *optional)
            for key, item in value.items():
                if key not in allowed:
                    self.error((*path, key), _unknown_field(key, item, allowed))
        for key in required:
            if value.get(key) is None:
                self.error((*path, key), f"не заполнено обязательное поле «{key}»")
        return value

    def sequence(
        self, path: Path, value: Any, minimum: int = 0, noun: str = "", empty: str = ""
    ) -> list | None:
        """Check a list of at least `minimum` elements; `noun` counts them: "вариантов";
        `empty` says which list is empty: "в рамке нет ни одной области"."""
        if not isinstance(value, list):
            self.error(path, f"ожидается список, указано: {describe(value)}")
            return None
        if minimum == 1 and not value:
            self.error(path, empty or "список не должен быть пустым")
        elif len(value) < minimum:
            self.error(path, f"нужно не меньше {minimum} {noun}, указано {len(value)}")
        return value

    def text(self, path: Path, value: Any) -> str | None:
        """Check a non-empty text."""
        if not isinstance(value, str):
            quote = " — заключите значение в кавычки" if isinstance(value, int | float) else ""
            self.error(path, f"ожидается текст, указано: {describe(value)}{quote}")
        elif not value.strip():
            self.error(path, "текст не должен быть пустым")
        else:
            return value
        return None

    def identifier(self, path: Path, value: Any) -> str | None:
        """Check an identifier: lower-case latin letters, digits and hyphens."""
        if isinstance(value, str) and IDENTIFIER.fullmatch(value):
            return value
        self.error(
            path,
            "идентификатор должен состоять из строчных латинских букв, цифр и дефисов, начинаться "
            f"с буквы и быть не длиннее 64 символов, указано: {describe(value)}",
        )
        return None

    def flag(self, path: Path, value: Any) -> bool | None:
        """Check a yes/no value."""
        if isinstance(value, bool):
            return value
        self.error(path, f"ожидается true или false, указано: {describe(value)}")
        return None

    def number(self, path: Path, value: Any, rule: Range) -> float | None:
        """Check a number against the rule."""
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if not is_number or not math.isfinite(value) or (rule.whole and not isinstance(value, int)):
            expected = "целое число" if rule.whole else "число"
            self.error(path, f"ожидается {expected}, указано: {describe(value)}")
        elif not rule.admits(value):
            self.error(
                path, f"{rule.subject} быть {rule.expectation()}, указано {number_text(value)}"
            )
        else:
            return value
        return None

    def numbers(
        self,
        path: Path,
        value: Any,
        rule: Range,
        known: Collection[str] | None = None,
        unknown: str = "",
    ) -> dict[str, float | None] | None:
        """Check a mapping id -> number; with `known` given, other ids are reported as `unknown`."""
        if self.mapping(path, value) is None:
            return None
        result = {}
        for key, number in value.items():
            if self.identifier((*path, key), key) is None:
                continue
            if known is not None and key not in known:
                self.error((*path, key), unknown.format(key))
                continue
            result[key] = self.number((*path, key), number, rule)
        return result

    def once(self, paths: list[Path], message: str) -> None:
        """Report a problem shared by several places once, at the first of them."""
        usage = f" (встречается в заданиях: {len(paths)})" if len(paths) > 1 else ""
        self.error(paths[0], message + usage)

    def unique(self, entries: Iterable[tuple[Path, Any]], noun: str) -> None:
        """Report values that repeat; `noun` names them in the message: "вариант"."""
        first: dict[Any, Path] = {}
        for path, value in entries:
            if value is None:
                continue
            if value in first:
                line = self.lines.line_of(first[value])
                place = f"в строке {line}" if line else spoken_place(first[value])
                self.error(path, f"{noun} «{value}» повторяется: впервые встречается {place}")
            else:
                first[value] = path

    def codes(
        self,
        path: Path,
        value: Any,
        allowed: Collection[str],
        of_what: str,
        minimum: int = 0,
        empty: str = "",
    ) -> None:
        """Check a list of codes from a fixed list; `of_what` names them: "должности"."""
        entries = []
        for index, code in enumerate(self.sequence(path, value, minimum, empty=empty) or ()):
            if code in allowed:
                entries.append(((*path, index), code))
            else:
                message = f"неизвестный код {of_what} {shown(code)}; {suggestion(code, allowed)}"
                self.error((*path, index), message)
        self.unique(entries, "код")
