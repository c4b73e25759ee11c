"""Bad input in the editor is refused with a Russian message next to the field, and kept."""

import html
import re

import pytest

from competence.instruments import services
from tests.factories import post_form
from tests.instruments.helpers import build_instrument, document, item, options, press

EDIT = "/instruments/instrument/reading-check/edit"


def settings(**changes):
    data = {
        "title": "Читательская грамотность учителя",
        "description": "Короткая диагностика.",
        "positions": ["teacher"],
        "time_limit_minutes": "15",
        "cooldown_days": "30",
        "attempts_per_year": "3",
        "deficit_threshold": "60",
        "competences": ["text-analysis"],
        "cut_scores-0-key": "basic",
        "cut_scores-0-value": "",
        "cut_scores-1-key": "sufficient",
        "cut_scores-1-value": "",
        "cut_scores-2-key": "high",
        "cut_scores-2-value": "",
        "thresholds-0-key": "text-analysis",
        "thresholds-0-value": "",
    }
    data.update(changes)
    return data


def value_of(page, name):
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page).group(0)
    match = re.search(r'value="([^"]*)"', tag)
    return match.group(1) if match else ""


def open_section(page):
    """Return the HTML of the cut-score section if it is rendered open, else None."""
    match = re.search(r'<details class="mb-3" id="thresholds"( open)?>(.*?)</details>', page, re.S)
    assert match, "no cut-score section"
    return match.group(2) if match.group(1) else None


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("thresholds-0-value", "150", "Введите число от 0 до 100."),
        ("thresholds-0-value", "-3", "Введите число от 0 до 100."),
        ("cut_scores-1-value", "abc", "Неверное десятичное число."),
    ],
)
def test_bad_threshold_or_cut_score_is_refused_and_kept(methodist, field, typed, message):
    build_instrument(methodist)
    before = dict(document("instrument", "reading-check").draft.content)
    response = post_form(methodist, EDIT, settings(**{field: typed, "deficit_threshold": "55"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert value_of(page, field) == typed
    # The message stands in the section, which is open.
    section = open_section(page)
    assert section is not None and message in section
    draft = document("instrument", "reading-check").draft
    assert draft.content == before and draft.content["deficit_threshold"] == 62.5


def test_good_thresholds_are_saved(methodist):
    build_instrument(methodist)
    saved = post_form(
        methodist,
        EDIT,
        settings(**{"thresholds-0-value": "70,5", "cut_scores-0-value": "45"}),
    )
    assert saved.status_code == 302
    content = document("instrument", "reading-check").draft.content
    assert content["thresholds"] == {"text-analysis": 70.5}
    assert content["cut_scores"] == {"basic": 45}


def test_rows_are_labelled_with_titles(methodist):
    build_instrument(methodist)
    page = methodist.get(EDIT).get_data(as_text=True)
    section = re.search(r'id="thresholds".*?</details>', page, re.S).group(0)
    assert "Достаточный" in section and "Анализ текста" in section
    assert '<code class="text-body-secondary">sufficient</code>' in section
    press(methodist, "/instruments/framework/reading/draft", "/instruments/framework/reading")
    competence = methodist.get("/instruments/framework/reading/competences/text-analysis")
    assert "Высокий" in competence.get_data(as_text=True)


def test_publication_errors_of_cut_scores_open_their_section(methodist):
    build_instrument(methodist)
    # Cut scores must rise from level to level: valid numbers, a bad order.
    saved = post_form(
        methodist,
        EDIT,
        settings(**{"cut_scores-0-value": "80", "cut_scores-1-value": "60"}),
    )
    assert saved.status_code == 302
    assert open_section(methodist.get(EDIT).get_data(as_text=True)) is not None
    refused = press(methodist, "/instruments/instrument/reading-check/draft/publish", EDIT)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    [error] = [
        e
        for e in services.check(
            "instrument", document("instrument", "reading-check").draft.content
        ).errors
        if e.path[:1] == ("cut_scores",)
    ]
    section = open_section(page)
    assert section is not None
    # Said with the levels' titles, not their ids.
    assert error.message == (
        "начало уровня «sufficient» (60) должно быть больше начала предыдущего уровня «basic» (80)"
    )
    shown = (
        "начало уровня «Достаточный» (60) должно быть больше начала предыдущего уровня "
        "«Базовый» (80)"
    )
    assert f'<div class="text-danger small">{html.escape(shown)}</div>' in section


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"deficit_threshold": "0"}, None, None),
        ({"time_limit_minutes": "1,5"}, "time_limit_minutes", "Введите целое число от 5 до 240."),
        ({"attempts_per_year": "0"}, "attempts_per_year", "Введите целое число от 1 до 12."),
        ({"deficit_threshold": "101"}, "deficit_threshold", "Введите число от 0 до 100."),
    ],
)
def test_settings_numbers_get_range_messages(methodist, changes, field, message):
    build_instrument(methodist)
    response = post_form(methodist, EDIT, settings(**changes))
    if field is None:
        assert response.status_code == 302
        assert document("instrument", "reading-check").draft.content["deficit_threshold"] == 0
        return
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and "Заполните это поле." not in page
    assert value_of(page, field) == changes[field]


def test_a_resubmitted_form_shows_only_its_own_errors(methodist):
    build_instrument(methodist)
    created = post_form(
        methodist,
        "/instruments/new/instrument",
        {"key": "reading-two", "title": "Вторая диагностика", "parent": "reading"},
    )
    assert created.status_code == 302
    edit = "/instruments/instrument/reading-two/edit"
    # A new draft has no description yet: the editor says so under the field.
    assert "текст не должен быть пустым" in methodist.get(edit).get_data(as_text=True)
    # The methodist types a description and a bad time limit: only the time limit is wrong.
    response = post_form(methodist, edit, settings(time_limit_minutes="500"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Введите целое число от 5 до 240." in page
    assert "текст не должен быть пустым" not in page
    assert "Короткая диагностика." in page
    assert document("instrument", "reading-two").draft.content["description"] == ""


@pytest.mark.parametrize(
    ("typed", "message"),
    [("1,5", "Введите число от 0 до 1."), ("x", "Неверное десятичное число.")],
)
def test_item_weight_messages_are_russian(methodist, typed, message):
    build_instrument(methodist)
    url = "/instruments/instrument/reading-check/items/new?type=single_choice"
    data = item("rc-07", "single_choice", **options(("Да", True), ("Нет", False)))
    response = post_form(methodist, url, {**data, "weights-0-weight": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "Number must be" not in page and "Not a valid" not in page
    assert value_of(page, "weights-0-weight") == typed
    situational = post_form(
        methodist,
        "/instruments/instrument/reading-check/items/new?type=situational",
        item("rc-08", "situational", **options(("А", typed), ("Б", "0"), ("В", "1"), weights=True)),
    )
    assert situational.status_code == 422
    assert message in situational.get_data(as_text=True)
