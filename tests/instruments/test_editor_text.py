"""What the editor stores and shows: line breaks, suggested item ids, where a version came from."""

import json
import re

from tests.factories import post_form
from tests.instruments.helpers import SHIPPED, build_instrument, document, item, options, press

EDIT = "/instruments/instrument/reading-check/edit"


def test_windows_line_breaks_never_reach_the_draft(methodist):
    build_instrument(methodist)
    settings = {
        "title": "Читательская грамотность\r\n",
        "description": "Короткая диагностика.\r\n\r\nЗаймёт 15 минут.\rКонец.",
        "positions": ["teacher"],
        "time_limit_minutes": "15",
        "cooldown_days": "30",
        "attempts_per_year": "3",
        "deficit_threshold": "60",
        "competences": ["text-analysis"],
    }
    assert post_form(methodist, EDIT, settings).status_code == 302
    saved = post_form(
        methodist,
        "/instruments/instrument/reading-check/items/new?type=single_choice",
        item(
            "rc-04",
            "single_choice",
            stem="Первый абзац.\r\n\r\nВторой абзац.",
            comment="Ключ:\r\nвариант А.",
            **options(("Верно\r\nи точно", True), ("Неверно", False), ("Не знаю", False)),
        ),
    )
    assert saved.status_code == 302
    content = document("instrument", "reading-check").draft.content
    assert content["description"] == "Короткая диагностика.\n\nЗаймёт 15 минут.\nКонец."
    new = content["items"][-1]
    assert new["stem"] == "Первый абзац.\n\nВторой абзац."
    assert new["comment"] == "Ключ:\nвариант А."
    assert new["options"][0]["text"] == "Верно\nи точно"
    assert "\\r" not in json.dumps(content)  # a carriage return is written \r


def test_framework_texts_lose_windows_line_breaks(methodist):
    build_instrument(methodist)
    page = "/instruments/framework/reading"
    press(methodist, f"{page}/draft", page)
    data = {
        "area": "literacy",
        "id": "text-analysis",
        "title": "Анализ текста",
        "description": "Находит информацию.\r\nИ интерпретирует её.",
    }
    for index, level in enumerate(["low", "basic", "sufficient", "high"]):
        data[f"descriptors-{index}-level"] = level
        data[f"descriptors-{index}-text"] = f"Уровень\r\n{level}."
    assert post_form(methodist, f"{page}/competences/text-analysis", data).status_code == 302
    content = document("framework", "reading").draft.content
    assert "\\r" not in json.dumps(content)  # a carriage return is written \r


def suggested_id(methodist, key):
    page = methodist.get(f"/instruments/instrument/{key}/items/new?type=single_choice")
    return re.search(r'name="id"[^>]*value="([^"]*)"', page.get_data(as_text=True)).group(1)


def test_suggested_item_ids_have_no_doubled_or_outer_hyphens(methodist):
    for key, expected in (("fa-quiz", "fq-01"), ("reading", "rea-01"), ("a-b-c-d", "abcd-01")):
        created = post_form(
            methodist,
            "/instruments/new/instrument",
            {"key": key, "title": "Проба", "parent": "soft-skills"},
        )
        assert created.status_code == 302
        assert suggested_id(methodist, key) == expected


def test_suggested_item_id_continues_the_existing_pattern(methodist):
    build_instrument(methodist)
    assert suggested_id(methodist, "reading-check") == "rc-04"


def test_the_source_of_a_version_is_said_in_words_without_a_server_path(methodist):
    page = methodist.get("/instruments/instrument/soft-skills").get_data(as_text=True)
    assert str(SHIPPED.resolve()) not in page and str(SHIPPED) not in page
    assert "файлы instruments/" in page
    edit = build_instrument(methodist)
    press(methodist, "/instruments/instrument/reading-check/draft/publish", edit)
    page = methodist.get("/instruments/instrument/reading-check").get_data(as_text=True)
    assert "редактор портала" in page
    assert ">editor<" not in page
