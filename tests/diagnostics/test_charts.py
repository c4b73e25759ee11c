"""Charts are well-formed SVG with one bar per competence and the threshold marked."""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from competence.diagnostics.charts import WIDTH, growth_chart, profile_chart
from competence.diagnostics.profiles import GrowthRow

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class Row:
    title: str
    score: float
    threshold: float = 65
    deficit: bool = False


def Change(title, first, previous, current, threshold=65, is_deficit=False):  # noqa: N802
    return GrowthRow(
        title, title, first, previous, current, threshold, None, is_deficit, threshold, threshold
    )


def test_profile_chart_draws_a_bar_and_a_threshold_per_competence():
    rows = [
        Row("Коммуникация <и> «диалог»", 80),
        Row("Очень " * 30 + "длинное название", 40, deficit=True),
    ]
    svg = ET.fromstring(profile_chart(rows, "Профиль"))
    assert svg.tag == f"{SVG}svg" and svg.get("aria-label") == "Профиль"
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("fill") != "#e6eef1"]
    assert [r.get("width") for r in bars] == [f"{0.8 * 312:.1f}", f"{0.4 * 312:.1f}"]
    assert [b.get("fill") for b in bars] == ["#0f7f86", "#c2410c"]
    thresholds = list(svg.iter(f"{SVG}line"))
    assert {line.get("x1") for line in thresholds} == {f"{2 + 0.65 * 312:.1f}"}
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Коммуникация <и> «диалог»" in texts
    assert any(t.endswith("…") for t in texts)  # a title longer than two lines is cut
    assert "80%" in texts and "40%" in texts


def test_growth_chart_shows_three_bars_and_the_change():
    rows = [
        Change("Анализ данных", 30, 50, 75),
        Change("Лидерство", None, None, 60, is_deficit=True),
    ]
    svg = ET.fromstring(growth_chart(rows, "Рост", ("первая", "предыдущая", "сейчас")))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "+25" in texts
    assert texts[:3] == ["первая", "предыдущая", "сейчас"]
    # Legend squares, then bars: three for the first competence, one for the second.
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("width") not in ("12",)]
    assert len(bars) == 4


def test_the_growth_chart_colours_a_change_by_its_verdict_not_its_sign():
    def row(title, previous, current, sem):
        return GrowthRow(
            title, title, None, previous, current, 65, None, False, sem=sem, previous_sem=sem
        )

    rows = [
        row("Рост", 50, 75, 5.0),  # 1.96 * sqrt(50) = 13.9: +25 is beyond it
        row("В пределах", 50, 75, 17.7),  # 49.1: it is not
        row("Снижение", 75, 50, 5.0),
        row("Без ошибки", 50, 75, 50.0),  # the largest error: nothing is beyond it
    ]
    svg = ET.fromstring(growth_chart(rows, "Изменение", ("первая", "предыдущая", "сейчас")))
    changes = [
        (t.text, t.get("fill")) for t in svg.iter(f"{SVG}text") if t.get("font-weight") == "bold"
    ]
    assert changes == [
        ("+25", "#0f7f86"),
        ("+25", "#6b7280"),
        ("-25", "#c2410c"),
        ("+25", "#6b7280"),
    ]
    # A row built without its errors takes the largest: it never calls a change growth.
    assert GrowthRow("x", "x", None, 0, 100, 65, None, False).change.kind == "within_error"


FONTS = [
    Path(__file__).parent.parent.parent / "static" / "fonts" / "PTSans-Regular.ttf",
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),  # Chromium's fallback, if present
]


def text_width(text: str, font_path: Path, size: float = 12) -> float:
    """Return the advance width of a text in a font at `size` px, from the font's metrics."""
    font = TTFont(font_path)
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    return sum(metrics[cmap[ord(c)]][0] for c in text) * size / font["head"].unitsPerEm


@pytest.mark.parametrize(
    "legend",
    [
        ("первая попытка", "предыдущая", "сейчас"),
        ("first attempt", "previous", "now"),
        ("самая первая попытка в году", "предыдущая попытка", "последняя попытка"),
    ],
)
def test_growth_legend_entries_do_not_overlap(legend):
    svg = ET.fromstring(growth_chart([Change("Анализ", 30, 50, 75)], "Рост", legend))
    swatches = [r for r in svg.iter(f"{SVG}rect") if r.get("width") == "12"]
    labels = list(svg.iter(f"{SVG}text"))[:3]
    assert [t.text for t in labels] == list(legend)
    for font in (path for path in FONTS if path.exists()):
        boxes = [
            (
                float(swatch.get("x")),
                float(swatch.get("y")),
                float(label.get("x")) + text_width(label.text, font),
                float(swatch.get("y")) + 12,
            )
            for swatch, label in zip(swatches, labels, strict=True)
        ]
        for box in boxes:
            assert box[2] <= WIDTH, (font.name, box)
        for a, b in combinations(boxes, 2):
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (font.name, a, b)
    # The bars start below the legend.
    first_bar = next(r for r in svg.iter(f"{SVG}rect") if r.get("width") != "12")
    assert float(first_bar.get("y")) > max(float(s.get("y")) for s in swatches) + 12


def test_growth_chart_is_not_stretched_to_the_page():
    svg = ET.fromstring(growth_chart([Change("Анализ", 30, 50, 75)], "Рост", ("а", "б", "в")))
    view_width = float(svg.get("viewBox").split()[2])
    assert svg.get("width") != "100%"
    assert view_width <= float(svg.get("width")) <= 1.5 * view_width
