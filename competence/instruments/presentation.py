"""How an instrument is shown to a taker: the shuffled order of items, options and entries."""

import random
from dataclasses import dataclass

from competence.instruments import spec
from competence.instruments.itemspec import Item


def shuffled_layout(instrument: spec.Instrument, rng: random.Random) -> dict:
    """Return a random order of items and, inside each item, of what it offers (plain data).

    The layout is stored with an attempt, so the taker sees the same order on every visit.
    Option orders hold option ids; matching and ordering orders hold indices into the
    YAML lists (right-hand entries: pairs, then distractors).
    """
    items = [item.id for item in instrument.items]
    rng.shuffle(items)
    options, entries = {}, {}
    for item in instrument.items:
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
    return {"items": items, "options": options, "entries": entries}


def canonical_layout(instrument: spec.Instrument) -> dict:
    """Return the layout in written order (for the methodist's own reading)."""
    return shuffled_layout(instrument, _NoShuffle())


class _NoShuffle(random.Random):
    """A Random whose shuffle keeps the order (except for ordering items, which it reverses)."""

    def shuffle(self, x, random=None):  # noqa: A002 - the signature of random.Random.shuffle
        """Leave lists as written; reverse a sorted range so an ordering item is not solved."""
        if x == list(range(len(x))) and len(x) > 1:
            x.reverse()


@dataclass(frozen=True)
class ItemView:
    """An item as the taker sees it: its number, texts and the shuffled choices."""

    number: int
    item: Item
    options: tuple = ()  # (id, text) for choice items
    points: tuple = ()  # (value, label) for Likert items
    lefts: tuple = ()  # left texts of a matching item, in written order
    rights: tuple = ()  # (index, text) of right-hand entries, shuffled
    elements: tuple = ()  # (index, text) of ordering elements, shuffled

    @property
    def id(self) -> str:
        """Return the item id."""
        return self.item.id

    @property
    def type(self) -> str:
        """Return the item type."""
        return self.item.type


def item_views(instrument: spec.Instrument, scales: dict, layout: dict) -> list[ItemView]:
    """Return the items in the layout's order, ready for templates."""
    by_id = {item.id: item for item in instrument.items}
    views = []
    for number, item_id in enumerate(layout["items"], start=1):
        item = by_id[item_id]
        body = item.body
        view = {"number": number, "item": item}
        if hasattr(body, "options"):
            texts = {option.id: option.text for option in body.options}
            view["options"] = tuple((oid, texts[oid]) for oid in layout["options"][item_id])
        elif item.type == "likert":
            view["points"] = tuple((p.value, p.label) for p in scales[body.scale].points)
        elif item.type == "matching":
            rights = [pair.right for pair in body.pairs] + list(body.distractors)
            view["lefts"] = tuple(pair.left for pair in body.pairs)
            view["rights"] = tuple((i, rights[i]) for i in layout["entries"][item_id])
        elif item.type == "ordering":
            view["elements"] = tuple((i, body.sequence[i]) for i in layout["entries"][item_id])
        views.append(ItemView(**view))
    return views
