"""Publishing a framework asks first which instruments it publishes anew, then does exactly that."""

import re

from tests.factories import post_form
from tests.instruments.helpers import press, published

PAGE = "/instruments/framework/soft-skills"
EDIT = f"{PAGE}/edit"
PUBLISH = f"{PAGE}/draft/publish"


def rename_framework(methodist, title):
    press(methodist, f"{PAGE}/draft", PAGE)
    assert post_form(methodist, EDIT, {"title": title}).status_code == 302


def token_of(response) -> str:
    return re.search(r'name="confirmation" value="([0-9a-f]+)"', response.get_data(as_text=True))[1]


def counts():
    return len(published("framework", "soft-skills")), len(published("instrument", "soft-skills"))


def test_publishing_a_framework_lists_the_instruments_it_republishes_and_waits(methodist):
    rename_framework(methodist, "Надпрофессиональные компетенции педагога")
    asked = press(methodist, PUBLISH, EDIT)
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    title = published("instrument", "soft-skills")[0].title
    assert title in page and "v1 → <strong>v2</strong>" in page
    assert f'href="{EDIT}"' in page  # Cancel goes back to the editor
    assert counts() == (1, 1)  # nothing published yet

    confirmed = press(methodist, PUBLISH, EDIT, confirmation=token_of(asked))
    assert confirmed.status_code == 302
    assert counts() == (2, 2)
    instrument = published("instrument", "soft-skills")[-1]
    assert instrument.compiled["framework"]["title"] == "Надпрофессиональные компетенции педагога"


def test_a_confirmation_of_a_draft_changed_since_is_refused(methodist):
    rename_framework(methodist, "Первое название")
    asked = press(methodist, PUBLISH, EDIT)
    old = token_of(asked)
    assert post_form(methodist, EDIT, {"title": "Второе название"}).status_code == 302
    stale = press(methodist, PUBLISH, EDIT, confirmation=old)
    assert stale.status_code == 409
    assert "Ничего не опубликовано" in stale.get_data(as_text=True)
    assert counts() == (1, 1)
    fresh = token_of(stale)
    assert fresh != old
    assert press(methodist, PUBLISH, EDIT, confirmation=fresh).status_code == 302
    assert counts() == (2, 2)


def test_a_forged_confirmation_publishes_nothing(methodist):
    rename_framework(methodist, "Новое название")
    assert press(methodist, PUBLISH, EDIT, confirmation="0" * 64).status_code == 409
    assert counts() == (1, 1)
