"""Labels of the school module's codes (English msgids) and how its numbers are written."""

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from competence.analytics.indicators import Effect, Indicator

# The lists of the identification pages, in the order of the seed.
LIST_LABELS = {
    "low_results": _l("Low results"),
    "risk": _l("Risk group"),
    "stable_high": _l("Stable high results"),
    "unfavourable": _l("Unfavourable conditions"),
    "favourable": _l("Favourable conditions"),
    "resilient": _l("Resilient"),
}
LIST_DESCRIPTIONS = {
    "low_results": _l(
        "In the lowest quarter of their group by the index of results in all three years."
    ),
    "risk": _l("In the lowest quarter in the last two years, not (yet) a school with low results."),
    "stable_high": _l("In the highest quarter of their group in all three years."),
    "unfavourable": _l(
        "In the worst quarter by the index of social conditions in at least two of the three years."
    ),
    "favourable": _l(
        "In the best quarter by the index of social conditions in at least two of the three years."
    ),
    "resilient": _l(
        "Unfavourable conditions and high results in the same year, "
        "in at least two of the three years."
    ),
}
CATEGORY_LABELS = {
    "low_results": _l("Low results"),
    "risk": _l("Risk group"),
    "stable_high": _l("Stable high results"),
    "middle": _l("Middle results"),
}
# Short names for the column headers of the cross-table and the movement table (phones).
CATEGORY_SHORT_LABELS = {
    "low_results": _l("Low results"),
    "risk": _l("risk"),
    "stable_high": _l("stable high"),
    "middle": _l("average"),
}
SOCIAL_CATEGORY_LABELS = {
    "unfavourable": _l("Unfavourable conditions"),
    "neutral": _l("Usual conditions"),
    "favourable": _l("Favourable conditions"),
}
# Short names of the school groups, for lists (the register's labels are long).
GROUP_LABELS = {"secondary": _l("secondary school"), "basic": _l("basic school")}
SOCIAL_SHORT_LABELS = {
    "unfavourable": _l("Unfavourable conditions"),
    "neutral": _l("usual"),
    "favourable": _l("favourable"),
}
EDU_BAND_LABELS = {"low": _l("low"), "middle": _l("middle"), "high": _l("high")}
SOCIAL_BAND_LABELS = {
    "unfavourable": _l("unfavourable"),
    "neutral": _l("usual"),
    "favourable": _l("favourable"),
}
PLAN_STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted for approval"),
    "approved": _l("Approved"),
    "returned": _l("Returned for changes"),
}
MEASURE_STATUS_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "cancelled": _l("Cancelled"),
}
# Short names of the stages, for compact tables of values.
STAGE_SHORT_LABELS = {"entry": _l("entry"), "interim": _l("interim"), "final": _l("final")}
STAGE_LABELS = {
    "entry": _l("Entry monitoring"),
    "interim": _l("Interim monitoring"),
    "final": _l("Final monitoring"),
}


def number(value: float | None, digits: int = 2) -> str:
    """Write a number in the user's locale with up to `digits` decimals; a dash for none."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0." + "#" * digits)


def index(value: float | None) -> str:
    """Write an index 0..1 with two decimals in the user's locale; a dash for none."""
    if value is None:
        return "—"
    return format_decimal(value, format="0.00")


def is_percentage(indicator: Indicator) -> bool:
    """Tell whether an indicator's values are percentages (every share; not the mean scores)."""
    # Every indicator entering its index directly or inversely is a «Доля ...»; the gap
    # indicators are mean scores and grades.
    return indicator.effect is not Effect.GAP


def indicator_value(indicator: Indicator | None, value: float | None) -> str:
    """Write an indicator's value as the card and the plan show it: a share with «%»."""
    if value is None or indicator is None or not is_percentage(indicator):
        return number(value)
    return number(value) + "\u00a0%"


def percent(share: float | None) -> str:
    """Write a share 0..1 as whole percent in the user's locale; a dash for none."""
    if share is None:
        return "—"
    return format_decimal(round(share * 100), format="#,##0") + "\u00a0%"
