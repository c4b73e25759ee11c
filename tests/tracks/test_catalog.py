"""The catalogue files: validation with file and line, coverage, loading, the methodist's pages."""

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competence.accounts.models import Role
from competence.extensions import db
from competence.instruments import services as instruments
from competence.instruments.validation import validate_tree
from competence.tracks.catalog import validate_catalog
from competence.tracks.library import CATALOG_DIR, CatalogErrors, export_catalog, load_catalog
from competence.tracks.models import CatalogModule
from tests.factories import login, make_school, make_user, post_form

ROOT = Path(__file__).parent.parent.parent / "instruments"

BROKEN = """\
modules:
  - id: Bad_Id
    kind: course
    title: Курс
    description: Описание.
    provider: ХКИРО
    format: online
    hours: 20
    duration_weeks: 60
    audience: {positions: [teacher, janitor]}
    develops:
      - {framework: soft-skills, competence: telepathy, levels: [low, expert]}
      - {framework: no-such-framework, competence: x, levels: [low]}
    url: http://example.org
"""


@pytest.fixture(scope="module")
def shipped_objects():
    return validate_tree(ROOT).objects


def test_the_shipped_catalogue_is_valid_and_covers_every_deficit_level(shipped_objects):
    result = validate_catalog(CATALOG_DIR, shipped_objects)
    assert [str(e) for e in result.errors] == []
    assert len(result.modules) >= 100
    kinds = {module["kind"] for module in result.modules}
    assert kinds == {
        "course",
        "internship",
        "webinar",
        "seminar",
        "community",
        "mentoring",
        "self_study",
        "exercise",
    }


def test_every_error_is_reported_with_file_and_line(tmp_path, shipped_objects):
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    messages = [
        str(e) for e in validate_catalog(folder, shipped_objects).errors if e.file == "broken.yaml"
    ]
    expected = [
        ("broken.yaml:2:", "идентификатор"),
        ("broken.yaml:7:", "неизвестный формат «online»"),
        ("broken.yaml:8:", "курс повышения квалификации длится 16, 36 или 72 часа, указано 20"),
        ("broken.yaml:9:", "продолжительность (в неделях) должна быть в диапазоне от 1 до 52"),
        ("broken.yaml:10:", "неизвестный код должности «janitor»"),
        ("broken.yaml:12:", "в рамке «soft-skills» нет компетенции «telepathy»"),
        ("broken.yaml:12:", "неизвестный код уровня «expert»"),
        ("broken.yaml:13:", "рамка «no-such-framework» не найдена"),
        ("broken.yaml:14:", "адрес должен начинаться с https://"),
    ]
    for prefix, text in expected:
        assert any(m.startswith(prefix) and text in m for m in messages), (prefix, text, messages)


def test_duplicate_ids_and_coverage_gaps_are_errors(tmp_path, shipped_objects):
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, folder)
    # Copy one file under another name: every id repeats; then drop the soft-skills file.
    shutil.copy(folder / "pedagogue.yaml", folder / "zz-copy.yaml")
    (folder / "soft-skills.yaml").unlink()
    errors = [str(e) for e in validate_catalog(folder, shipped_objects).errors]
    assert any(
        e.startswith("zz-copy.yaml:") and "уже описан в pedagogue.yaml:" in e for e in errors
    )
    assert any(
        "пробел в каталоге: инструмент «soft-skills», компетенция «communication», уровень «low»"
        in e
        for e in errors
    )


def test_cli_validate_and_load(app, runner):
    assert runner.invoke(args=["catalog", "validate"]).exit_code == 0
    instruments.load_tree(ROOT)
    result = runner.invoke(args=["catalog", "load"])
    assert result.exit_code == 0, result.output
    count = db.session.scalar(select(func.count(CatalogModule.id)))
    assert f"created {count}" in result.output
    again = runner.invoke(args=["catalog", "load"])
    assert "created 0, updated 0, retired 0" in again.output


def test_a_module_removed_from_the_files_is_retired_not_deleted(app, tmp_path):
    instruments.load_tree(ROOT)
    load_catalog()
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, folder)
    text = (folder / "soft-skills.yaml").read_text(encoding="utf-8")
    first_id = next(
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.strip().startswith("- id:")
    )
    # Remove the first module of the soft-skills file (up to the next "- id:").
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("- id:"))
    end = next(
        i
        for i, line in enumerate(lines[start + 1 :], start + 1)
        if line.strip().startswith("- id:")
    )
    (folder / "soft-skills.yaml").write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    report = load_catalog(folder)
    assert report.retired == [first_id]
    module = db.session.scalar(select(CatalogModule).where(CatalogModule.key == first_id))
    assert module is not None and module.retired


