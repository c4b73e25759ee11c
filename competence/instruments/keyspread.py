"""Where the keys of an instrument's choice items stand in the written order of options.

Takers see options shuffled and named by tokens, but a written order that puts the key first
everywhere still tells anyone who reads the file, an export or the written-order preview; and a
methodist who always writes the key first is told so (a warning: the instrument still works).
"""

from collections import Counter

from competence.instruments import spec
from competence.instruments.itemspec import Item

# Fewer keys than this cannot be spread meaningfully; no warning.
MIN_KEYS = 3


def key_positions(item: Item) -> list[int]:
    """Return the written positions (from 0) of an item's correct or best options."""
    options = getattr(item.body, "options", ())
    if item.type == "situational":
        best = max(option.weight for option in options)
        return [next(i for i, option in enumerate(options) if option.weight == best)]
    return [i for i, option in enumerate(options) if getattr(option, "correct", False)]


def key_position_warning(instrument: spec.Instrument) -> str | None:
    """Return a warning when more than half of an instrument's keys share one position."""
    positions = Counter(p for item in instrument.items for p in key_positions(item))
    total = sum(positions.values())
    if total < MIN_KEYS:
        return None
    position, count = positions.most_common(1)[0]
    if count * 2 <= total:
        return None
    letter = "abcdefghijklmnopqrstuvwxyz"[position] if position < 26 else str(position + 1)
    return (
        f"инструмент {instrument.id}: {count} из {total} верных или лучших вариантов стоят "
        f"на {position + 1}-м месте ({letter}); расставьте ключи по разным позициям"
    )
