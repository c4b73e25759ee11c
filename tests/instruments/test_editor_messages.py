"""The editor speaks the methodist's language: questions by number, competences by title."""

import copy
import html
import re

from competence.instruments import services
from tests.factories import post_form
from tests.instruments.helpers import (
    build_instrument,
    create_framework,
    document,
    item,
    options,
    press,
    published,
)

EDIT = "/instruments/instrument/reading-check/edit"
NEW = "/instruments/instrument/reading-check/items/new"
YAML_NOTATION = re.compile(r"correct: true|items\[\d|options\[\d|kind: l|\bcompetences\b")


def text_of(response) -> str:
    """Return the visible text of a page, without tags and attributes."""
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_an_inconsistent_single_choice_item_is_refused_when_saved(methodist):
    build_instrument(methodist)
    typed = item(
        "rc-04",
        "single_choice",
        stem="Какое утверждение верно?",
        **options(("", False), ("Первое", True), ("Второе", True), ("Третье", False)),
    )
    refused = post_form(methodist, f"{NEW}?type=single_choice", typed)
    assert refused.status_code == 422
    page = text_of(refused)
    assert "Вопрос 4: верным должен быть отмечен ровно один вариант, отмечено 2" in page
    assert not YAML_NOTATION.search(page)
    # Everything typed is still in the form, blank first row included.
    body = refused.get_data(as_text=True)
    assert "Какое утверждение верно?" in body and "Первое" in body and "Третье" in body
    boxes = re.findall(r'<input[^>]*name="options-\d-correct"[^>]*>', body)
    assert len([box for box in boxes if "checked" in box]) == 2
    items = document("instrument", "reading-check").draft.content["items"]
    assert [i["id"] for i in items] == ["rc-01", "rc-02", "rc-03"]


def test_an_edited_item_made_inconsistent_is_refused_and_the_saved_one_kept(methodist):
    build_instrument(methodist)
    refused = post_form(
        methodist,
        "/instruments/instrument/reading-check/items/0",
        item(
            "rc-01",
            "single_choice",
            **options(("Верно", False), ("Неверно", False), ("Не знаю", False)),
        ),
    )
    assert refused.status_code == 422
    assert "Вопрос 1: верным должен быть отмечен ровно один вариант, отмечено 0" in text_of(refused)
    saved = document("instrument", "reading-check").draft.content["items"][0]
    assert saved["options"][0] == {"id": "a", "text": "Верно", "correct": True}


def test_a_bad_pair_is_refused_at_save_under_the_row_it_was_typed_in(methodist):
    build_instrument(methodist)
    refused = post_form(
        methodist,
        f"{NEW}?type=matching",
        item(
            "rc-04",
            "matching",
            **{
                "pairs-0-left": "",
                "pairs-0-right": "",
                "pairs-1-left": "Эпитет",
                "pairs-1-right": "золотая осень",
                "pairs-2-left": "Эпитет",
                "pairs-2-right": "лес шумит",
                "pairs-3-left": "Метафора",
                "pairs-3-right": "костёр рябины",
            },
        ),
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    message = "левая часть «Эпитет» повторяется: впервые встречается в задании 4, паре 1"
    assert message in html.unescape(page)
    # Shown under the third row, where the repeated text was typed.
    third = page.index('name="pairs-2-left"')
    assert page.index(message.split(":")[0]) > third
    assert page.index(message.split(":")[0]) < page.index('name="pairs-2-right"')


def test_publication_errors_name_competences_by_title(methodist):
    edit = build_instrument(methodist)
    press(methodist, "/instruments/instrument/reading-check/items/2/delete", edit)
    refused = press(methodist, "/instruments/instrument/reading-check/draft/publish", edit)
    assert refused.status_code == 422
    page = text_of(refused)
    assert "с компетенцией «Анализ текста» связано заданий: 2, нужно не меньше 3" in page
    assert "«text-analysis»" not in page
    preview = methodist.get("/instruments/instrument/reading-check/preview")
    assert preview.status_code == 422
    assert "Измеряемые компетенции: с компетенцией «Анализ текста» связано заданий: 2" in text_of(
        preview
    )


def test_a_broken_item_of_a_draft_is_named_by_its_number_everywhere(methodist):
    build_instrument(methodist)
    draft = document("instrument", "reading-check").draft
    content = copy.deepcopy(draft.content)
    content["items"][0]["options"][1]["correct"] = True
    services.save_draft(draft, content)
    message = "верным должен быть отмечен ровно один вариант, отмечено 2"
    preview = text_of(methodist.get("/instruments/instrument/reading-check/preview"))
    assert f"Вопрос 1: {message}" in preview
    assert not YAML_NOTATION.search(preview)
    editor = text_of(methodist.get(EDIT))
    assert message in editor and not YAML_NOTATION.search(editor)
    form = text_of(methodist.get("/instruments/instrument/reading-check/items/0"))
    assert f"Вопрос 1: {message}" in form


def test_an_empty_area_is_named_and_can_be_deleted(methodist):
    edit = create_framework(methodist)
    page = "/instruments/framework/reading"
    post_form(methodist, f"{page}/areas", {"id": "writing", "title": "Письмо"}, page=edit)
    refused = press(methodist, f"{page}/draft/publish", edit)
    assert refused.status_code == 422
    text = text_of(refused)
    assert "Область «Письмо»: в области нет ни одной компетенции" in text
    assert "список не должен быть пустым" not in text.lower()
    kept = press(methodist, f"{page}/areas/literacy/delete", edit)
    assert kept.status_code == 409
    assert "Удалить можно только пустую область" in text_of(kept)
    deleted = press(methodist, f"{page}/areas/writing/delete", edit)
    assert deleted.status_code == 302
    areas = document("framework", "reading").draft.content["areas"]
    assert [a["id"] for a in areas] == ["literacy"]
    assert press(methodist, f"{page}/draft/publish", edit).status_code == 302
    assert len(published("framework", "reading")) == 1


def test_an_empty_instrument_says_which_lists_are_empty(methodist):
    create_framework(methodist)
    press(
        methodist,
        "/instruments/framework/reading/draft/publish",
        "/instruments/framework/reading/edit",
    )
    post_form(
        methodist,
        "/instruments/new/instrument",
        {"key": "reading-check", "title": "Проба", "parent": "reading"},
    )
    page = text_of(press(methodist, "/instruments/instrument/reading-check/draft/publish", EDIT))
    assert "не выбрана ни одна измеряемая компетенция" in page
    assert "в инструменте нет ни одного задания" in page
    assert "список не должен быть пустым" not in page.lower()
