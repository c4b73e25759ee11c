"""Parse YAML with safe-load semantics, remembering the line of every key and list element.

Aliases are kept (merge keys need them), but a document is refused while it is composed, before
anything is expanded, once its expanded size or depth passes a limit: a few hundred bytes of
nested aliases would otherwise expand to millions of values, and deep brackets would exhaust
the recursion of the reader.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]

# The largest shipped file expands to about 1 700 values and nests 7 levels deep.
MAX_EXPANDED_NODES = 100_000
MAX_NESTING = 32

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_TAG + name for name in ("null", "bool", "int", "float", "str"))
# Our formats have no date fields, so a date-like scalar is a text the author typed literally.
_TIMESTAMP_TAG = _TAG + "timestamp"
_MAPPING_TAG = _TAG + "map"
_SEQUENCE_TAG = _TAG + "seq"
# The most frequent PyYAML problems, explained; PyYAML's own wording follows in parentheses.
_HINTS = {
    "mapping values are not allowed": "лишнее двоеточие с пробелом — заключите текст в кавычки "
    "или проверьте отступ",
    "found unexpected end of stream": "не закрыты кавычки",
    "found character '\\t'": "символ табуляции — отступы делаются пробелами",
    "could not find expected ':'": "не найдено двоеточие после имени поля — проверьте отступ "
    "и закрыты ли кавычки",
    "expected <block end>": "нарушен отступ — элементы одного уровня должны начинаться "
    "в одной колонке",
    "expected ',' or ']'": "не закрыта квадратная скобка или пропущена запятая",
    "expected ',' or '}'": "не закрыта фигурная скобка или пропущена запятая",
}


@dataclass(frozen=True)
class LineMap:
    """Lines (1-based) of mapping keys and sequence elements, keyed by their path."""

    lines: Mapping[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """Return the line of the path, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


@dataclass(frozen=True)
class YamlProblem:
    """A defect found while reading YAML text, before its content is checked."""

    line: int
    path: Path
    message: str


@dataclass(frozen=True)
class ParsedYaml:
    """Plain data read from YAML text, its line map and the problems found on the way."""

    data: Any
    lines: LineMap
    problems: tuple[YamlProblem, ...]


class TooLarge(yaml.MarkedYAMLError):
    """The document expands beyond MAX_EXPANDED_NODES values or MAX_NESTING levels."""


