"""Charts are well-formed SVG with one bar per competence and the threshold marked."""

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from competence.diagnostics.charts import growth_chart, profile_chart

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class Row:
    title: str
    score: float
    threshold: float = 65
    deficit: bool = False


@dataclass
class Change:
    title: str
    first: float | None
    previous: float | None
    current: float
    threshold: float = 65
    is_deficit: bool = False

    @property
    def change(self):
        return None if self.previous is None else self.current - self.previous


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
