"""Answers as takers send them (JSON or a plain form) turned into the scoring format, checked."""

import math
import re
from numbers import Integral, Real

from flask_babel import lazy_gettext as _l

from competence.instruments import spec
from competence.instruments.itemspec import Item
from competence.instruments.presentation import PageTokens

MAX_NUMBER_LENGTH = 30
WHOLE_NUMBER = re.compile(rf"-?[0-9]{{1,{MAX_NUMBER_LENGTH}}}")


class AnswerError(ValueError):
    """An answer that does not fit its item; the message is for the taker."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _likert_points(item: Item, scales: dict) -> tuple[int, ...]:
    """Return the values of the item's Likert scale."""
    scale = scales[item.body.scale]
    return tuple(point.value for point in scale.points)


def parse_answer(item: Item, scales: dict, raw):
    """Return the answer in the scoring format, or None to clear it; raise AnswerError."""
    if raw is None or raw == "" or raw == []:
        return None
    body = item.body
    match item.type:
        case "single_choice" | "situational":
            if not isinstance(raw, str) or raw not in {o.id for o in body.options}:
                raise AnswerError(_l("There is no such option in this question."))
            return raw
        case "multiple_choice":
            ids = {o.id for o in body.options}
            if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
                raise AnswerError(_l("Expected a list of chosen options."))
            if not set(raw) <= ids:
                raise AnswerError(_l("There is no such option in this question."))
            return [o.id for o in body.options if o.id in set(raw)]
        case "likert":
            value = _integer(raw)
            if value not in _likert_points(item, scales):
                raise AnswerError(_l("Choose one of the points of the scale."))
            return value
        case "numeric":
            return _number(raw)
        case "matching":
            size, choices = len(body.pairs), len(body.pairs) + len(body.distractors)
            if not isinstance(raw, list) or len(raw) != size:
                raise AnswerError(_l("Expected a choice for every entry on the left."))
            picks = [None if v in (None, "") else _integer(v) for v in raw]
            if any(p is not None and not 0 <= p < choices for p in picks):
                raise AnswerError(_l("There is no such entry on the right."))
            return None if all(p is None for p in picks) else picks
        case "ordering":
            size = len(body.sequence)
            order = [_integer(v) for v in raw] if isinstance(raw, list) else None
            if order is None or sorted(order) != list(range(size)):
                raise AnswerError(_l("Give every element its own place, from 1 to %(n)d.", n=size))
            return order
    raise AnswerError(_l("Unknown question type."))


def _integer(value) -> int:
    """Return an integer given as a number or as digits."""
    if isinstance(value, bool):
        raise AnswerError(_l("Expected a whole number."))
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        return int(value.strip())
    raise AnswerError(_l("Expected a whole number."))


def _number(value) -> float:
    """Return a number typed with a decimal point or comma."""
    if isinstance(value, bool):
        raise AnswerError(_l("Enter a number."))
    if isinstance(value, Real):
        try:
            number = float(value)
        except OverflowError:  # a whole number of hundreds of digits
            raise AnswerError(_l("The number is too large.")) from None
    elif isinstance(value, str) and len(value) <= MAX_NUMBER_LENGTH:
        text = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
        text = text.replace("−", "-")
        try:
            number = float(text)
        except ValueError:
            raise AnswerError(_l("Enter a number, e.g. 12,5.")) from None
    else:
        raise AnswerError(_l("Enter a number, e.g. 12,5."))
    if not math.isfinite(number):
        raise AnswerError(_l("Enter a number, e.g. 12,5."))
    return number


def raw_from_form(item: Item, form, tokens: PageTokens) -> object:
    """Collect an item's answer from a plain form post (scripts off) as the page names it.

    Ordering elements are named by their tokens, so the answer is the list of those tokens
    in the order given.
    """
    name = f"a-{item.id}"
    body = item.body
    if item.type == "multiple_choice":
        return form.getlist(name)
    if item.type == "matching":
        return [form.get(f"{name}-{i}", "") for i in range(len(body.pairs))]
    if item.type == "ordering":
        elements = [tokens(item.id, PageTokens.ELEMENT, i) for i in range(len(body.sequence))]
        positions = [form.get(f"{name}-{element}", "") for element in elements]
        if not any(positions):
            return None
        try:
            places = [int(p) for p in positions]
        except ValueError:
            raise AnswerError(
                _l("Give every element its own place, from 1 to %(n)d.", n=len(positions))
            ) from None
        if sorted(places) != list(range(1, len(places) + 1)):
            raise AnswerError(
                _l("Give every element its own place, from 1 to %(n)d.", n=len(positions))
            )
        return [element for _, element in sorted(zip(places, elements, strict=True))]
    return form.get(name, "")


def typed_answer(item: Item, form, tokens: PageTokens):
    """Return what was typed for an item that was refused, for showing it again."""
    name = f"a-{item.id}"
    if item.type == "ordering":
        elements = [tokens(item.id, PageTokens.ELEMENT, i) for i in range(len(item.body.sequence))]
        return {element: form.get(f"{name}-{element}", "") for element in elements}
    if item.type == "numeric":
        return form.get(name, "")
    return None


def item_by_id(instrument: spec.Instrument, item_id) -> Item | None:
    """Return the item with this id, if the instrument has it."""
    for item in instrument.items:
        if item.id == item_id:
            return item
    return None
