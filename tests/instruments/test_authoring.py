"""Methodists author instruments in the browser: create, edit, preview, publish, export, import."""

import io
from pathlib import Path

from sqlalchemy import select

from competence.accounts.models import Role
from competence.extensions import db
from competence.instruments import services, spec
from competence.instruments.models import ContentVersion, VersionStatus
from tests.factories import csrf_token, login, make_user, post_form
from tests.instruments.helpers import (
    SHIPPED,
    build_instrument,
    create_framework,
    document,
    item,
    options,
    press,
    published,
)


def test_only_methodists_and_admins_author(client):
    make_user(role=Role.TEACHER)
    login(client)
    assert client.get("/instruments/").status_code == 403
    assert client.get("/instruments/new/instrument").status_code == 403


def test_framework_created_edited_and_published(methodist):
    edit = create_framework(methodist)
    page = methodist.get(edit).get_data(as_text=True)
    assert "Анализ текста" in page and "готов к публикации" in page
    published_response = press(methodist, "/instruments/framework/reading/draft/publish", edit)
    assert published_response.status_code == 302
    [version] = published("framework", "reading")
    framework = spec.from_data(version.content)
    assert framework.competence_ids == {"text-analysis"}
    assert dict(framework.areas[0].competences[0].descriptors)["high"] == "Описание уровня high."


def test_a_competence_without_descriptors_cannot_be_published(methodist):
    create_framework(methodist)
    data = {
        "area": "literacy",
        "id": "vocabulary",
        "title": "Словарь",
        "description": "Знает слова.",
    }
    for index, level in enumerate(["low", "basic", "sufficient", "high"]):
        data[f"descriptors-{index}-level"] = level
        data[f"descriptors-{index}-text"] = "" if level == "high" else "Текст."
    post_form(methodist, "/instruments/framework/reading/competences/new", data)
    edit = "/instruments/framework/reading/edit"
    refused = press(methodist, "/instruments/framework/reading/draft/publish", edit)
    assert refused.status_code == 422
    assert "Не опубликовано" in refused.get_data(as_text=True)
    assert published("framework", "reading") == []


def test_instrument_built_previewed_and_published(methodist):
    edit = build_instrument(methodist)
    # Three items for one competence: the minimum. Preview shows them as a teacher will see them.
    preview = methodist.get("/instruments/instrument/reading-check/preview?order=written")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert page.index("Вопрос rc-01") < page.index("Вопрос rc-02") < page.index("Вопрос rc-03")
    assert 'name="a-rc-01"' in page and 'inputmode="decimal"' in page
    assert "Верно" in page and "weight" not in page and "correct" not in page
    assert (
        press(methodist, "/instruments/instrument/reading-check/draft/publish", edit).status_code
        == 302
    )
    [version] = published("instrument", "reading-check")
    instrument = spec.from_data(version.content)
    assert instrument.deficit_threshold == 62.5
    assert [i.id for i in instrument.items] == ["rc-01", "rc-02", "rc-03"]
    assert instrument.items[2].body.answer == 12.5
    assert [o.weight for o in instrument.items[1].body.options] == [1, 0.5, 0]
    assert version.compiled["framework"]["framework"] == "reading"


def test_publication_errors_are_shown_next_to_fields(methodist):
    edit = build_instrument(methodist)
    # Remove an item: the competence is then linked to two items only.
    press(methodist, "/instruments/instrument/reading-check/items/2/delete", edit)
    refused = press(methodist, "/instruments/instrument/reading-check/draft/publish", edit)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Не опубликовано" in page
    # The error stands under the list of measured competences, where it is fixed.
    message = "с компетенцией «Анализ текста» связано заданий: 2, нужно не меньше 3"
    assert f'<div class="invalid-feedback d-block">{message}</div>' in page
    assert published("instrument", "reading-check") == []


