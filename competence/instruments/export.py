"""Write scales, frameworks and instruments back to YAML in the documented, hand-written style."""

import yaml

from competence.instruments.spec import SpecObject

# PyYAML breaks a line at the first space past this column, so lines end up to a word longer.
_WRAP_COLUMN = 88
_LONG_TEXT = 70
# Short entries of these lists and mappings stay on one line, as in the documentation.
_FLOW_WIDTH = 80
_FLOW_LISTS = frozenset({"positions", "subjects", "competences"})
_FLOW_MAPPINGS = frozenset({"competences", "cut_scores", "thresholds"})


class _Flow(dict):
    """A mapping written on one line: {id: a, text: Да}."""


class _FlowList(list):
    """A list written on one line: [teacher, director]."""


class _Literal(str):
    """A multi-line text written as a literal block scalar (|)."""


class _Folded(str):
    """A long one-line text written as a folded block scalar (>), wrapped at the line width."""


class _Dumper(yaml.SafeDumper):
    """A SafeDumper that indents lists under their key, as people write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_flow(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


def _represent_flow_list(dumper: yaml.SafeDumper, data: _FlowList) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_literal(dumper: yaml.SafeDumper, data: _Literal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style="|")


def _represent_folded(dumper: yaml.SafeDumper, data: _Folded) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=">")


_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(_FlowList, _represent_flow_list)
_Dumper.add_representer(_Literal, _represent_literal)
_Dumper.add_representer(_Folded, _represent_folded)


def to_yaml(obj: SpecObject) -> str:
    """Return the object as YAML text that validates back to an equal object."""
    return yaml.dump(
        _styled(obj.to_data()),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=_WRAP_COLUMN,
    )


def _styled(value: object, key: str | None = None, in_list: bool = False) -> object:
    if isinstance(value, dict):
        styled = {k: _styled(v, k) for k, v in value.items()}
        flow = (in_list or key in _FLOW_MAPPINGS) and _fits_one_line([*value, *value.values()])
        return _Flow(styled) if flow else styled
    if isinstance(value, list):
        styled = [_styled(element, in_list=True) for element in value]
        return _FlowList(styled) if key in _FLOW_LISTS and _fits_one_line(value) else styled
    if not isinstance(value, str):
        return value
    # A trailing newline gives plain `|` and `>` headers; reading strips it again. Texts with line
    # breaks keep them literally (folding would double every break); one long line is folded,
    # which wraps it at the line width.
    if "\n" in value:
        return _Literal(value + "\n")
    if len(value) <= _LONG_TEXT:
        return value
    return _Folded(value + "\n")


def _fits_one_line(parts: list) -> bool:
    if any(isinstance(part, dict | list) or "\n" in str(part) for part in parts):
        return False
    return sum(len(str(part)) + 2 for part in parts) <= _FLOW_WIDTH
