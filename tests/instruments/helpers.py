"""Helpers of the editor tests: build a framework and an instrument through the pages."""

from pathlib import Path

from sqlalchemy import select

from competence.extensions import db
from competence.instruments.models import ContentDocument, VersionStatus
from tests.factories import csrf_token, post_form

SHIPPED = Path(__file__).parent.parent.parent / "instruments"


def document(kind, key):
    return db.session.scalar(
        select(ContentDocument).where(ContentDocument.kind == kind, ContentDocument.key == key)
    )


def published(kind, key):
    db.session.expire_all()
    return [v for v in document(kind, key).versions if v.status == VersionStatus.PUBLISHED]


def press(client, url, page, **extra):
    """Press a button whose form posts to `url` from `page`."""
    return client.post(url, data={"csrf_token": csrf_token(client, page), **extra})


def create_framework(client):
    """Create the framework `reading` with one area and one competence through the pages."""
    response = post_form(
        client,
        "/instruments/new/framework",
        {"key": "reading", "title": "Рамка читательской грамотности", "parent": "levels-4"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    edit = "/instruments/framework/reading/edit"
    post_form(
        client,
        "/instruments/framework/reading/areas",
        {"id": "literacy", "title": "Грамотность"},
        page=edit,
    )
    data = {
        "area": "literacy",
        "id": "text-analysis",
        "title": "Анализ текста",
        "description": "Находит и интерпретирует информацию в тексте.",
    }
    for index, level in enumerate(["low", "basic", "sufficient", "high"]):
        data[f"descriptors-{index}-level"] = level
        data[f"descriptors-{index}-text"] = f"Описание уровня {level}."
    saved = post_form(client, "/instruments/framework/reading/competences/new?area=literacy", data)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    return edit


def item(id_, item_type, competence="text-analysis", **fields):
    data = {
        "id": id_,
        "type": item_type,
        "stem": f"Вопрос {id_}",
        "weights-0-competence": competence,
        "weights-0-weight": "1",
    }
    data.update(fields)
    return data


def options(*rows, weights=False):
    data = {}
    for index, (text, mark) in enumerate(rows):
        data[f"options-{index}-text"] = text
        if weights:
            data[f"options-{index}-weight"] = mark
        elif mark:
            data[f"options-{index}-correct"] = "y"
    return data


def build_instrument(client):
    """Create instrument `reading-check` on the framework `reading` with four items."""
    create_framework(client)
    press(
        client,
        "/instruments/framework/reading/draft/publish",
        "/instruments/framework/reading/edit",
    )
    created = post_form(
        client,
        "/instruments/new/instrument",
        {"key": "reading-check", "title": "Читательская грамотность учителя", "parent": "reading"},
    )
    assert created.headers["Location"] == "/instruments/instrument/reading-check/edit"
    settings = {
        "title": "Читательская грамотность учителя",
        "description": "Короткая диагностика.\n\nЗаймёт 15 минут.",
        "positions": ["teacher", "primary_teacher"],
        "time_limit_minutes": "15",
        "cooldown_days": "30",
        "attempts_per_year": "3",
        "deficit_threshold": "62,5",
        "competences": ["text-analysis"],
        "cut_scores-0-key": "basic",
        "cut_scores-0-value": "",
        "thresholds-0-key": "text-analysis",
        "thresholds-0-value": "",
    }
    saved = post_form(client, "/instruments/instrument/reading-check/edit", settings)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    new = "/instruments/instrument/reading-check/items/new"
    responses = [
        post_form(
            client,
            f"{new}?type=single_choice",
            item(
                "rc-01",
                "single_choice",
                **options(("Верно", True), ("Неверно", False), ("Не знаю", False)),
            ),
        ),
        post_form(
            client,
            f"{new}?type=situational",
            item(
                "rc-02",
                "situational",
                **options(("Лучшее", "1"), ("Среднее", "0,5"), ("Плохое", "0"), weights=True),
            ),
        ),
        post_form(
            client,
            f"{new}?type=numeric",
            item("rc-03", "numeric", answer="12,5", tolerance="0", unit="%"),
        ),
    ]
    assert [r.status_code for r in responses] == [302, 302, 302]
    return "/instruments/instrument/reading-check/edit"
