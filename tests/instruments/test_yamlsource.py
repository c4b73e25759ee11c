"""Reading YAML with lines: safe_load semantics, the line of every key and element, defects."""

from pathlib import Path

import pytest
import yaml

from competence.instruments.yamlsource import LineMap, parse_yaml

ROOT = Path(__file__).resolve().parents[2]


def test_lines_of_keys_and_list_elements_block_and_flow():
    parsed = parse_yaml(
        "instrument: x\n"
        "items:\n"
        "  - id: a\n"
        "    options:\n"
        "      - {id: a, weight: 1}\n"
        "      - id: b\n"
        "        weight: 1.5\n"
    )
    assert parsed.problems == ()
    lines = parsed.lines.lines
    assert lines[("items",)] == 2
    assert lines[("items", 0)] == 3
    assert lines[("items", 0, "options", 0, "weight")] == 5
    assert lines[("items", 0, "options", 1)] == 6
    assert lines[("items", 0, "options", 1, "weight")] == 7


def test_line_of_a_missing_field_is_the_line_of_its_parent():
    lines = LineMap({(): 1, ("items",): 2, ("items", 0): 3})
    assert lines.line_of(("items", 0, "stem")) == 3
    assert lines.line_of(("title",)) == 1
    assert LineMap().line_of(("title",)) is None


SOURCES = sorted(
    [*(ROOT / "instruments" / "scales").glob("*.yaml"), *Path(__file__).parent.rglob("*.yaml")]
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_data_equals_safe_load(path):
    text = path.read_text(encoding="utf-8")
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        assert parse_yaml(text).data is None
        return
    parsed = parse_yaml(text)
    if not parsed.problems:
        assert parsed.data == expected


def test_duplicate_keys_are_reported_and_the_first_value_kept():
    parsed = parse_yaml("title: Первый\nkind: likert\ntitle: Второй\n")
    assert parsed.data == {"title": "Первый", "kind": "likert"}
    (problem,) = parsed.problems
    assert (problem.line, problem.path) == (3, ("title",))
    assert problem.message == "поле «title» указано повторно (первый раз — в строке 1)"


def test_merge_keys_may_be_overridden_without_a_duplicate():
    parsed = parse_yaml("base: &base {a: 1, b: 2}\nitem:\n  <<: *base\n  b: 3\n")
    assert parsed.problems == ()
    assert parsed.data["item"] == {"a": 1, "b": 3}
    assert parsed.lines.lines[("item", "b")] == 4


def test_dates_stay_texts_and_other_scalars_follow_yaml_1_1():
    parsed = parse_yaml("a: 2024-09-01\nb: yes\nc: 010\nd: 1.50\ne: ~\nf: '12'\n")
    assert parsed.data == {"a": "2024-09-01", "b": True, "c": 8, "d": 1.5, "e": None, "f": "12"}


@pytest.mark.parametrize(
    ("text", "line", "start"),
    [
        ("a: [1, 2\nb: 3\n", 2, "ошибка разметки YAML: не закрыта квадратная скобка"),
        ("a:\n\t- 1\n", 2, "ошибка разметки YAML: символ табуляции"),
        ("a: 1\n  b: 2\n", 2, "ошибка разметки YAML: лишнее двоеточие с пробелом"),
        ("a: 1\n---\nb: 2\n", 2, "ошибка разметки YAML: but found another document"),
        ("a: \x07\n", 1, "ошибка разметки YAML: special characters are not allowed"),
    ],
)
def test_syntax_errors_become_one_problem_with_a_line(text, line, start):
    parsed = parse_yaml(text)
    (problem,) = parsed.problems
    assert parsed.data is None
    assert problem.line == line
    assert problem.message.startswith(start)


def test_tags_and_recursive_aliases_are_reported():
    parsed = parse_yaml("a: !include other.yaml\nb: &x [*x]\nc: !!int десять\n")
    assert [(p.line, p.path) for p in parsed.problems] == [
        (1, ("a",)),
        (2, ("b", 0)),
        (3, ("c",)),
    ]
    assert parsed.problems[0].message == "тег YAML !include не поддерживается"


def test_an_empty_text_has_no_data_and_no_problems():
    parsed = parse_yaml("# только комментарий\n")
    assert (parsed.data, parsed.problems) == (None, ())
