"""Validation of instrument files: valid content, every kind of defect, cross-file rules, export."""

from dataclasses import replace
from pathlib import Path

import pytest

from competence.instruments import itemspec, spec
from competence.instruments.audience import POSITIONS, SUBJECTS
from competence.instruments.export import to_yaml
from competence.instruments.validation import (
    Document,
    ValidationError,
    validate_documents,
    validate_sources,
    validate_tree,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
SCALES = validate_tree(ROOT / "instruments" / "scales").objects
VALID = validate_tree(FIXTURES / "valid", references=SCALES).objects
REFERENCES = (*SCALES, *VALID)


def by_id(objects, ident):
    return next(obj for obj in objects if obj.id == ident)


# --- valid content --------------------------------------------------------------------------


def test_shipped_scales_and_the_valid_fixtures_validate_clean():
    scales = validate_tree(ROOT / "instruments" / "scales")
    assert scales.errors == ()
    assert sorted(s.id for s in scales.objects) == ["agreement-5", "frequency-5", "levels-4"]
    result = validate_tree(FIXTURES / "valid", references=SCALES)
    assert result.errors == ()
    assert [obj.id for obj in result.objects] == ["test-pedagogue", "sample-teacher"]


def test_valid_instrument_is_read_into_the_documented_fields():
    instrument = by_id(VALID, "sample-teacher")
    assert instrument.audience == spec.Audience(
        ("teacher", "primary_teacher"), ("mathematics", "informatics")
    )
    assert instrument.retake == spec.Retake(cooldown_days=30, attempts_per_year=3)
    assert instrument.cut_scores == (("basic", 45.0), ("sufficient", 65.0))
    assert (instrument.threshold("motivation"), instrument.threshold("assessment")) == (60, 65)
    assert [item.type for item in instrument.items] == [
        "single_choice", "multiple_choice", "ordering", "numeric", "matching", "multiple_choice",
        "likert", "likert", "situational",
    ]  # fmt: skip
    assert instrument.items[1].body.scoring == "all_or_nothing"
    assert instrument.items[3].body == itemspec.Numeric(3.5, 0.05, "балла")
    assert instrument.items[4].body.distractors == ("Сравнить учеников между собой",)
    assert instrument.items[7].body == itemspec.LikertStatement("frequency-5", reversed=True)
    assert instrument.items[8].competences == (("motivation", 1.0), ("lesson-planning", 0.5))
    # the newline a block scalar ends with is not part of the text
    assert instrument.description.endswith("что получит педагог по итогам.")
    framework = by_id(VALID, "test-pedagogue")
    assert framework.competence_ids == {"lesson-planning", "assessment", "motivation"}
    assert [level for level, _ in framework.areas[0].competences[0].descriptors] == [
        "low", "basic", "sufficient", "high",
    ]  # fmt: skip


# --- one defect per file, or a few ----------------------------------------------------------

BROKEN = {
    "audience": [
        "audience.yaml:6: audience.positions[1]: неизвестный код должности «methodist»; "
        f"допустимы: {', '.join(POSITIONS)}",
        "audience.yaml:7: audience.subjects[0]: неизвестный код предмета «math»; "
        f"допустимы: {', '.join(SUBJECTS)}",
    ],
    "cut-scores": [
        "cut-scores.yaml:11: cut_scores.basic: начало уровня «sufficient» (70 по шкале levels-4) "
        "должно быть больше начала предыдущего уровня «basic» (75)",
        "cut-scores.yaml:12: cut_scores.middle: уровня «middle» нет в шкале «levels-4»",
        "cut-scores.yaml:13: cut_scores.high: начало уровня должно быть не меньше 0 и меньше 100, "
        "указано 100",
    ],
    "descriptors": [
        "descriptors.yaml:11: areas[0].competences[0].descriptors: нет описания уровней: high; "
        "нужно описание каждого уровня шкалы «levels-4»",
        "descriptors.yaml:15: areas[0].competences[0].descriptors.excellent: уровня «excellent» "
        "нет в шкале «levels-4»; допустимы: low, basic, sufficient, high",
        "descriptors.yaml:16: areas[0].competences[1].id: компетенция «lesson-planning» "
        "повторяется: впервые встречается в строке 8",
    ],
    "duplicate-ids": [
        "duplicate-ids.yaml:6: audience.positions[1]: код «teacher» повторяется: впервые "
        "встречается в строке 6",
        "duplicate-ids.yaml:11: competences[1]: компетенция «assessment» повторяется: впервые "
        "встречается в строке 11",
        "duplicate-ids.yaml:20: items[0].options[2].id: вариант «a» повторяется: впервые "
        "встречается в строке 18",
        "duplicate-ids.yaml:29: items[2].id: задание «dup-01» повторяется: впервые встречается в "
        "строке 13",
    ],
    "duplicate-key": [
        "duplicate-key.yaml:4: title: поле «title» указано повторно (первый раз — в строке 3)",
        "duplicate-key.yaml:7: points[1].label: поле «label» указано повторно (первый раз — в "
        "строке 7)",
    ],
    "empty": [
        "empty.yaml: документ пуст: ожидается описание шкалы (scale:), рамки (framework:) или "
        "инструмента (instrument:)",
    ],
    "first-key": [
        "first-key.yaml:1: первым полем должно быть scale, framework или instrument, указано "
        "«title»",
    ],
    "flow-comma": [
        "flow-comma.yaml:18: items[0].options[0].что ему интересно: неизвестное поле «что ему "
        "интересно»; допустимы: id, text, weight; если это продолжение текста после запятой, "
        "заключите весь текст в кавычки",
    ],
    "identifiers": [
        "identifiers.yaml:1: instrument: идентификатор должен состоять из строчных латинских "
        "букв, цифр и дефисов, начинаться с буквы и быть не длиннее 64 символов, указано: текст "
        "«Sample_Teacher»",
        "identifiers.yaml:13: items[0].id: идентификатор должен состоять из строчных латинских "
        "букв, цифр и дефисов, начинаться с буквы и быть не длиннее 64 символов, указано: число 1",
        "identifiers.yaml:20: items[2].options[0].id: идентификатор должен состоять из строчных "
        "латинских букв, цифр и дефисов, начинаться с буквы и быть не длиннее 64 символов, "
        "указано: текст «A»",
    ],
    "item-without-key": [
        "item-without-key.yaml:17: items[0].options: верным (correct: true) должен быть отмечен "
        "ровно один вариант, отмечено 0",
        "item-without-key.yaml:21: items[1].answer: не заполнено обязательное поле «answer»",
        "item-without-key.yaml:30: items[2].options: нужно не меньше 2 верных вариантов (correct: "
        "true), отмечено 1",
        "item-without-key.yaml:39: items[3].options: верным (correct: true) должен быть отмечен "
        "ровно один вариант, отмечено 2",
    ],
    "not-an-object": [
        "not-an-object.yaml:1: ожидается описание шкалы (scale:), рамки (framework:) или "
        "инструмента (instrument:), указано: список",
    ],
    "option-counts": [
        "option-counts.yaml:17: items[0].options: нужно не меньше 3 вариантов, указано 2",
        "option-counts.yaml:24: items[1].options: нужно не меньше 4 вариантов, указано 3",
        "option-counts.yaml:24: items[1].options: нужен хотя бы один неверный вариант (без "
        "correct: true)",
        "option-counts.yaml:32: items[2].pairs: нужно не меньше 3 пар, указано 2",
        "option-counts.yaml:34: items[2].pairs[1].right: правая часть «Выявить исходный уровень» "
        "повторяется: впервые встречается в строке 33",
        "option-counts.yaml:39: items[3].sequence: нужно не меньше 3 элементов, указано 2",
        "option-counts.yaml:39: items[3].sequence[1]: элемент «Постановка цели» повторяется: "
        "впервые встречается в строке 39",
        "option-counts.yaml:44: items[4].options: хотя бы один вариант (лучшее решение) должен "
        "иметь вес 1",
    ],
    "option-weight": [
        "option-weight.yaml:19: items[0].options[1].weight: вес варианта должен быть в диапазоне "
        "от 0 до 1, указано 1.5",
    ],
    "ranges": [
        "ranges.yaml:7: time_limit_minutes: время на выполнение (в минутах) должно быть в "
        "диапазоне от 5 до 240, указано 300",
        "ranges.yaml:8: retake.cooldown_days: перерыв между попытками (в днях) должен быть в "
        "диапазоне от 0 до 365, указано 400",
        "ranges.yaml:8: retake.attempts_per_year: число попыток за год должно быть в диапазоне от "
        "1 до 12, указано 0",
        "ranges.yaml:10: deficit_threshold: порог должен быть в диапазоне от 0 до 100, указано 120",
        "ranges.yaml:11: thresholds.motivation: порог должен быть в диапазоне от 0 до 100, "
        "указано -5",
        "ranges.yaml:14: items[0].competences.motivation: вес компетенции должен быть больше 0 и "
        "не больше 1, указано 0",
        "ranges.yaml:15: items[1].competences.motivation: вес компетенции должен быть больше 0 и "
        "не больше 1, указано 1.2",
        "ranges.yaml:21: items[2].tolerance: допуск должен быть не меньше 0, указано -1",
    ],
    "scale-levels": [
        "scale-levels.yaml:5: levels[0].from: первый уровень всегда начинается с 0, указано 10",
        "scale-levels.yaml:7: levels[2].from: начало уровня «sufficient» (55) должно быть больше "
        "начала предыдущего уровня «basic» (60)",
        "scale-levels.yaml:8: levels[3].from: начало уровня должно быть не меньше 0 и меньше 100, "
        "указано 100",
    ],
    "scale-points": [
        "scale-points.yaml:7: points[2].value: значения должны идти по возрастанию подряд: после "
        "2 ожидается 3, указано 4",
        "scale-points.yaml:8: points[3].value: ожидается целое число, указано: число 4.5",
    ],
    "syntax-error": [
        "syntax-error.yaml:6: ошибка разметки YAML: не закрыта квадратная скобка или пропущена "
        "запятая (expected ',' or ']', but got ':'; while parsing a flow sequence — начало в "
        "строке 5)",
    ],
    "too-few-items": [
        "too-few-items.yaml:11: competences[1]: с компетенцией «assessment» связано заданий: 2, "
        "нужно не меньше 3",
    ],
    "unknown-competence": [
        "unknown-competence.yaml:11: competences[0]: компетенции «motivaton» нет в рамке "
        "«test-pedagogue»",
        "unknown-competence.yaml:13: items[0].competences.motivation: компетенция «motivation» не "
        "указана в списке competences (встречается в заданиях: 3)",
    ],
    "unknown-fields": [
        "unknown-fields.yaml:1: description: не заполнено обязательное поле «description»",
        "unknown-fields.yaml:1: time_limit_minutes: не заполнено обязательное поле "
        "«time_limit_minutes»",
        "unknown-fields.yaml:6: time_limit: неизвестное поле «time_limit»; возможно, имелось в "
        "виду «time_limit_minutes»",
        "unknown-fields.yaml:12: items[0].stem: не заполнено обязательное поле «stem»",
        "unknown-fields.yaml:16: items[0].options[0].feedback: неизвестное поле «feedback»; "
        "допустимы: id, text, correct",
    ],
    "unknown-framework": [
        "unknown-framework.yaml:4: framework: рамка «khkiro-teacher» не найдена; известны: "
        "test-pedagogue",
    ],
    "unknown-scale": [
        "unknown-scale.yaml:9: levels: шкала уровней должна совпадать со шкалой рамки "
        "«test-pedagogue»: ожидается «levels-4», указано «levels-5»",
        "unknown-scale.yaml:13: items[0].scale: шкала «agreement-7» не найдена; известны: "
        "agreement-5, frequency-5 (встречается в заданиях: 2)",
        "unknown-scale.yaml:15: items[2].scale: «levels-4» — шкала уровней (kind: levels), а "
        "утверждению нужна шкала вариантов ответа (kind: likert)",
    ],
    "unknown-type": [
        "unknown-type.yaml:14: items[0].type: неизвестный тип задания «single-choice»; возможно, "
        "имелось в виду «single_choice»",
    ],
    "wrong-types": [
        "wrong-types.yaml:6: audience.positions: ожидается список, указано: текст «teacher»",
        "wrong-types.yaml:7: time_limit_minutes: ожидается целое число, указано: текст «60»",
        "wrong-types.yaml:8: retake.cooldown_days: ожидается целое число, указано: число 30.5",
        "wrong-types.yaml:15: items[0].competences.assessment: ожидается число, указано: текст «1»",
        "wrong-types.yaml:24: items[1].options[0].text: ожидается текст, указано: число 4 — "
        "заключите значение в кавычки",
        "wrong-types.yaml:26: items[1].options[2].correct: ожидается true или false, указано: "
        "текст «да»",
        "wrong-types.yaml:32: items[2].reversed: ожидается true или false, указано: текст «нет»",
    ],
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_defect_is_reported_with_file_line_and_message(name):
    result = validate_tree(FIXTURES / "broken" / f"{name}.yaml", references=REFERENCES)
    assert [str(error) for error in result.errors] == BROKEN[name]
    assert result.objects == ()


def test_every_broken_fixture_has_its_expectation():
    names = {path.stem for path in (FIXTURES / "broken").glob("*.yaml")}
    assert names == {*BROKEN, "many-defects"}


def test_all_defects_of_one_file_are_reported():
    result = validate_tree(FIXTURES / "broken" / "many-defects.yaml", references=REFERENCES)
    assert [(error.line, error.path) for error in result.errors] == [
        (3, ("description",)),
        (6, ("audience", "positions")),
        (7, ("audience", "subjects", 1)),
        (8, ("time_limit_minutes",)),
        (9, ("retake", "attempts_per_year")),
        (12, ("cut_scores", "sufficient")),
        (14, ("thresholds", "lesson-planning")),
        (15, ("competences", 2)),
        (16, ("extra",)),
        (22, ("items", 0, "options")),
        (25, ("items", 0, "options", 2, "text")),
        (30, ("items", 1, "scoring")),
        (40, ("items", 2, "answer")),
        (47, ("items", 3, "options")),
        (52, ("items", 4, "sequence", 2)),
        (60, ("items", 5, "pairs", 2, "right")),
        (61, ("items", 5, "distractors")),
    ]
    assert {error.file for error in result.errors} == {"many-defects.yaml"}


# --- across files ---------------------------------------------------------------------------


def test_cross_file_rules_report_each_root_cause_once():
    result = validate_tree(FIXTURES / "cross-file")
    assert [str(error) for error in result.errors] == [
        "framework-broken.yaml:1: title: не заполнено обязательное поле «title»",
        "framework-on-likert.yaml:3: levels: «answers-ok» — шкала вариантов ответа (kind: likert), "
        "а здесь нужна шкала уровней (kind: levels)",
        "instrument-twice.yaml:1: instrument: инструмент «instrument-on-broken» уже описан в файле "
        "instrument-on-broken.yaml",
        "scales/answers-broken.yaml:6: points[1].value: значения должны идти по возрастанию "
        "подряд: после 1 ожидается 2, указано 3",
        "scales/other-levels.yaml:1: scale: шкала «levels-4» уже описана в файле "
        "scales/levels-4.yaml",
    ]
    # The instrument has no errors of its own: a broken framework or scale is not blamed on it,
    # and catalog/ is not read at all.
    assert [obj.id for obj in result.objects] == ["instrument-on-broken", "answers-ok", "levels-4"]


def test_documents_override_references_with_the_same_id():
    changed = {**by_id(SCALES, "levels-4").to_data(), "title": "Новая редакция шкалы"}
    result = validate_documents([Document(changed)], references=SCALES)
    assert result.errors == ()
    assert result.objects[0].title == "Новая редакция шкалы"


def test_a_file_not_in_utf8_is_reported_with_its_line(tmp_path):
    (tmp_path / "legacy.yaml").write_bytes("scale: x\ntitle: Шкала\n".encode("cp1251"))
    (error,) = validate_tree(tmp_path).errors
    assert str(error) == "legacy.yaml:2: файл должен быть в кодировке UTF-8"


# --- data from the web editor ---------------------------------------------------------------


def editor_data():
    """Return the valid instrument as the web editor would build it from form fields."""
    return by_id(VALID, "sample-teacher").to_data()


def test_editor_data_without_lines_gets_structural_paths():
    data = editor_data()
    data["items"][8]["options"][1]["weight"] = 1.5
    data["items"][2]["sequence"].append("Мотивация к учебной деятельности")
    result = validate_documents([Document(data)], references=REFERENCES)
    assert result.errors == (
        ValidationError(
            None,
            None,
            ("items", 2, "sequence", 4),
            "элемент «Мотивация к учебной деятельности» повторяется: впервые встречается в "
            "задании 3, элементе 1",
        ),
        ValidationError(
            None,
            None,
            ("items", 8, "options", 1, "weight"),
            "вес варианта должен быть в диапазоне от 0 до 1, указано 1.5",
        ),
    )
    assert str(result.errors[1]) == (
        "items[8].options[1].weight: вес варианта должен быть в диапазоне от 0 до 1, указано 1.5"
    )


def test_editor_data_that_is_valid_gives_the_same_object_as_the_file():
    result = validate_documents([Document(editor_data())], references=REFERENCES)
    assert result.errors == ()
    assert result.objects == (by_id(VALID, "sample-teacher"),)


def test_sources_are_validated_like_files():
    text = (FIXTURES / "broken" / "option-weight.yaml").read_text(encoding="utf-8")
    (error,) = validate_sources([("редактор", text)], references=REFERENCES).errors
    assert (error.file, error.line, error.path) == (
        "редактор",
        19,
        ("items", 0, "options", 1, "weight"),
    )


# --- export and versions --------------------------------------------------------------------

TRICKY_TEXTS = (
    "yes",
    "12",
    "0.5",
    "2024-01-01",
    "- начинается с дефиса",
    "ключ: значение, {скобки} и [квадратные]",
    "# не комментарий",
    "'одинарные' и \"двойные\" кавычки",
    "x² − 2x + 1 ≤ √2 · π",
    "Первый абзац.\n\nВторой абзац,\nв две строки.",
    "Строка с пробелом в конце \nи  двумя пробелами внутри",
    "  отступ во второй строке:\n    вложенная строка",
    "Очень длинная строка " * 15,
)


def test_export_round_trips_every_valid_object():
    objects = (*SCALES, *VALID)
    sources = [(f"{spec.kind_of(obj)}-{obj.id}.yaml", to_yaml(obj)) for obj in objects]
    result = validate_sources(sources)
    assert result.errors == ()
    assert set(result.objects) == set(objects)


def test_export_round_trips_texts_that_need_quoting_or_blocks():
    instrument = by_id(VALID, "sample-teacher")
    items = list(instrument.items)
    for index, text in enumerate(TRICKY_TEXTS[: len(items)]):
        comment = TRICKY_TEXTS[-1 - index].strip()
        items[index] = replace(items[index], stem=text.strip(), comment=comment)
    options = tuple(
        replace(option, text=text.strip())
        for option, text in zip(items[0].body.options, TRICKY_TEXTS[-3:], strict=True)
    )
    items[0] = replace(items[0], body=replace(items[0].body, options=options))
    tricky = replace(instrument, items=tuple(items), description=TRICKY_TEXTS[9])
    result = validate_sources([("tricky.yaml", to_yaml(tricky))], references=REFERENCES)
    assert result.errors == ()
    assert result.objects == (tricky,)


@pytest.mark.parametrize("name", ["levels-4", "agreement-5", "frequency-5"])
def test_export_writes_scales_exactly_as_they_are_shipped(name):
    shipped = (ROOT / "instruments" / "scales" / f"{name}.yaml").read_text(encoding="utf-8")
    assert to_yaml(by_id(SCALES, name)) == shipped


def test_export_follows_the_documented_layout():
    text = to_yaml(by_id(VALID, "sample-teacher"))
    top_level = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert top_level == [
        "instrument", "title", "description", "framework", "audience", "time_limit_minutes",
        "retake", "levels", "cut_scores", "deficit_threshold", "thresholds", "competences", "items",
    ]  # fmt: skip
    assert "description: |\n  Диагностика для проверки формата" in text
    assert "  positions: [teacher, primary_teacher]\n" in text
    assert "competences: [lesson-planning, assessment, motivation]\n" in text
    assert "      - {id: a, text: С планируемых результатов, correct: true}\n" in text
    assert "    scoring: all_or_nothing\n" in text and "reversed: true\n" in text


def test_content_hash_ignores_formatting_and_follows_content():
    source = (FIXTURES / "valid" / "sample-teacher.yaml").read_text(encoding="utf-8")
    reformatted = (
        source.replace("time_limit_minutes: 45", "time_limit_minutes:   45")
        .replace("{lesson-planning: 1}", "{lesson-planning: 1.0}")
        .replace("description: |", "description: |-")
        .replace(
            "retake:\n  cooldown_days: 30\n  attempts_per_year: 3\n",
            "retake: {attempts_per_year: 3, cooldown_days: 30}\n",
        )
        .replace("    scale: agreement-5\n", "    scale: agreement-5\n    reversed: false\n")
    )
    changed = source.replace("deficit_threshold: 65", "deficit_threshold: 60")
    original = by_id(VALID, "sample-teacher")
    hashes = {}
    for name, text in {"reformatted": reformatted, "changed": changed}.items():
        result = validate_sources([(name, text)], references=REFERENCES)
        assert result.errors == ()
        hashes[name] = spec.content_hash(result.objects[0])
    assert hashes["reformatted"] == spec.content_hash(original)
    assert hashes["changed"] != spec.content_hash(original)
    assert len(spec.content_hash(original)) == 64
