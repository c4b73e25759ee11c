"""`flask analytics deficits`: the JSON contract, the table and errors with row and column."""

import json

import pytest

HEADER = "teacher_id,municipality,school,competence,deficit"
KEYS = {"level", "municipality", "school", "competence", "n", "with_deficit", "share", "suppressed"}


def write_csv(tmp_path, lines):
    """Write the lines to a CSV file and return its path."""
    path = tmp_path / "results.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def results(spec):
    """Return CSV lines of {(municipality, school): (n, with_deficit)}, competence «оценивание»."""
    lines, number = [HEADER], 0
    for (municipality, school), (n, with_deficit) in spec.items():
        for k in range(n):
            number += 1
            lines.append(f"t{number},{municipality},{school},оценивание,{int(k < with_deficit)}")
    return lines


# Амурский 23 (6): 12 (3) + 8 (2) + 3 (1); Бикинский 13 (6): 6 (6) + 7 (0); region 36 (12).
SPEC = {
    ("Амурский", "Школа 1"): (12, 3),
    ("Амурский", "Школа 2"): (8, 2),
    ("Амурский", "Школа 3"): (3, 1),
    ("Бикинский", "Школа 4"): (6, 6),
    ("Бикинский", "Школа 5"): (7, 0),
}


def run(runner, tmp_path, lines, *options):
    """Run the command on the lines and return the result."""
    return runner.invoke(args=["analytics", "deficits", write_csv(tmp_path, lines), *options])


def test_json_contract(runner, tmp_path):
    result = run(runner, tmp_path, results(SPEC), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"min_group", "cells"} and data["min_group"] == 5
    assert all(set(cell) == KEYS for cell in data["cells"])
    by_place = {(c["level"], c["municipality"], c["school"]): c for c in data["cells"]}
    assert len(by_place) == 8
    region = by_place[("region", None, None)]
    assert (region["n"], region["with_deficit"], region["share"]) == (36, 12, 12 / 36)
    assert region["competence"] == "оценивание" and region["suppressed"] is False
    amur = by_place[("municipality", "Амурский", None)]
    assert (amur["n"], amur["with_deficit"], amur["suppressed"]) == (23, 6, False)
    # Школа 3 (3) is small; alone it would be Амурский − Школа 1 − Школа 2, so Школа 2 goes too.
    for school in ("Школа 2", "Школа 3"):
        cell = by_place[("school", "Амурский", school)]
        assert cell["suppressed"] is True
        assert cell["n"] is None and cell["with_deficit"] is None and cell["share"] is None
    assert by_place[("school", "Бикинский", "Школа 5")]["share"] == 0.0


def test_min_group_option_and_setting(app_factory, tmp_path):
    lines = results(SPEC)
    runner = app_factory().test_cli_runner()
    data = json.loads(run(runner, tmp_path, lines, "--min-group", "7", "--json").output)
    assert data["min_group"] == 7
    hidden = {c["school"] for c in data["cells"] if c["suppressed"]}
    # 3 and 6 are below 7: Школа 3 and Школа 4, then Школа 2 (8) and Школа 5 (7) beside them.
    assert hidden == {"Школа 2", "Школа 3", "Школа 4", "Школа 5"}
    runner = app_factory(ANALYTICS_MIN_GROUP=2).test_cli_runner()
    data = json.loads(run(runner, tmp_path, lines, "--json").output)
    assert data["min_group"] == 2 and not any(c["suppressed"] for c in data["cells"])


def test_readable_table(runner, tmp_path):
    result = run(runner, tmp_path, results(SPEC))
    assert result.exit_code == 0, result.output
    assert "минимальная группа: 5" in result.output
    assert result.output.count("недостаточно данных") == 2
    assert "33.3%" in result.output


def test_columns_in_another_order_and_extra_columns(runner, tmp_path):
    lines = ["deficit,competence,note,school,municipality,teacher_id"]
    lines += [f"{k % 2},к,,ш,м,t{k}" for k in range(6)]
    data = json.loads(run(runner, tmp_path, lines, "--json").output)
    assert data["cells"][0]["n"] == 6 and data["cells"][0]["with_deficit"] == 3


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ["teacher_id,municipality,school,deficit", "t1,м,ш,1"],
            "строка 1, столбец «competence»: нет такого столбца",
        ),
        ([HEADER, "t1,м,ш,к,1", "t2,м,ш,к,2"], "строка 3, столбец «deficit»: «2»"),
        ([HEADER, "t1,м,ш,к,да"], "строка 2, столбец «deficit»: «да»: дефицит должен быть 0 или 1"),
        ([HEADER, "t1,м,ш,к,"], "строка 2, столбец «deficit»: пустое значение"),
        ([HEADER, "t1,м,,к,1"], "строка 2, столбец «school»: пустое значение"),
        (
            [HEADER, "t1,м,ш,к,1", "t2,м,ш,к,0", "t1,м,ш2,к,0"],
            "строка 4, столбец «teacher_id»: педагог «t1» уже есть в строке 2 по компетенции «к»",
        ),
        ([HEADER, "t1,м,ш,к"], "строка 2: в строке 4 значений, а в заголовке 5"),
        ([HEADER + ",school", "t1,м,ш,к,1,ш"], "строка 1, столбец «school»: столбец повторяется"),
        ([""], "строка 1: файл пуст: нет заголовка"),
        ([HEADER], "строка 2: файл пуст: нет ни одной строки данных"),
        ([HEADER, "", " , "], "файл пуст: нет ни одной строки данных"),
    ],
)
def test_bad_input_is_named_by_row_and_column(runner, tmp_path, lines, message):
    result = run(runner, tmp_path, lines, "--json")
    assert result.exit_code == 1
    assert message in result.output


def test_a_teacher_may_have_several_competences(runner, tmp_path):
    lines = [HEADER, "t1,м,ш,к1,1", "t1,м,ш,к2,0"]
    result = run(runner, tmp_path, lines, "--json")
    assert result.exit_code == 0, result.output
    assert [c["competence"] for c in json.loads(result.output)["cells"]][:2] == ["к1", "к2"]


def test_file_not_in_utf8(runner, tmp_path):
    path = tmp_path / "results.csv"
    path.write_bytes((HEADER + "\nt1,Хабаровск,ш,к,1\n").encode("cp1251"))
    result = runner.invoke(args=["analytics", "deficits", str(path)])
    assert result.exit_code == 1 and "не в кодировке UTF-8" in result.output


def test_min_group_below_one_is_refused(runner, tmp_path):
    result = run(runner, tmp_path, results(SPEC), "--min-group", "0")
    assert result.exit_code == 2 and "--min-group" in result.output


def test_the_command_runs_from_the_shell(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    flask = Path(sys.executable).with_name("flask")
    done = subprocess.run(
        [str(flask), "--app", "wsgi", "analytics", "deficits", write_csv(tmp_path, results(SPEC))]
        + ["--min-group", "3", "--json"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["min_group"] == 3 and not any(c["suppressed"] for c in data["cells"])
