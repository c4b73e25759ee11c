"""Keys of choice items bunched in one written position are warned about, not refused."""

import shutil
from pathlib import Path

import yaml

from competence.instruments import spec
from competence.instruments.keyspread import key_positions
from competence.instruments.validation import validate_tree
from tests.factories import post_form
from tests.instruments.helpers import build_instrument, item, options

SHIPPED = Path(__file__).parent.parent.parent / "instruments"


def test_shipped_instruments_spread_their_keys_over_positions():
    result = validate_tree(SHIPPED)
    assert result.errors == () and result.warnings == ()
    for obj in result.objects:
        if isinstance(obj, spec.Instrument):
            places = [p for i in obj.items if i.type != "multiple_choice" for p in key_positions(i)]
            assert max(places.count(p) for p in set(places)) * 2 <= len(places), obj.id


def key_first(path: Path) -> None:
    """Rewrite an instrument file with the correct or best option of every item first."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["items"]:
        if "options" in entry:
            entry["options"].sort(key=lambda o: (not o.get("correct"), -o.get("weight", 0)))
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_cli_validate_warns_of_keys_in_one_position_and_still_passes(runner, tmp_path):
    tree = tmp_path / "instruments"
    shutil.copytree(SHIPPED, tree)
    key_first(tree / "soft-skills.yaml")
    result = runner.invoke(args=["instruments", "validate", str(tree)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "soft-skills" in warnings[0] and "на 1-м месте (a)" in warnings[0]


def test_the_editor_warns_of_keys_in_one_position(methodist):
    edit = build_instrument(methodist)
    assert "draft-warnings" not in methodist.get(edit).get_data(as_text=True)
    added = post_form(
        methodist,
        "/instruments/instrument/reading-check/items/new?type=single_choice",
        item(
            "rc-04", "single_choice", **options(("Да", True), ("Нет", False), ("Всё равно", False))
        ),
    )
    assert added.status_code == 302
    page = methodist.get(edit).get_data(as_text=True)
    assert "draft-warnings" in page and "3 из 3 верных или лучших вариантов" in page
    # A warning does not stop publication.
    assert "готов к публикации" in page