class _LimitedLoader(yaml.SafeLoader):
    """A SafeLoader that counts, while composing, what each node would expand to."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.expanded = 0  # values of the document so far, each alias counted as its target
        self.depth = 0
        self.sizes: dict[int, tuple[int, int]] = {}  # node id -> (expanded size, height)
        self.reach = 0  # the deepest level the expansion reaches below the current node

    def compose_node(self, parent, index):
        """Compose a node, refusing it when the expansion grows past the limits."""
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            target = self.anchors.get(self.peek_event().anchor)
            # An alias to a node still open is recursion, which the builder reports.
            size, height = self.sizes.get(id(target), (1, 1))
            self.expanded += size
            self.reach = max(self.reach, self.depth + height)
            self._check(mark)
            return super().compose_node(parent, index)
        mark = self.peek_event().start_mark
        self.depth += 1
        start, outer_reach = self.expanded, self.reach
        self.expanded += 1
        self.reach = self.depth
        self._check(mark)
        node = super().compose_node(parent, index)
        self.sizes[id(node)] = (self.expanded - start, self.reach - self.depth + 1)
        self.depth -= 1
        self.reach = max(outer_reach, self.reach)
        return node

    def _check(self, mark) -> None:
        if self.reach > MAX_NESTING:
            raise TooLarge(
                problem=f"вложенность больше {MAX_NESTING} уровней (с учётом ссылок-алиасов); "
                "в описании инструмента столько уровней не бывает",
                problem_mark=mark,
            )
        if self.expanded > MAX_EXPANDED_NODES:
            limit = f"{MAX_EXPANDED_NODES:,}".replace(",", " ")
            raise TooLarge(
                problem=f"после раскрытия ссылок (алиасов *имя) документ содержит больше {limit} "
                "значений; перепишите повторяющиеся части без ссылок",
                problem_mark=mark,
            )


def parse_yaml(text: str) -> ParsedYaml:
    """Read one YAML document into plain data, recording lines and reporting duplicate keys."""
    try:
        loader = _LimitedLoader(text)
    except yaml.reader.ReaderError as exc:
        return _syntax_error(text.count("\n", 0, exc.position) + 1, exc.reason)
    try:
        root = loader.get_single_node()
        if root is None:
            return ParsedYaml(None, LineMap(), ())
        builder = _Builder(loader)
        builder.lines[()] = root.start_mark.line + 1
        data = builder.build(root, ())
        return ParsedYaml(data, LineMap(builder.lines), tuple(builder.problems))
    except TooLarge as exc:
        problem = YamlProblem(exc.problem_mark.line + 1, (), f"документ отклонён: {exc.problem}")
        return ParsedYaml(None, LineMap(), (problem,))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = str(exc.problem or exc.context)
        hint = next((text for known, text in _HINTS.items() if known in problem), "")
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            problem += f"; {exc.context} — начало в строке {exc.context_mark.line + 1}"
        return _syntax_error(line, f"{hint} ({problem})" if hint else problem)
    finally:
        loader.dispose()


def _syntax_error(line: int, problem: str) -> ParsedYaml:
    message = f"ошибка разметки YAML: {problem}"
    return ParsedYaml(None, LineMap(), (YamlProblem(line, (), message),))


class _Builder:
    """Turns a composed node tree into plain data, the way SafeLoader would, keeping lines."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.lines: dict[Path, int] = {}
        self.problems: list[YamlProblem] = []
        # Nodes being built right now: an alias back to one of them would recurse forever.
        self.open_nodes: set[int] = set()

    def problem(self, node: yaml.Node, path: Path, message: str) -> None:
        self.problems.append(YamlProblem(node.start_mark.line + 1, path, message))

    def build(self, node: yaml.Node, path: Path) -> Any:
        if id(node) in self.open_nodes:
            self.problem(node, path, "ссылка (алиас) на объект, внутри которого она находится")
            return None
        self.open_nodes.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.build_mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return self.build_sequence(node, path)
            return self.build_scalar(node, path)
        finally:
            self.open_nodes.discard(id(node))

    def build_scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        if node.tag == _TIMESTAMP_TAG:
            return node.value
        if node.tag in _SCALAR_TAGS:
            try:
                return self.loader.construct_object(node)
            except (ValueError, KeyError):  # an explicit tag on a value it cannot hold: !!int x
                self.problem(node, path, f"значение «{node.value}» не подходит к тегу {node.tag}")
                return None
        self.problem(node, path, f"тег YAML {node.tag} не поддерживается")
        return None

    def build_sequence(self, node: yaml.SequenceNode, path: Path) -> list | None:
        if node.tag != _SEQUENCE_TAG:
            self.problem(node, path, f"тег YAML {node.tag} не поддерживается")
            return None
        result = []
        for index, element in enumerate(node.value):
            self.lines[(*path, index)] = element.start_mark.line + 1
            result.append(self.build(element, (*path, index)))
        return result

    def build_mapping(self, node: yaml.MappingNode, path: Path) -> dict | None:
        if node.tag != _MAPPING_TAG:
            self.problem(node, path, f"тег YAML {node.tag} не поддерживается")
            return None
        written = {id(key_node) for key_node, _ in node.value}
        self.loader.flatten_mapping(node)  # resolves merge keys (<<), which safe_load allows
        result: dict = {}
        written_at: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, path, "ключом может быть только простое значение")
                continue
            key = self.build_scalar(key_node, path)
            line = key_node.start_mark.line + 1
            if id(key_node) in written:
                if key in written_at:
                    self.problem(
                        key_node,
                        (*path, key),
                        f"поле «{key}» указано повторно (первый раз — в строке {written_at[key]})",
                    )
                    continue
                written_at[key] = line
            # A key written in the mapping itself overrides one merged in with <<.
            self.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key))
        return result
