"""The school card's chart: the index of results and the index of social conditions by year.

Drawn on the server as SVG in the house manner (competence.diagnostics.charts): a narrow 360-wide
drawing, so the text stays readable on a phone, labelled with role="img" and a title. Both indices
run from 0 to 1; the points of the index of results are coloured by the year's band.
"""

from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from competence.diagnostics.charts import FONT, WIDTH
from competence.schools.dataset import YearStanding

LEFT, RIGHT = 30, WIDTH - 14
TOP, PLOT_HEIGHT = 40, 140
LABEL_ABOVE, LABEL_BELOW = -9, 19
COLORS = {
    "edu": "#0f6a8f",
    "social": "#b45309",
    "grid": "#e5e7eb",
    "axis": "#6b7280",
    "text": "#111827",
    "low": "#c2410c",
    "middle": "#6b7280",
    "high": "#0f7f86",
}


def _y(value: float) -> float:
    return TOP + PLOT_HEIGHT * (1 - max(0.0, min(1.0, value)))


def _segments(points: list[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Split a series at the years without a value."""
    segments, current = [], []
    for x, value in points:
        if value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append((x, _y(value)))
    if current:
        segments.append(current)
    return segments


def indices_chart(
    years: Sequence[YearStanding],
    label: str,
    legend: tuple[str, str],
    number: Callable[[float], str] = lambda value: f"{value:.2f}",
    axis: tuple[str, str, str] = ("0", "0.5", "1"),
) -> str:
    """Draw the two indices of a school over the years as lines with labelled points."""
    body = []
    # Legend: results (solid), social conditions (dashed).
    body.append(
        f'<line x1="{LEFT}" y1="9" x2="{LEFT + 18}" y2="9" stroke="{COLORS["edu"]}" '
        'stroke-width="3"/>'
    )
    body.append(f'<text x="{LEFT + 24}" y="14" fill="{COLORS["text"]}">{escape(legend[0])}</text>')
    second = LEFT + 40 + 6.8 * len(legend[0])
    body.append(
        f'<line x1="{second:.0f}" y1="9" x2="{second + 18:.0f}" y2="9" '
        f'stroke="{COLORS["social"]}" stroke-width="3" stroke-dasharray="5 3"/>'
    )
    body.append(
        f'<text x="{second + 24:.0f}" y="14" fill="{COLORS["text"]}">{escape(legend[1])}</text>'
    )
    for value, text in zip((0.0, 0.5, 1.0), axis, strict=True):
        y = _y(value)
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{RIGHT}" y2="{y:.1f}" stroke="{COLORS["grid"]}"/>'
        )
        body.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{COLORS["axis"]}">'
            f"{escape(text)}</text>"
        )
    count = len(years)
    step = (RIGHT - LEFT - 30) / (count - 1) if count > 1 else 0
    xs = [LEFT + 15 + step * i if count > 1 else (LEFT + RIGHT) / 2 for i in range(count)]
    bottom = TOP + PLOT_HEIGHT
    for x, standing in zip(xs, years, strict=True):
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" '
            f'fill="{COLORS["axis"]}">{standing.year}</text>'
        )
    series = (
        ("social", [s.social_index for s in years], ' stroke-dasharray="5 3"'),
        ("edu", [s.edu_index for s in years], ""),
    )
    for name, values, dash in series:
        for segment in _segments(list(zip(xs, values, strict=True))):
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            body.append(
                f'<polyline points="{points}" fill="none" stroke="{COLORS[name]}" '
                f'stroke-width="2.5"{dash}/>'
            )
        for x, value, standing in zip(xs, values, years, strict=True):
            if value is None:
                continue
            y = _y(value)
            # The label goes on the side away from the other index, so the two never overlap.
            other = standing.edu_index if name == "social" else standing.social_index
            label_dy = LABEL_BELOW if other is not None and other > value else LABEL_ABOVE
            fill = COLORS.get(standing.edu_band or "", "#fff") if name == "edu" else "#fff"
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{fill}" '
                f'stroke="{COLORS[name]}" stroke-width="2"/>'
            )
            body.append(
                f'<text x="{x:.1f}" y="{y + label_dy:.1f}" text-anchor="middle" font-size="14" '
                f'font-weight="bold" fill="{COLORS[name]}">{escape(number(value))}</text>'
            )
    height = bottom + 24
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(label, {chr(34): "&quot;"})}" '
        f'font-family="{FONT}" font-size="13">'
        f"<title>{escape(label)}</title>" + "".join(body) + "</svg>"
    )