def test_loading_a_broken_catalogue_changes_nothing(app, tmp_path):
    instruments.load_tree(ROOT)
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, folder)
    (folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    with pytest.raises(CatalogErrors):
        load_catalog(folder)
    assert db.session.scalar(select(func.count(CatalogModule.id))) == 0


def test_methodists_edit_the_catalogue_with_the_same_checks(client):
    instruments.load_tree(ROOT)
    load_catalog()
    make_user(email="m@example.org", role=Role.METHODIST, position="other")
    login(client, "m@example.org")
    page = client.get("/tracks/catalog/").get_data(as_text=True)
    assert "Для каждой компетенции каждого опубликованного инструмента есть модуль" in page
    form = {
        "key": "ped-webinar-new",
        "kind": "webinar",
        "title": "Новый вебинар",
        "description": "Описание вебинара.",
        "provider": "КГБОУ ДПО ХКИРО",
        "format": "distance",
        "hours": "2",
        "duration_weeks": "1",
        "positions": ["teacher"],
        "develops": "khkiro-pedagogue no-such-competence low",
    }
    refused = post_form(client, "/tracks/catalog/new", form)
    assert refused.status_code == 422
    assert "нет компетенции «no-such-competence»" in refused.get_data(as_text=True)
    assert 'value="Новый вебинар"' in refused.get_data(as_text=True)
    form["develops"] = "khkiro-pedagogue formative-assessment low basic"
    saved = post_form(client, "/tracks/catalog/new", form)
    assert saved.status_code == 302
    module = db.session.scalar(select(CatalogModule).where(CatalogModule.key == "ped-webinar-new"))
    assert module.develops == [
        {
            "framework": "khkiro-pedagogue",
            "competence": "formative-assessment",
            "levels": ["low", "basic"],
        }
    ]
    assert (
        post_form(
            client, "/tracks/catalog/ped-webinar-new/retire", {}, page="/tracks/catalog/"
        ).status_code
        == 302
    )
    db.session.refresh(module)
    assert module.retired
    # A retired module is left out of the export; one in use is in it.
    export = client.get("/tracks/catalog.yaml").get_data(as_text=True)
    assert "ped-webinar-new" not in export and "id: ss-comm-" in export


def test_the_catalogue_speaks_russian_and_names_its_identifiers(client):
    instruments.load_tree(ROOT)
    load_catalog()
    make_user(email="m@example.org", role=Role.METHODIST, position="other")
    login(client, "m@example.org")
    listing = client.get("/tracks/catalog/").get_data(as_text=True)
    develops = re.findall(r'<td class="d-none d-lg-table-cell">(.*?)</td>', listing, re.S)
    assert develops and not any("<code>" in cell for cell in develops)
    assert any("Формирующее оценивание" in cell and "Низкий" in cell for cell in develops)
    assert not any(re.search(r"\blow\b|\bbasic\b", cell) for cell in develops)
    editor = client.get("/tracks/catalog/new").get_data(as_text=True)
    reference = editor[editor.index('id="develops-reference"') :]
    assert "<code>formative-assessment</code> — Формирующее оценивание" in reference
    assert "<code>low</code> — Низкий" in reference


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"hours": "два"}, "Введите целое число"),
        ({"duration_weeks": "1.5"}, "Введите целое число"),
        ({"subjects": ["zzz"]}, "Выберите только из списка"),
        ({"positions": ["janitor"]}, "Выберите только из списка"),
        ({"url": "javascript:alert(1)"}, "начинающийся с http:// или https://"),
    ],
)
def test_bad_module_fields_get_plain_russian_messages(client, change, field_message):
    instruments.load_tree(ROOT)
    make_user(email="m@example.org", role=Role.METHODIST, position="other")
    login(client, "m@example.org")
    form = {
        "key": "ped-webinar-new",
        "kind": "webinar",
        "title": "Новый вебинар",
        "description": "Описание вебинара.",
        "provider": "КГБОУ ДПО ХКИРО",
        "format": "distance",
        "hours": "2",
        "duration_weeks": "1",
        "positions": ["teacher"],
        "develops": "khkiro-pedagogue formative-assessment low",
        **change,
    }
    response = post_form(client, "/tracks/catalog/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_message in page
    assert "Заполните это поле" not in page
    assert "not a valid" not in page.lower() and "&amp;#39;" not in page
    assert 'value="Новый вебинар"' in page
    assert db.session.scalar(select(func.count(CatalogModule.id))) == 0


def test_some_courses_are_held_in_person(shipped_objects):
    modules = validate_catalog(CATALOG_DIR, shipped_objects).modules
    in_person = [m for m in modules if m["kind"] == "course" and m["format"] == "in_person"]
    assert len(in_person) >= 3
    assert all("ХКИРО" in m["provider"] for m in in_person)


def test_teachers_cannot_open_the_catalogue_editor(client):
    make_user()
    login(client)
    assert client.get("/tracks/catalog/").status_code == 403


def test_a_module_may_name_the_municipality_where_it_is_held(app, tmp_path):
    instruments.load_tree(ROOT)
    place = make_school().municipality
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, folder)
    path = folder / "soft-skills.yaml"
    text = path.read_text(encoding="utf-8")
    first = re.search(r"^  - id: (\S+)$", text, re.M)
    venue = f"{first.group(0)}\n    municipality: {place.name}"
    path.write_text(text.replace(first.group(0), venue, 1), encoding="utf-8")
    load_catalog(folder)
    module = db.session.scalar(select(CatalogModule).where(CatalogModule.key == first.group(1)))
    assert module.municipality_id == place.id
    assert f"municipality: {place.name}" in export_catalog()

    path.write_text(
        text.replace(first.group(0), f"{first.group(0)}\n    municipality: Нигде"), encoding="utf-8"
    )
    with pytest.raises(CatalogErrors) as raised:
        load_catalog(folder)
    assert "муниципалитета «Нигде» нет в реестре" in raised.value.errors[0]
