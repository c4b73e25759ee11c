"""Every item type and the framework are edited through the web forms, as a methodist does."""

from competence.instruments import spec
from tests.factories import post_form
from tests.instruments.helpers import build_instrument, document, item, options, press, published

EDIT = "/instruments/instrument/reading-check/edit"
NEW = "/instruments/instrument/reading-check/items/new"


def saved_items():
    return {i["id"]: i for i in document("instrument", "reading-check").draft.content["items"]}


def test_multiple_choice_matching_and_ordering_items_are_saved_and_published(methodist):
    build_instrument(methodist)
    responses = [
        post_form(
            methodist,
            f"{NEW}?type=multiple_choice",
            item(
                "rc-04",
                "multiple_choice",
                scoring="all_or_nothing",
                **options(("Тема", True), ("Идея", True), ("Шрифт", False), ("Автор", False)),
            ),
        ),
        post_form(
            methodist,
            f"{NEW}?type=matching",
            item(
                "rc-05",
                "matching",
                **{
                    "pairs-0-left": "Эпитет",
                    "pairs-0-right": "золотая осень",
                    "pairs-1-left": "Метафора",
                    "pairs-1-right": "костёр рябины",
                    "pairs-2-left": "Олицетворение",
                    "pairs-2-right": "лес шумит",
                    "distractors": "хорошая погода\n\n",
                },
            ),
        ),
        post_form(
            methodist,
            f"{NEW}?type=ordering",
            item("rc-06", "ordering", sequence="Прочитать\n  Понять\n\nПересказать\n"),
        ),
    ]
    assert [r.status_code for r in responses] == [302, 302, 302]
    items = saved_items()
    assert [o["correct"] for o in items["rc-04"]["options"] if o.get("correct")] == [True, True]
    assert [o["id"] for o in items["rc-04"]["options"]] == ["a", "b", "c", "d"]
    assert items["rc-04"]["scoring"] == "all_or_nothing"
    assert items["rc-05"]["pairs"][1] == {"left": "Метафора", "right": "костёр рябины"}
    assert items["rc-05"]["distractors"] == ["хорошая погода"]
    assert items["rc-06"]["sequence"] == ["Прочитать", "Понять", "Пересказать"]

    # Edit the multiple-choice item: the form shows what was saved; a change is kept.
    form = methodist.get("/instruments/instrument/reading-check/items/3").get_data(as_text=True)
    assert "Шрифт" in form and '<option selected value="all_or_nothing">' in form
    changed = post_form(
        methodist,
        "/instruments/instrument/reading-check/items/3",
        item(
            "rc-04",
            "multiple_choice",
            scoring="partial",
            **options(("Тема", True), ("Идея", True), ("Стиль", False), ("Автор", False)),
        ),
    )
    assert changed.status_code == 302
    assert "scoring" not in saved_items()["rc-04"]
    assert saved_items()["rc-04"]["options"][2] == {"id": "c", "text": "Стиль"}

    assert (
        press(methodist, "/instruments/instrument/reading-check/draft/publish", EDIT).status_code
        == 302
    )
    [version] = published("instrument", "reading-check")
    kinds = {i.id: i.type for i in spec.from_data(version.content).items}
    assert kinds["rc-04"] == "multiple_choice" and kinds["rc-05"] == "matching"
    assert kinds["rc-06"] == "ordering"


def test_bad_ordering_input_is_refused_when_saved(methodist):
    build_instrument(methodist)
    refused = post_form(
        methodist,
        f"{NEW}?type=ordering",
        item("rc-06", "ordering", sequence="Только один шаг"),
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    # Under the field it concerns.
    assert '<div class="invalid-feedback">нужно не меньше 3 элементов, указано 1</div>' in page
    assert "Только один шаг" in page
    assert len(document("instrument", "reading-check").draft.content["items"]) == 3
    assert published("instrument", "reading-check") == []


def test_framework_title_areas_and_competences_are_edited(methodist):
    build_instrument(methodist)  # publishes framework `reading`
    page = "/instruments/framework/reading"
    press(methodist, f"{page}/draft", page)
    edit = f"{page}/edit"
    assert post_form(methodist, edit, {"title": "Рамка: чтение"}).status_code == 302
    added = post_form(methodist, f"{page}/areas", {"id": "writing", "title": "Письмо"}, page=edit)
    assert added.status_code == 302
    twice = post_form(methodist, f"{page}/areas", {"id": "writing", "title": "Ещё"}, page=edit)
    assert twice.status_code == 303
    # Rename the competence and add one to the new area.
    data = {
        "area": "literacy",
        "id": "text-analysis",
        "title": "Анализ и интерпретация текста",
        "description": "Находит и интерпретирует информацию в тексте.",
    }
    for index, level in enumerate(["low", "basic", "sufficient", "high"]):
        data[f"descriptors-{index}-level"] = level
        data[f"descriptors-{index}-text"] = f"Уровень {level}."
    renamed = post_form(methodist, f"{page}/competences/text-analysis", data)
    assert renamed.status_code == 302
    new = {**data, "area": "writing", "id": "essay", "title": "Сочинение"}
    clash = post_form(
        methodist, f"{page}/competences/new?area=writing", {**new, "id": "text-analysis"}
    )
    assert clash.status_code == 409
    assert "Сочинение" in clash.get_data(as_text=True)  # what was typed is kept
    empty = post_form(methodist, f"{page}/competences/new?area=writing", {**new, "title": ""})
    assert empty.status_code == 422
    added = post_form(methodist, f"{page}/competences/new?area=writing", new)
    assert added.status_code == 302
    assert press(methodist, f"{page}/draft/publish", edit).status_code == 302
    _old, latest = published("framework", "reading")
    framework = spec.from_data(latest.content)
    assert framework.title == "Рамка: чтение"
    [literacy, writing] = framework.areas
    assert [c.title for c in literacy.competences] == ["Анализ и интерпретация текста"]
    assert [(c.id, c.title) for c in writing.competences] == [("essay", "Сочинение")]
    assert dict(writing.competences[0].descriptors)["high"] == "Уровень high."
