"""Words for the codes of the item analysis, and numbers written for people."""

import math

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from competence.analytics import itemstats, rasch

FLAG_LABELS = {
    itemstats.TOO_EASY: _l("too easy"),
    itemstats.TOO_HARD: _l("too hard"),
    itemstats.WEAK_DISCRIMINATION: _l("weak discrimination"),
    itemstats.NEGATIVE_DISCRIMINATION: _l("negative discrimination"),
    itemstats.DISTRACTOR_UPPER: _l("a distractor attracts the strong"),
}

RASCH_STATUS_LABELS = {
    rasch.ESTIMATED: _l("estimated"),
    rasch.ALL_CORRECT: _l("everyone answered right"),
    rasch.ALL_WRONG: _l("nobody answered right"),
    rasch.NO_ANSWERS: _l("no answers"),
    rasch.NOT_ESTIMATED: _l("not estimated"),
}


def flag_label(code: str) -> str:
    """Return the words of a flag (the code itself when unknown)."""
    return str(FLAG_LABELS.get(code, code))


def number(value: float | None, digits: int = 2) -> str:
    """Write a statistic with `digits` decimals in the user's locale; a dash for none."""
    if value is None or not math.isfinite(value):
        return "—"
    return format_decimal(value, format="#,##0." + "0" * digits)


def percent(share: float | None) -> str:
    """Write a share 0..1 as whole percent; a dash for none."""
    if share is None or not math.isfinite(share):
        return "—"
    return format_decimal(round(share * 100), format="#,##0") + "\u00a0%"
