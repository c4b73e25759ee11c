"""The methodist sets a bank's sitting size and the items' difficulty in the editor."""

from tests.factories import post_form
from tests.instruments.helpers import build_instrument, document, item, options, press

EDIT = "/instruments/instrument/reading-check/edit"
SETTINGS = {
    "title": "Читательская грамотность учителя",
    "description": "Короткая диагностика.",
    "positions": ["teacher"],
    "time_limit_minutes": "15",
    "cooldown_days": "0",
    "attempts_per_year": "3",
    "deficit_threshold": "65",
    "competences": ["text-analysis"],
    "cut_scores-0-key": "basic",
    "cut_scores-0-value": "",
    "thresholds-0-key": "text-analysis",
    "thresholds-0-value": "",
}


def draft_content():
    return document("instrument", "reading-check").draft.content


def add_item(client, id_, difficulty="", status=302):
    data = item(
        id_,
        "single_choice",
        difficulty=difficulty,
        **options(("Верно", True), ("Неверно", False), ("Не знаю", False)),
    )
    url = "/instruments/instrument/reading-check/items/new?type=single_choice"
    response = post_form(client, url, data)
    assert response.status_code == status, response.get_data(as_text=True)
    return response


def test_the_sitting_size_is_saved_with_the_settings_and_shown_with_the_bank(methodist):
    build_instrument(methodist)
    response = post_form(methodist, EDIT, {**SETTINGS, "items_per_competence": "4"})
    assert response.status_code == 302, response.get_data(as_text=True)
    content = draft_content()
    assert content["form"] == {"items_per_competence": 4}
    assert list(content)[-2:] == ["form", "items"]  # the documented key order
    page = methodist.get(EDIT).get_data(as_text=True)
    assert "банк: 3 задания, в попытке: 3" in page
    # The bank is smaller than one sitting's form: publication is refused, said in Russian.
    assert "нужно не меньше 4" in page

    add_item(methodist, "rc-04", "hard")
    response = post_form(methodist, EDIT, {**SETTINGS, "items_per_competence": "3"})
    assert response.status_code == 302
    page = methodist.get(EDIT).get_data(as_text=True)
    assert "банк: 4 задания, в попытке: 3" in page
    published = press(methodist, f"{EDIT.rsplit('/', 1)[0]}/draft/publish", EDIT)
    assert published.status_code == 302, published.get_data(as_text=True)
    page = methodist.get("/instruments/instrument/reading-check").get_data(as_text=True)
    assert "банк: 4 задания, в попытке: 3" in page


def test_a_blank_sitting_size_means_every_item_every_time(methodist):
    build_instrument(methodist)
    post_form(methodist, EDIT, {**SETTINGS, "items_per_competence": "3"})
    assert "form" in draft_content()
    response = post_form(methodist, EDIT, {**SETTINGS, "items_per_competence": ""})
    assert response.status_code == 302
    assert "form" not in draft_content()
    assert "банк: 3 задания, в попытке: 3" in methodist.get(EDIT).get_data(as_text=True)


def test_a_sitting_size_out_of_range_is_refused_and_nothing_changes(methodist):
    build_instrument(methodist)
    before = draft_content()
    for value, message in (
        ("2", "Введите целое число от 3 до 60."),
        ("61", "Введите целое число от 3 до 60."),
        ("три", "Введите целое число."),
    ):
        response = post_form(methodist, EDIT, {**SETTINGS, "items_per_competence": value})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True), value
        assert draft_content() == before


def test_an_item_keeps_its_stated_difficulty(methodist):
    build_instrument(methodist)
    add_item(methodist, "rc-04", "hard")
    stored = draft_content()["items"][-1]
    assert stored["difficulty"] == "hard"
    page = methodist.get(EDIT).get_data(as_text=True)
    assert "трудное" in page
    form = methodist.get("/instruments/instrument/reading-check/items/3").get_data(as_text=True)
    assert '<option selected value="hard">трудное</option>' in form
    # Not stated: the item is saved without the field (it counts as medium).
    add_item(methodist, "rc-05", "")
    assert "difficulty" not in draft_content()["items"][-1]


def test_an_unknown_difficulty_is_refused_and_nothing_changes(methodist):
    build_instrument(methodist)
    before = draft_content()
    response = add_item(methodist, "rc-04", "extreme", status=422)
    assert "Выберите вариант из списка." in response.get_data(as_text=True)
    assert draft_content() == before
