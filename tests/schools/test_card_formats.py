"""Levels are written out in words and shares carry «%», on the lists, the card and the plan."""

import re

import pytest

from competence.accounts.models import Role
from tests.schools.helpers import load_region, school_name
from tests.schools.test_identification_pages import signed_in

NBSP = "\u00a0"


@pytest.fixture
def region(app):
    return load_region()


def text_of(html: str) -> str:
    """Return the visible text of a fragment: tags dropped, spaces collapsed."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_list_writes_each_years_level_in_words(app, region):
    methodist = signed_in(app, Role.METHODIST)
    page = methodist.get("/schools/").get_data(as_text=True)
    row = page.split(school_name("a1"))[1].split("</tr>")[0]
    # a1 is in the low band every year; the words are visible text, not a tooltip
    assert "2022: низкий 2023: низкий 2024: низкий" in text_of(row)
    assert 'title="2022' not in row


def test_the_card_writes_shares_with_percent(app, region):
    methodist = signed_in(app, Role.METHODIST)
    card = methodist.get(f"/schools/{region['a1'].id}").get_data(as_text=True)
    # free meals: a1 80, group mean (80+50+10+40+70+30+20+45) / 8 = 43,125 -> 43,12
    hard = text_of(card.split('id="hard-title"')[1].split("</section>")[0])
    assert f"80{NBSP}% среднее по группе: 43,12{NBSP}%" in hard
    # the share of «5»: a1 10, group mean 48,75
    weak = text_of(card.split('id="weak-title"')[1].split("</section>")[0])
    assert f"10{NBSP}% среднее по группе: 48,75{NBSP}%" in weak
    values = text_of(card.split("<details")[1].split("</details>")[0])
    assert f"Доля обучающихся, обеспеченных бесплатным питанием 80{NBSP}% 80{NBSP}% 80{NBSP}%" in (
        values
    )
