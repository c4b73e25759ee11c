"""`flask schools identify FILE --json`: the command-line contract, on a file, with no database."""

import json

import pytest
from sqlalchemy import event

from competence.analytics.identification import identify, result_to_json
from competence.extensions import db
from competence.schools.indicator_files import read_indicator_file
from tests.conftest import BASE_CONFIG
from tests.schools.helpers import csv_file, region_rows

# A database that cannot be reached: the command must never try.
NO_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:9/does-not-exist"


@pytest.fixture
def offline_runner(tmp_path):
    """A CLI runner of an app whose database does not exist."""
    from competence import create_app

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": NO_DATABASE})
    return app.test_cli_runner()


@pytest.fixture
def indicators(tmp_path):
    path = tmp_path / "indicators.csv"
    path.write_bytes(csv_file(region_rows()))
    return path


def test_json_contract_on_a_file_without_a_database(offline_runner, indicators):
    result = offline_runner.invoke(args=["schools", "identify", str(indicators), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["years"] == [2022, 2023, 2024]
    schools = {s["school_id"]: s for s in document["schools"]}
    assert list(schools) == ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"]
    assert schools["a1"] == {
        "school_id": "a1",
        "group": "secondary",
        "edu_index": {"2022": 0.0, "2023": 0.0, "2024": 0.0},
        "edu_band": {"2022": "low", "2023": "low", "2024": "low"},
        "social_index": {"2022": 1.0, "2023": 1.0, "2024": 1.0},
        "social_band": {"2022": "unfavourable", "2023": "unfavourable", "2024": "unfavourable"},
        "category": "low_results",
        "social_category": "unfavourable",
        "resilient": False,
        "excluded": None,
    }
    # (50 - 10) / 80 = 0.5 in 2022, then (15 - 10) / 80 = 0.0625 -> 0.0625
    assert schools["a2"]["edu_index"] == {"2022": 0.5, "2023": 0.0625, "2024": 0.0625}
    assert schools["a2"]["category"] == "risk"
    assert schools["b1"]["resilient"] is True
    assert schools["b1"]["social_index"]["2024"] == round(60 / 70, 4)
    assert schools["b4"]["category"] == "middle"
    # exactly what the module returns for the same file
    expected = result_to_json(identify(read_indicator_file("x.csv", indicators.read_bytes())))
    assert document == json.loads(json.dumps(expected))


def test_no_query_reaches_the_database(app, runner, indicators):
    statements = []

    def count(*args):
        statements.append(args)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = runner.invoke(args=["schools", "identify", str(indicators), "--json"])
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert result.exit_code == 0
    assert statements == []


def test_region_means_and_chosen_years(offline_runner, tmp_path):
    rows = region_rows((2021, 2022, 2023, 2024))
    for row in rows:
        row["oge_rus_mean"] = 3.5 if row["school_id"] == "a4" else 4.5
    path = tmp_path / "indicators.csv"
    path.write_bytes(csv_file(rows))
    means = tmp_path / "means.csv"
    # the table mean 4.6 puts a4 (3.5) more than 1 below the region: flag 0 in 2022 only
    means.write_bytes(csv_file([{"year": 2022, "indicator": "oge_rus_mean", "value": 4.6}]))
    args = ["schools", "identify", str(path), "--region-means", str(means)]
    result = offline_runner.invoke(args=[*args, "--years", "2021,2022,2023", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["years"] == [2021, 2022, 2023]
    a4 = next(s for s in document["schools"] if s["school_id"] == "a4")
    # a4: oge 40 -> 0.375, flag 1 (fallback mean 4.375 - 3.5 < 1) in 2021 -> (0.375 + 1) / 2
    assert a4["edu_index"]["2021"] == round((0.375 + 1) / 2, 4)
    assert a4["edu_index"]["2022"] == round(0.375 / 2, 4)  # flag 0 with the table's 4.6


def test_bad_files_print_file_row_and_column_and_fail(offline_runner, tmp_path):
    rows = region_rows()
    rows[4]["free_meals"] = "101"
    rows[6]["oge_rus_grade5"] = "n/a"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file([{**r, "extra": ""} for r in rows]))
    result = offline_runner.invoke(args=["schools", "identify", str(path), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[:3] == [
        "bad.csv, строка 1, столбец «extra»: неизвестный столбец",
        "bad.csv, строка 6, столбец «free_meals»: значение «101» вне допустимого диапазона 0–100",
        "bad.csv, строка 8, столбец «oge_rus_grade5»: значение «n/a» не является числом",
    ]


def test_missing_year_and_too_few_years(offline_runner, tmp_path):
    path = tmp_path / "two.csv"
    path.write_bytes(csv_file(region_rows((2023, 2024))))
    result = offline_runner.invoke(
        args=["schools", "identify", str(path), "--years", "2022,2023,2024", "--json"]
    )
    assert result.exit_code == 1
    assert "two.csv, столбец «year»: нет ни одной строки за 2022 год" in result.stderr
    result = offline_runner.invoke(args=["schools", "identify", str(path), "--json"])
    assert result.exit_code == 1
    assert "Нужны данные за 3 года, в данных годы: 2023, 2024" in result.stderr
    result = offline_runner.invoke(args=["schools", "identify", str(path), "--years", "22"])
    assert result.exit_code == 2
    assert "укажите годы четырьмя цифрами" in result.stderr


def test_a_year_missing_for_everyone_is_refused_without_chosen_years(offline_runner, tmp_path):
    path = tmp_path / "gap.csv"
    path.write_bytes(csv_file(region_rows((2021, 2022, 2024))))
    result = offline_runner.invoke(args=["schools", "identify", str(path), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "gap.csv, столбец «year»: нет ни одной строки за 2023 год" in result.stderr
    # years the user chooses need not be consecutive (identification.md: "or the years chosen")
    result = offline_runner.invoke(
        args=["schools", "identify", str(path), "--years", "2021,2022,2024", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["years"] == [2021, 2022, 2024]


def test_plain_text_summary(offline_runner, indicators):
    result = offline_runner.invoke(args=["schools", "identify", str(indicators)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "years: 2022, 2023, 2024; schools: 8"
    assert "low results (ШНРО): 1" in lines and "  a1  МБОУ СОШ A1 (Амурский район)" in lines
    assert "resilient: 1" in lines
