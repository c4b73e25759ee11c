"""How an instrument is shown to a taker: the shuffled order of items, options and entries.

The page never names an option, a right-hand entry or an ordering element by anything that
follows from the key (YAML ids, written positions): it names them by tokens, an HMAC of a
secret kept with the layout, so they differ from one attempt to the next and cannot be guessed.
"""

import hashlib
import hmac
import random
from dataclasses import dataclass

from competence.instruments import spec
from competence.instruments.itemspec import Item


def shuffled_layout(
    instrument: spec.Instrument, rng: random.Random, drawn: tuple[str, ...] | None = None
) -> dict:
    """Return a random order of items and, inside each item, of what it offers (plain data).

    The layout is stored with an attempt, so the taker sees the same order on every visit.
    Option orders hold option ids; matching and ordering orders hold indices into the
    YAML lists (right-hand entries: pairs, then distractors). The secret keys the page's
    tokens (see PageTokens) and must never be shown to the taker. With `drawn` (the form of
    a sitting drawn from an item bank) only those items are laid out, and their ids are kept
    under "form" in written order.
    """
    shown = [item for item in instrument.items if drawn is None or item.id in drawn]
    items = [item.id for item in shown]
    rng.shuffle(items)
    options, entries = {}, {}
    for item in shown:
        body = item.body
        if hasattr(body, "options"):
            order = [option.id for option in body.options]
            rng.shuffle(order)
            options[item.id] = order
        elif item.type == "matching":
            order = list(range(len(body.pairs) + len(body.distractors)))
            rng.shuffle(order)
            entries[item.id] = order
        elif item.type == "ordering":
            order = list(range(len(body.sequence)))
            # A shuffle that happens to be the answer would give the item away.
            while len(order) > 1 and order == sorted(order):
                rng.shuffle(order)
            entries[item.id] = order
    secret = f"{rng.getrandbits(128):032x}"
    layout = {"items": items, "options": options, "entries": entries, "secret": secret}
    if drawn is not None:
        layout["form"] = [item.id for item in shown]
    return layout


def canonical_layout(instrument: spec.Instrument) -> dict:
    """Return the layout in written order (for the methodist's own reading)."""
    return shuffled_layout(instrument, _NoShuffle())


class _NoShuffle(random.Random):
    """A Random whose shuffle keeps the order (except for ordering items, which it reverses)."""

    def shuffle(self, x, random=None):  # noqa: A002 - the signature of random.Random.shuffle
        """Leave lists as written; reverse a sorted range so an ordering item is not solved."""
        if x == list(range(len(x))) and len(x) > 1:
            x.reverse()


class PageTokens:
    """Opaque names of what items offer on one page: an HMAC of the page's secret."""

    OPTION, RIGHT, ELEMENT = "option", "right", "element"

    def __init__(self, secret: str):
        self._key = secret.encode()

    def __call__(self, item_id: str, kind: str, value) -> str:
        """Return the token of an option id (or an entry's index) of an item."""
        message = f"{item_id}\x1f{kind}\x1f{value}".encode()
        # A letter first keeps the token a valid part of an HTML id and a CSS selector.
        return "t" + hmac.new(self._key, message, hashlib.sha256).hexdigest()[:20]


@dataclass(frozen=True)
class ItemView:
    """An item as the taker sees it: its number, texts and the shuffled choices."""

    number: int
    item: Item
    options: tuple = ()  # (token, text) for choice items, shuffled
    points: tuple = ()  # (value, label) for Likert items
    lefts: tuple = ()  # left texts of a matching item, in written order
    rights: tuple = ()  # (token, text) of right-hand entries, shuffled
    elements: tuple = ()  # (token, text) of ordering elements, shuffled

    @property
    def id(self) -> str:
        """Return the item id."""
        return self.item.id

    @property
    def type(self) -> str:
        """Return the item type."""
        return self.item.type


def item_views(
    instrument: spec.Instrument, scales: dict, layout: dict, tokens: PageTokens
) -> list[ItemView]:
    """Return the items in the layout's order, ready for templates, named by `tokens`."""
    by_id = {item.id: item for item in instrument.items}
    views = []
    for number, item_id in enumerate(layout["items"], start=1):
        item = by_id[item_id]
        body = item.body
        view = {"number": number, "item": item}
        if hasattr(body, "options"):
            texts = {option.id: option.text for option in body.options}
            view["options"] = tuple(
                (tokens(item_id, PageTokens.OPTION, oid), texts[oid])
                for oid in layout["options"][item_id]
            )
        elif item.type == "likert":
            view["points"] = tuple((p.value, p.label) for p in scales[body.scale].points)
        elif item.type == "matching":
            rights = [pair.right for pair in body.pairs] + list(body.distractors)
            view["lefts"] = tuple(pair.left for pair in body.pairs)
            view["rights"] = tuple(
                (tokens(item_id, PageTokens.RIGHT, i), rights[i])
                for i in layout["entries"][item_id]
            )
        elif item.type == "ordering":
            view["elements"] = tuple(
                (tokens(item_id, PageTokens.ELEMENT, i), body.sequence[i])
                for i in layout["entries"][item_id]
            )
        views.append(ItemView(**view))
    return views
