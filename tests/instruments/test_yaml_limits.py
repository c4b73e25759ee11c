"""Alias bombs and deep nesting are refused with a line, quickly and in constant memory."""

import yaml

from competence.instruments import yamlsource
from competence.instruments.yamlsource import MAX_EXPANDED_NODES, MAX_NESTING, parse_yaml
from tests.factories import post_form


def laughs(levels: int) -> str:
    """Return the billion-laughs document: each level lists the previous one ten times."""
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def deep(levels: int) -> str:
    return "instrument: x\nitems: " + "[" * levels + "]" * levels + "\n"


def count_composed(monkeypatch) -> list[int]:
    """Count the nodes PyYAML composes and the values the reader builds from them."""
    counts = [0, 0]
    compose, build = yaml.composer.Composer.compose_node, yamlsource._Builder.build

    def counted_compose(self, parent, index):
        counts[0] += 1
        return compose(self, parent, index)

    def counted_build(self, node, path):
        counts[1] += 1
        return build(self, node, path)

    monkeypatch.setattr(yaml.composer.Composer, "compose_node", counted_compose)
    monkeypatch.setattr(yamlsource._Builder, "build", counted_build)
    return counts


def test_the_billion_laughs_document_is_refused_without_being_expanded(monkeypatch):
    counts = count_composed(monkeypatch)
    parsed = parse_yaml(laughs(9))
    assert parsed.data is None
    [problem] = parsed.problems
    # Refused at the first alias that takes the document past the limit (level 5: 111 111).
    assert problem.line == 6
    assert f"{MAX_EXPANDED_NODES:,}".replace(",", " ") in problem.message
    assert "ссылок" in problem.message
    # Only the nodes written in the text were composed, and nothing was built.
    assert counts[0] < 100
    assert counts[1] == 0


def test_aliases_within_the_limit_still_work():
    parsed = parse_yaml(laughs(3))
    assert parsed.problems == ()
    assert len(parsed.data["a3"]) == 10 and parsed.data["a3"][0][0][0] == ["lol"]


def test_deep_nesting_is_refused_with_its_line():
    parsed = parse_yaml(deep(5000))
    assert parsed.data is None
    [problem] = parsed.problems
    assert problem.line == 2
    assert f"{MAX_NESTING}" in problem.message


def test_nesting_through_aliases_counts_too():
    # Each anchor is shallow, but the expansion nests MAX_NESTING + 5 levels deep.
    lines = ["a0: &a0 [x]"]
    for level in range(1, MAX_NESTING + 5):
        lines.append(f"a{level}: &a{level} [*a{level - 1}]")
    parsed = parse_yaml("\n".join(lines) + "\n")
    assert parsed.data is None
    assert str(MAX_NESTING) in parsed.problems[0].message


def test_nesting_at_the_limit_is_read():
    parsed = parse_yaml("a: " + "[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1) + "\n")
    assert parsed.problems == ()


def test_cli_validate_refuses_both(runner, tmp_path, monkeypatch):
    counts = count_composed(monkeypatch)
    for name, text in (("laughs.yaml", laughs(9)), ("deep.yaml", deep(5000))):
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = runner.invoke(args=["instruments", "validate", str(tmp_path / name)])
        assert result.exit_code == 1
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert f"{name}:" in result.output
    assert counts[1] == 0


def test_web_import_refuses_both_with_422(methodist, monkeypatch):
    counts = count_composed(monkeypatch)
    bomb = post_form(methodist, "/instruments/import", {"text": laughs(9)})
    assert bomb.status_code == 422
    assert "text.yaml:6" in bomb.get_data(as_text=True)
    nested = post_form(methodist, "/instruments/import", {"text": deep(5000)})
    assert nested.status_code == 422
    assert "text.yaml:2" in nested.get_data(as_text=True)
    assert str(MAX_NESTING) in nested.get_data(as_text=True)
    assert counts[1] == 0
