"""`flask analytics item-stats`: the JSON contract, the table and errors with row and column."""

import json

import numpy as np
import pytest

ITEM_KEYS = {"item", "n", "facility", "discrimination", "upper_lower", "alpha_if_deleted", "flags"}
RASCH_KEYS = {"rasch_difficulty", "rasch_se", "infit", "outfit"}


def write_csv(tmp_path, lines):
    """Write the lines to a CSV file and return its path."""
    path = tmp_path / "responses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def simulated_lines(n_persons=200, seed=1):
    """Return CSV lines of Rasch data on four items, a reversed one and a partial-credit one."""
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=n_persons)
    chance = 1 / (1 + np.exp(np.array([-1, 0, 0.5, 1])[None, :] - ability[:, None]))
    binary = (rng.random(chance.shape) < chance).astype(int)
    partial = np.round(rng.random(n_persons) * 4) / 4
    lines = ["person_id,q1,q2,q3,q4,reversed,essay"]
    for person in range(n_persons):
        row = binary[person]
        cells = [*map(str, row), str(1 - row[0]), f"{partial[person]:g}"]
        if person == 0:
            cells[1] = ""
        lines.append(",".join([f"p{person}", *cells]))
    return lines


def test_json_contract(runner, tmp_path):
    result = runner.invoke(
        args=["analytics", "item-stats", write_csv(tmp_path, simulated_lines()), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["n_persons"] == 200
    assert isinstance(data["alpha"], float) and data["sem"] > 0
    assert data["missing"] == "left out pairwise" and data["n_missing"] == 1
    items = {item["item"]: item for item in data["items"]}
    assert list(items) == ["q1", "q2", "q3", "q4", "reversed", "essay"]
    for name in ("q1", "q2", "q3", "q4", "reversed"):
        assert set(items[name]) >= ITEM_KEYS | RASCH_KEYS
        assert isinstance(items[name]["rasch_difficulty"], float)
    assert set(items["essay"]) >= ITEM_KEYS and not RASCH_KEYS & set(items["essay"])
    assert items["q2"]["n"] == 199
    assert "negative_discrimination" in items["reversed"]["flags"]
    assert items["q1"]["rasch_difficulty"] < items["q4"]["rasch_difficulty"]
    assert data["rasch_excluded_persons"] == []


def test_extreme_items_and_persons_are_reported(runner, tmp_path):
    lines = ["person_id,a,b,c,easy", "p1,1,0,1,1", "p2,0,1,0,1", "p3,1,1,0,1", "p4,1,1,1,1"]
    lines += ["p5,0,0,1,1", "p6,1,0,0,1"]
    result = runner.invoke(args=["analytics", "item-stats", write_csv(tmp_path, lines), "--json"])
    data = json.loads(result.output)
    easy = data["items"][3]
    assert easy["rasch_status"] == "all_correct" and easy["rasch_difficulty"] is None
    assert "too_easy" in easy["flags"]
    assert data["rasch_excluded_persons"] == [{"person_id": "p4", "status": "all_correct"}]


def test_readable_table(runner, tmp_path):
    result = runner.invoke(args=["analytics", "item-stats", write_csv(tmp_path, simulated_lines())])
    assert result.exit_code == 0, result.output
    assert "persons: 200; items: 6; alpha:" in result.output
    assert "missing scores: 1, left out pairwise" in result.output
    assert "negative_discrimination" in result.output


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["person_id,a,b", "p1,1,0", "p2,1,x"], "строка 3, столбец «b»: «x» не является числом"),
        (["person_id,a,b", "p1,1,0", "p2,1.5,1"], "строка 3, столбец «a»: балл 1.5 вне диапазона"),
        (["person_id,a,b", "p1,1,0", "p2,-0.1,1"], "столбец «a»: балл -0.1 вне диапазона"),
        (["person_id,a,b", "p1,1,nan", "p2,1,1"], "строка 2, столбец «b»: «nan» не является"),
        (["person_id,a", "p1,1", "p2,0"], "строка 1: нужно не меньше двух заданий"),
        (["person_id,a,b", "p1,1,0"], "нужно не меньше двух участников"),
        (
            ["person_id,a,b", "p1,1,0", "p1,0,1"],
            "строка 3, столбец «person_id»: участник «p1» уже есть в строке 2",
        ),
        (["id,a,b", "p1,1,0", "p2,0,1"], "строка 1: первый столбец должен называться person_id"),
        (["person_id,a,a", "p1,1,0", "p2,0,1"], "строка 1, столбец «a»: задание повторяет"),
        (["person_id,a,b", "p1,1", "p2,0,1"], "строка 2: в строке 2 значений, а в заголовке 3"),
        ([""], "первый столбец должен называться person_id"),
    ],
)
def test_bad_input_is_named_by_row_and_column(runner, tmp_path, lines, message):
    result = runner.invoke(args=["analytics", "item-stats", write_csv(tmp_path, lines), "--json"])
    assert result.exit_code == 1
    assert message in result.output


def test_the_command_runs_from_the_shell(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    flask = Path(sys.executable).with_name("flask")
    path = write_csv(tmp_path, ["person_id,a,b", "p1,1,0", "p2,0,1", "p3,1,1"])
    done = subprocess.run(
        [str(flask), "--app", "wsgi", "analytics", "item-stats", path, "--json"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["n_persons"] == 3