def test_bad_item_input_is_refused_and_kept(methodist):
    build_instrument(methodist)
    url = "/instruments/instrument/reading-check/items/new?type=situational"
    bad = post_form(
        methodist,
        url,
        item(
            "rc-09", "situational", **options(("А", "1,5"), ("Б", "0"), ("В", "0,5"), weights=True)
        ),
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "1,5" in page or "1.5" in page
    duplicate = post_form(
        methodist,
        url,
        item("rc-01", "situational", **options(("А", "1"), ("Б", "0"), ("В", "0,5"), weights=True)),
    )
    assert duplicate.status_code == 409
    assert "уже занят другим заданием" in duplicate.get_data(as_text=True)
    draft = document("instrument", "reading-check").draft
    assert [i["id"] for i in draft.content["items"]] == ["rc-01", "rc-02", "rc-03"]


def test_adding_a_row_keeps_what_was_typed(methodist):
    build_instrument(methodist)
    url = "/instruments/instrument/reading-check/items/new?type=single_choice"
    data = item("rc-05", "single_choice", **options(("Первый", True), ("Второй", False)))
    response = post_form(methodist, url, {**data, "add_option": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Первый" in page and "Второй" in page and 'name="options-2-text"' in page
    assert len(document("instrument", "reading-check").draft.content["items"]) == 3


def test_export_then_import_gives_an_identical_instrument(methodist, app_factory):
    edit = build_instrument(methodist)
    press(methodist, "/instruments/instrument/reading-check/draft/publish", edit)
    [version] = published("instrument", "reading-check")
    original = spec.from_data(version.content)
    framework_yaml = methodist.get("/instruments/framework/reading/v1.yaml").get_data(as_text=True)
    instrument_yaml = methodist.get("/instruments/instrument/reading-check/v1.yaml").get_data(
        as_text=True
    )

    # Import both into a fresh portal and publish them there.
    other = app_factory()
    services.load_tree(SHIPPED)
    make_user(email="m2@example.org", role=Role.METHODIST, position="other")
    client = other.test_client()
    login(client, "m2@example.org")
    for name, text, kind in (
        ("reading.yaml", framework_yaml, "framework"),
        ("reading-check.yaml", instrument_yaml, "instrument"),
    ):
        token = csrf_token(client, "/instruments/import")
        imported = client.post(
            "/instruments/import",
            data={"csrf_token": token, "file": (io.BytesIO(text.encode()), name)},
            content_type="multipart/form-data",
        )
        assert imported.status_code == 302, imported.get_data(as_text=True)
        key = "reading" if kind == "framework" else "reading-check"
        assert (
            press(
                client, f"/instruments/{kind}/{key}/draft/publish", f"/instruments/{kind}/{key}"
            ).status_code
            == 302
        )
    [copy] = published("instrument", "reading-check")
    assert spec.from_data(copy.content) == original
    assert copy.content_hash == version.content_hash


def test_import_of_a_broken_file_lists_errors_with_lines(methodist):
    text = (Path(__file__).parent / "fixtures" / "broken" / "many-defects.yaml").read_text(
        encoding="utf-8"
    )
    response = post_form(methodist, "/instruments/import", {"text": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "text.yaml:" in page
    assert (
        db.session.scalar(
            select(ContentVersion).where(ContentVersion.status == VersionStatus.DRAFT)
        )
        is None
    )


def test_editing_a_published_instrument_makes_a_new_version(methodist):
    page = "/instruments/instrument/soft-skills"
    assert press(methodist, "/instruments/instrument/soft-skills/draft", page).status_code == 302
    edit = "/instruments/instrument/soft-skills/edit"
    form_page = methodist.get("/instruments/instrument/soft-skills/items/0")
    assert form_page.status_code == 200
    draft = document("instrument", "soft-skills").draft
    first = draft.content["items"][0]
    data = {
        "id": first["id"],
        "type": "likert",
        "stem": first["stem"] + " (уточнено)",
        "scale": first["scale"],
    }
    for index, competence in enumerate(draft.content["competences"]):
        data[f"weights-{index}-competence"] = competence
        data[f"weights-{index}-weight"] = str(first["competences"].get(competence, ""))
    assert (
        post_form(methodist, "/instruments/instrument/soft-skills/items/0", data).status_code == 302
    )
    assert (
        press(methodist, "/instruments/instrument/soft-skills/draft/publish", edit).status_code
        == 302
    )
    old, new = published("instrument", "soft-skills")
    assert (old.number, new.number) == (1, 2)
    assert new.content["items"][0]["stem"].endswith("(уточнено)")
    assert not old.content["items"][0]["stem"].endswith("(уточнено)")


def test_publishing_an_unchanged_draft_publishes_nothing(methodist):
    page = "/instruments/instrument/soft-skills"
    press(methodist, "/instruments/instrument/soft-skills/draft", page)
    response = press(
        methodist,
        "/instruments/instrument/soft-skills/draft/publish",
        "/instruments/instrument/soft-skills/edit",
    )
    assert response.status_code == 302
    assert len(published("instrument", "soft-skills")) == 1
    assert document("instrument", "soft-skills").draft is not None
    press(
        methodist,
        "/instruments/instrument/soft-skills/draft/discard",
        "/instruments/instrument/soft-skills/edit",
    )
    db.session.expire_all()
    assert document("instrument", "soft-skills").draft is None


def test_a_framework_change_that_breaks_an_instrument_names_it(methodist):
    page = "/instruments/framework/soft-skills"
    press(methodist, f"{page}/draft", page)
    edit = f"{page}/edit"
    deleted = press(methodist, f"{page}/competences/teamwork/delete", edit)
    assert deleted.status_code == 302
    refused = press(methodist, f"{page}/draft/publish", edit)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    title = published("instrument", "soft-skills")[0].title
    assert f"Инструмент «{title}», измеряемые компетенции: " in text
    # The deleted competence is named by its published title.
    assert "компетенции «Командная работа» нет в рамке" in text
    assert len(published("framework", "soft-skills")) == 1
