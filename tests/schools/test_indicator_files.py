"""Reading and validating indicator files and region-means files (CSV and XLSX)."""

import openpyxl
import pytest

from competence.analytics.identification import SchoolYearRecord
from competence.schools.indicator_files import (
    IndicatorError,
    IndicatorFileError,
    read_indicator_file,
    read_region_means,
)

HEADER = "year,school_id,school_name,municipality,group"


def csv_bytes(*lines, bom=False):
    """Encode CSV lines as UTF-8, optionally with a BOM."""
    return ("\ufeff" if bom else "").encode() + "\n".join(lines).encode("utf-8") + b"\n"


def xlsx_bytes(tmp_path, rows):
    """Write rows to the first sheet of a new workbook and return the file's bytes."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "indicators.xlsx"
    workbook.save(path)
    return path.read_bytes()


def errors_of(read, *args, **kwargs):
    """Return the string form of every error the reader raises."""
    with pytest.raises(IndicatorFileError) as caught:
        read(*args, **kwargs)
    return [str(error) for error in caught.value.errors]


def test_reads_comma_separated_csv_with_bom():
    data = csv_bytes(
        f"{HEADER},ege_no_cert,oge_rus_mean,free_meals,excluded",
        "2024,101,МБОУ СОШ № 1,г. Хабаровск,secondary,1.5,3.9,,",
        "2024,102,МБОУ ООШ № 2,Амурский район,basic,,4,12,начальная школа",
        bom=True,
    )
    records = read_indicator_file("indicators.csv", data)
    assert records == (
        SchoolYearRecord(
            year=2024,
            school_id="101",
            school_name="МБОУ СОШ № 1",
            municipality="г. Хабаровск",
            group="secondary",
            values={"ege_no_cert": 1.5, "oge_rus_mean": 3.9, "free_meals": None},
            excluded=None,
        ),
        SchoolYearRecord(
            year=2024,
            school_id="102",
            school_name="МБОУ ООШ № 2",
            municipality="Амурский район",
            group="basic",
            values={"ege_no_cert": None, "oge_rus_mean": 4.0, "free_meals": 12.0},
            excluded="начальная школа",
        ),
    )


@pytest.mark.parametrize(
    ("written", "group"),
    [
        ("средняя", "secondary"),
        ("Основная", "basic"),
        ("вечерняя", "basic"),
        ("открытая", "basic"),
        ("сменная", "basic"),
        ("SECONDARY", "secondary"),
    ],
)
def test_reads_semicolon_csv_with_decimal_comma_and_russian_groups(written, group):
    data = csv_bytes(
        f"{HEADER.replace(',', ';')};vpr_rus_grade2", f"2023;7;Школа;Район;{written};12,5"
    )
    (record,) = read_indicator_file("indicators.csv", data)
    assert (record.group, record.values) == (group, {"vpr_rus_grade2": 12.5})


def test_a_school_may_change_its_name_between_years():
    data = csv_bytes(
        HEADER,
        "2023,7,МБОУ СОШ № 7,Район,secondary",
        "2024,7,МАОУ СОШ № 7 имени Героя,Район,secondary",
    )
    names = [r.school_name for r in read_indicator_file("indicators.csv", data)]
    assert names == ["МБОУ СОШ № 7", "МАОУ СОШ № 7 имени Героя"]


def test_reads_xlsx_with_numeric_cells(tmp_path):
    data = xlsx_bytes(
        tmp_path,
        [
            [*HEADER.split(","), "ege_rus_mean", "oge_math_grade2"],
            [2024, 12345, "МБОУ СОШ № 3", "г. Хабаровск", "средняя", 100, 0.125],
            [None] * 7,  # blank rows are skipped
            [2024, "A-7", "МБОУ ООШ № 4", "г. Хабаровск", "основная", 61.5, None],
        ],
    )
    first, second = read_indicator_file("indicators.xlsx", data)
    assert (first.year, first.school_id, first.group) == (2024, "12345", "secondary")
    assert first.values == {"ege_rus_mean": 100.0, "oge_math_grade2": 0.125}
    assert second.values == {"ege_rus_mean": 61.5, "oge_math_grade2": None}


def test_xlsx_errors_name_the_spreadsheet_row(tmp_path):
    data = xlsx_bytes(
        tmp_path,
        [
            [*HEADER.split(","), "oge_rus_grade5"],
            [2024, 1, "Школа", "Район", "secondary", 20],
            [None] * 6,
            [2024, 2, "Школа", "Район", "secondary", "много"],
        ],
    )
    assert errors_of(read_indicator_file, "indicators.xlsx", data) == [
        "indicators.xlsx, строка 4, столбец «oge_rus_grade5»: значение «много» не является числом"
    ]


def test_unknown_column():
    data = csv_bytes(f"{HEADER},ege_rus_share", "2024,1,Школа,Район,secondary,5")
    assert errors_of(read_indicator_file, "indicators.csv", data) == [
        "indicators.csv, строка 1, столбец «ege_rus_share»: неизвестный столбец"
    ]


def test_missing_required_column():
    data = csv_bytes("year,school_id,school_name,group", "2024,1,Школа,secondary")
    assert errors_of(read_indicator_file, "indicators.csv", data) == [
        "indicators.csv, строка 1, столбец «municipality»: нет обязательного столбца"
    ]


@pytest.mark.parametrize(
    ("column", "value", "allowed"),
    [
        ("ege_no_cert", "100.5", "0–100"),  # shares: percent or fraction
        ("free_meals", "-1", "0–100"),
        ("ege_rus_mean", "101", "0–100"),  # ЕГЭ mean score
        ("oge_rus_mean", "1,9", "2–5"),  # ОГЭ / ВПР mean grade
        ("vpr_math_mean", "5.1", "2–5"),
    ],
)
def test_value_outside_its_range(column, value, allowed):
    data = csv_bytes(
        f"{HEADER};{column}".replace(",", ";"), f"2024;1;Школа;Район;secondary;{value}"
    )
    assert errors_of(read_indicator_file, "indicators.csv", data) == [
        f"indicators.csv, строка 2, столбец «{column}»: "
        f"значение «{value}» вне допустимого диапазона {allowed}"
    ]


@pytest.mark.parametrize("value", ["abc", "nan", "inf", "1_5", "12.5.1"])
def test_text_in_a_number(value):
    data = csv_bytes(f"{HEADER},ege_no_cert", f"2024,1,Школа,Район,secondary,{value}")
    assert errors_of(read_indicator_file, "indicators.csv", data) == [
        f"indicators.csv, строка 2, столбец «ege_no_cert»: значение «{value}» не является числом"
    ]


def test_year_missing_for_everyone_among_the_requested_years():
    data = csv_bytes(HEADER, "2023,1,Школа,Район,secondary", "2024,1,Школа,Район,secondary")
    assert errors_of(read_indicator_file, "indicators.csv", data, years=[2022, 2023, 2024]) == [
        "indicators.csv, столбец «year»: нет ни одной строки за 2022 год"
    ]
    assert len(read_indicator_file("indicators.csv", data, years=[2023, 2024])) == 2


def test_every_error_is_reported_at_once_and_nothing_is_returned():
    data = csv_bytes(
        f"{HEADER},ege_no_cert,comment",
        "2024,1,Школа 1,Район,secondary,5",
        "2024.5,2,Школа 2,Район,secondary,5",
        "2024,3,Школа 3,Район,начальная,5",
        "2024,4,Школа 4,Район,secondary,abc",
        "2024,1,Школа 1,Район,secondary,120",
        ",,,Район,,",
    )
    groups = "secondary, средняя, basic, основная, вечерняя, открытая, сменная, открытая (сменная)"
    assert errors_of(read_indicator_file, "indicators.csv", data) == [
        "indicators.csv, строка 1, столбец «comment»: неизвестный столбец",
        "indicators.csv, строка 3, столбец «year»: год «2024.5» не является целым числом",
        "indicators.csv, строка 4, столбец «group»: "
        f"группа «начальная» не распознана; допустимые значения: {groups}",
        "indicators.csv, строка 5, столбец «ege_no_cert»: значение «abc» не является числом",
        "indicators.csv, строка 6, столбец «ege_no_cert»: "
        "значение «120» вне допустимого диапазона 0–100",
        "indicators.csv, строка 6, столбец «school_id»: школа «1» за 2024 год уже есть в строке 2",
        "indicators.csv, строка 7, столбец «school_id»: не указан идентификатор школы",
        "indicators.csv, строка 7, столбец «school_name»: не указано название школы",
        "indicators.csv, строка 7, столбец «group»: не указана группа школы",
        "indicators.csv, строка 7, столбец «year»: не указан год",
    ]


def test_error_carries_file_row_and_column():
    data = csv_bytes(f"{HEADER},ege_no_cert", "2024,1,Школа,Район,secondary,abc")
    with pytest.raises(IndicatorFileError) as caught:
        read_indicator_file("data/indicators.csv", data)
    assert caught.value.errors == (
        IndicatorError("indicators.csv", 2, "ege_no_cert", "значение «abc» не является числом"),
    )
    assert str(caught.value) == (
        "indicators.csv, строка 2, столбец «ege_no_cert»: значение «abc» не является числом"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "indicators.csv: файл пуст"),
        (csv_bytes(HEADER), "indicators.csv: в файле нет строк с данными"),
    ],
)
def test_empty_files(data, message):
    assert errors_of(read_indicator_file, "indicators.csv", data) == [message]


def test_a_broken_xlsx_or_csv_gets_a_russian_message_without_library_text():
    [message] = errors_of(read_indicator_file, "indicators.xlsx", b"not a workbook at all")
    assert message == (
        "indicators.xlsx: файл XLSX не удалось открыть: он повреждён или это не книга Excel; "
        "сохраните таблицу заново в формате .xlsx или CSV"
    )
    assert "zip" not in message
    huge_cell = csv_bytes(HEADER, "2024," + "x" * 200_000)  # csv: "field larger than field limit"
    [message] = errors_of(read_indicator_file, "indicators.csv", huge_cell)
    assert "field" not in message
    assert message.startswith("indicators.csv: файл CSV повреждён; сохраните таблицу заново")


def test_region_means_file(tmp_path):
    data = xlsx_bytes(
        tmp_path,
        [["year", "indicator", "value"], [2024, "oge_rus_mean", 3.85], [2024, "EGE_RUS_MEAN", 67]],
    )
    assert read_region_means("means.xlsx", data) == {
        (2024, "oge_rus_mean"): 3.85,
        (2024, "ege_rus_mean"): 67.0,
    }


def test_region_means_errors():
    data = csv_bytes(
        "year;indicator;value",
        "2024;ege_no_cert;1",
        "2024;oge_rus_mean;3,7",
        "2024;oge_rus_mean;3,8",
        "2024;vpr_rus_mean;7",
        "2024;vpr_math_mean;",
    )
    means = "ege_rus_mean, ege_math_profile_mean, ege_math_base_mean, oge_rus_mean, " + (
        "oge_math_mean, vpr_rus_mean, vpr_math_mean"
    )
    assert errors_of(read_region_means, "means.csv", data) == [
        "means.csv, строка 2, столбец «indicator»: "
        f"«ege_no_cert» не является средним баллом; допустимые: {means}",
        "means.csv, строка 4, столбец «indicator»: «oge_rus_mean» за 2024 год уже есть в строке 3",
        "means.csv, строка 5, столбец «value»: значение «7» вне допустимого диапазона 2–5",
        "means.csv, строка 6, столбец «value»: не указано значение",
    ]
