"""Every audit action code is in the register and told in Russian, without codes."""

import ast
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from competence.audit import AuditEvent
from competence.audit.actions import ACTIONS, GROUPS
from competence.audit.wording import Names, sentence

SOURCE = Path(__file__).resolve().parents[2] / "competence"
RECORDERS = {"record", "note"}


def used_action_codes() -> dict[str, str]:
    """Return {code: where} of every code given to audit.record/note or compared with .action."""
    found, dynamic = {}, []
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(SOURCE.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
                is_audit = owner == "audit" or (
                    name in RECORDERS and "competence/audit/" in str(path)
                )
                if name in RECORDERS and is_audit and node.args:
                    first = node.args[0]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        found[first.value] = where
                    elif "competence/audit/__init__" not in str(path):
                        dynamic.append(where)
            compared = isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute)
            literal = compared and isinstance(node.comparators[0], ast.Constant)
            if literal and node.left.attr == "action":
                found[node.comparators[0].value] = where
    assert not dynamic, (
        f"action codes must be literal strings, so the register can be checked: {dynamic}"
    )
    return found


def test_every_action_code_used_in_the_code_is_in_the_register():
    used = used_action_codes()
    # The scan finds the calls it is meant to find (a scan that finds nothing proves nothing).
    assert {"certificate_issued", "login_failed", "rate_limited", "user_updated"} <= set(used)
    missing = {code: where for code, where in used.items() if code not in ACTIONS}
    assert not missing, f"add these action codes to competence/audit/actions.py: {missing}"


def test_the_second_factor_codes_are_registered_ahead():
    for code in ("second_factor_enabled", "second_factor_disabled", "second_factor_failed"):
        assert code in ACTIONS


@pytest.mark.parametrize("code", sorted(ACTIONS))
def test_each_action_has_a_russian_label_and_sentence(app, code):
    action = ACTIONS[code]
    assert action.group in GROUPS
    event = AuditEvent(action=code, object_type="user", object_id=None, details={})
    with app.test_request_context(), force_locale("ru"):
        label, told = str(action.label), sentence(event, Names([event]))
        clauses = [str(clause) % {"value": "x"} for clause in action.clauses.values()]
    for text in (label, told, *clauses):
        assert re.search("[а-яё]", text, re.IGNORECASE) or text.startswith(("(", "«")), text
        assert "%(" not in text and code not in text, text
