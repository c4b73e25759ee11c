"""Charts of the analytics pages, drawn on the server as SVG in the house manner.

A chart is an image with a title (role="img", aria-label) whose data is the table next to it:
the page links the two with aria-describedby, so a screen reader reads the figures, not shapes.
Hidden cells draw no bar and read «н/д». Percentages come from `analytics.figures.shown_share`
through the caller, so a bar's label is the table's figure.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from competence.diagnostics.charts import FONT, WIDTH

# Series colours (a school, its municipality, the region); distinct in grey print as well.
SERIES_COLORS = ("#0f6a8f", "#b45309", "#6b7280")
BAR_HEIGHT, BAR_GAP, GROUP_GAP = 12, 3, 14
LEFT, RIGHT = 8, WIDTH - 44
HIDDEN_MARK = "н/д"


@dataclass(frozen=True)
class BarGroup:
    """One competence: its title and a shown percentage per series (None: hidden or empty)."""

    label: str
    values: Sequence[int | None]


def _truncate(text: str, limit: int = 52) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def share_bars(
    groups: Sequence[BarGroup], series: Sequence[str], title: str, describedby: str
) -> str:
    """Draw shares (0..100 %) as horizontal bars, one group per competence, one bar per series."""
    body = []
    y = 6
    # Legend.
    x = LEFT
    for index, name in enumerate(series):
        color = SERIES_COLORS[index % len(SERIES_COLORS)]
        body.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{color}"/>')
        body.append(
            f'<text x="{x + 14}" y="{y + 9}" font-size="11" fill="#111827">{escape(name)}</text>'
        )
        x += 22 + 7 * len(name)
    y += 24
    span = RIGHT - LEFT
    for group in groups:
        body.append(
            f'<text x="{LEFT}" y="{y + 9}" font-size="11" fill="#111827">'
            f"{escape(_truncate(group.label))}</text>"
        )
        y += 13
        for index, value in enumerate(group.values):
            color = SERIES_COLORS[index % len(SERIES_COLORS)]
            if value is None:
                body.append(
                    f'<text x="{LEFT}" y="{y + 10}" font-size="10" fill="#4b5563">'
                    f"{HIDDEN_MARK}</text>"
                )
            else:
                width = max(1.0, span * value / 100)
                body.append(
                    f'<rect x="{LEFT}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                    f'fill="{color}"/>'
                )
                body.append(
                    f'<text x="{LEFT + width + 4:.1f}" y="{y + 10}" font-size="10" '
                    f'fill="#111827">{value}%</text>'
                )
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP - BAR_GAP
    height = y + 4
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" '
        f'aria-describedby="{escape(describedby, {chr(34): "&quot;"})}" '
        f'font-family="{FONT}" class="analytics-chart">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )
