"""Charts of profiles and growth as SVG drawn on the server (pages, e-mails and PDFs alike).

Each competence takes a row: its title above, a 0-100 bar below with the deficit threshold
marked. Titles above the bars keep long Russian names readable at any width.
"""

from xml.sax.saxutils import escape

from competence.analytics.figures import shown_score
from competence.analytics.reliability import DECLINE, GROWTH

# A narrow drawing: on a phone it is shown about its own size, so the text stays readable.
WIDTH = 360
LEFT = 2
BAR_WIDTH = WIDTH - LEFT - 46
LINE_HEIGHT = 15
BAR_HEIGHT = 12
ROW_GAP = 10
FONT = "PT Sans, DejaVu Sans, Arial, sans-serif"
COLORS = {
    "ok": "#0f7f86",
    "deficit": "#c2410c",
    "track": "#e6eef1",
    "threshold": "#1f2937",
    "first": "#b8c7cf",
    "previous": "#7fa3b3",
}
LINE_CHARS = 50  # characters of a title line at 12 px on a 360-wide drawing
# Wider than the average letter of PT Sans or DejaVu Sans at 12 px (Cyrillic included), so a
# legend laid out by this estimate never runs into the next entry.
CHAR_WIDTH = 7.5
LEGEND_SWATCH = 16  # the square and the space after it
LEGEND_GAP = 14
LEGEND_LINE = 18
# The growth chart spans a whole card: drawn at most this wide (about 1.3 times its own size),
# not stretched to the card's width; on a phone it still shrinks to fit.
GROWTH_DISPLAY_WIDTH = 480


def _title_lines(text: str) -> list[str]:
    """Break a title into at most two lines; a longer one ends with an ellipsis."""
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > LINE_CHARS:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], lines[1][: LINE_CHARS - 1].rstrip() + "…"]
    return lines


def _title(body: list[str], text: str, y: float) -> float:
    """Add a competence title at `y`; return where the bar below it starts."""
    for line in _title_lines(text):
        body.append(f'<text x="{LEFT}" y="{y + 11:.1f}" fill="#111827">{escape(line)}</text>')
        y += LINE_HEIGHT
    return y + 2


def _x(score: float) -> float:
    """Return the x coordinate of a score."""
    return LEFT + BAR_WIDTH * max(0.0, min(100.0, score)) / 100


def _svg(height: float, label: str, body: list[str], width: int | None = None) -> str:
    """Wrap chart elements in a responsive, labelled SVG element, `width` px wide at most."""
    size = f'width="{width}" height="{height * width / WIDTH:.0f}"' if width else 'width="100%"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'{size} role="img" aria-label="{escape(label, {chr(34): "&quot;"})}" '
        f'font-family="{FONT}" font-size="12">'
        f"<title>{escape(label)}</title>" + "".join(body) + "</svg>"
    )


def _threshold_mark(y: float, height: float, threshold: float) -> str:
    """Return the tick that marks a deficit threshold across a bar."""
    x = _x(threshold)
    return (
        f'<line x1="{x:.1f}" y1="{y - 3:.1f}" x2="{x:.1f}" y2="{y + height + 3:.1f}" '
        f'stroke="{COLORS["threshold"]}" stroke-width="2"/>'
    )


def profile_chart(rows, label: str) -> str:
    """Draw competence scores (rows with title, score, threshold, deficit) as bars."""
    body, y = [], 4.0
    for row in rows:
        color = COLORS["deficit"] if row.deficit else COLORS["ok"]
        bar_y = _title(body, row.title, y)
        body.append(
            f'<rect x="{LEFT}" y="{bar_y:.1f}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" '
            f'rx="3" fill="{COLORS["track"]}"/>'
        )
        body.append(
            f'<rect x="{LEFT}" y="{bar_y:.1f}" width="{_x(row.score) - LEFT:.1f}" '
            f'height="{BAR_HEIGHT}" rx="3" fill="{color}"/>'
        )
        body.append(_threshold_mark(bar_y, BAR_HEIGHT, row.threshold))
        body.append(
            f'<text x="{LEFT + BAR_WIDTH + 6}" y="{bar_y + 10:.1f}" font-weight="bold" '
            f'fill="{color}">{shown_score(row.score, row.threshold)}%</text>'
        )
        y = bar_y + BAR_HEIGHT + ROW_GAP
    return _svg(y, label, body)


def legend_boxes(texts, top: float = 4.0) -> list[tuple[float, float, float, float]]:
    """Place legend entries (swatch and text) in rows; return each one's box (x, y, x2, y2).

    An entry that would cross the right edge starts a new row.
    """
    boxes, x, y = [], float(LEFT), top
    for text in texts:
        width = LEGEND_SWATCH + CHAR_WIDTH * len(text)
        if x > LEFT and x + width > WIDTH:
            x, y = float(LEFT), y + LEGEND_LINE
        boxes.append((x, y, x + width, y + 12))
        x += width + LEGEND_GAP
    return boxes


def growth_chart(rows, label: str, legend: tuple[str, str, str]) -> str:
    """Draw, per competence, the first, previous and current score as three thin bars."""
    body = []
    colors = (COLORS["first"], COLORS["previous"], COLORS["ok"])
    boxes = legend_boxes(legend)
    for text, color, (x, y, _x2, _y2) in zip(legend, colors, boxes, strict=True):
        body.append(f'<rect x="{x}" y="{y:.1f}" width="12" height="12" rx="2" fill="{color}"/>')
        body.append(
            f'<text x="{x + LEGEND_SWATCH}" y="{y + 10:.1f}" fill="#374151">{escape(text)}</text>'
        )
    y = boxes[-1][3] + 12
    thin = 8
    for row in rows:
        top = bar_y = _title(body, row.title, y)
        values = [(row.first, COLORS["first"]), (row.previous, COLORS["previous"])]
        values.append((row.current, COLORS["deficit"] if row.is_deficit else COLORS["ok"]))
        for value, color in values:
            if value is not None:
                body.append(
                    f'<rect x="{LEFT}" y="{bar_y:.1f}" width="{_x(value) - LEFT:.1f}" '
                    f'height="{thin}" rx="2" fill="{color}"/>'
                )
            bar_y += thin + 2
        span = 3 * (thin + 2) - 2
        body.append(_threshold_mark(top, span, row.threshold))
        if row.previous is not None:
            # Between the scores as shown, so that the figures on the page add up; coloured by
            # the verdict against the error, so a change within it never reads as growth.
            change = row.shown_change
            sign = "+" if change > 0 else ""
            kind = row.change.kind
            tone = {GROWTH: COLORS["ok"], DECLINE: COLORS["deficit"]}.get(kind, "#6b7280")
            body.append(
                f'<text x="{LEFT + BAR_WIDTH + 6}" y="{top + 19:.1f}" '
                f'font-weight="bold" fill="{tone}">{sign}{change}</text>'
            )
        y = top + span + ROW_GAP
    return _svg(y, label, body, GROWTH_DISPLAY_WIDTH)
