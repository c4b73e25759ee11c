"""Importing the register of municipalities and schools from CSV or XLSX."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from competence.accounts.models import Role
from competence.audit import AuditEvent
from competence.extensions import db
from competence.schools.models import Municipality, School
from competence.schools.registry import RegistryFileError, import_registry
from tests.factories import csrf_token, login, make_user

HEADER = "municipality_code,municipality,school_code,school_name,group,students,excluded\n"
VALID = HEADER + (
    "08701000,г. Хабаровск,27-01-01,МАОУ «Средняя школа № 3»,secondary,1180,\n"
    ",г. Хабаровск,27-01-02,МБОУ «Вечерняя (сменная) школа № 5»,вечерняя,140,\n"
    "08612000,Нанайский район,27-11-01,МБОУ СОШ с. Троицкое,средняя,560,\n"
    ",Нанайский район,27-11-02,МБОУ ООШ с. Верхний Нерген,basic,,только адаптированные программы\n"
)


def counts():
    return (
        db.session.scalar(select(func.count(Municipality.id))),
        db.session.scalar(select(func.count(School.id))),
    )


def errors_of(filename, data):
    with pytest.raises(RegistryFileError) as caught:
        import_registry(filename, data)
    return [str(error) for error in caught.value.errors]


def test_csv_creates_municipalities_and_schools(app):
    summary = import_registry("schools.csv", VALID.encode())
    assert summary.municipalities_created == ["г. Хабаровск", "Нанайский район"]
    assert (summary.schools_created, summary.schools_updated) == (4, 0)
    evening = db.session.scalar(select(School).where(School.code == "27-01-02"))
    assert evening.school_group == "basic"
    assert evening.municipality.code == "08701000"
    excluded = db.session.scalar(select(School).where(School.code == "27-11-02"))
    assert excluded.excluded_reason == "только адаптированные программы"
    assert excluded.students is None
    assert db.session.scalar(select(AuditEvent.action)) == "registry_imported"


def test_importing_again_updates_by_code_and_keeps_the_rest(app):
    import_registry("schools.csv", VALID.encode())
    renamed = (
        HEADER
        + ",г. Хабаровск,27-01-01,МАОУ «Средняя школа № 3 имени В. Г. Белинского»,secondary,1200,\n"
    )
    summary = import_registry("schools.csv", renamed.encode("utf-8-sig"))
    assert (summary.schools_created, summary.schools_updated) == (0, 1)
    assert counts() == (2, 4)
    school = db.session.scalar(select(School).where(School.code == "27-01-01"))
    assert school.students == 1200


def test_xlsx_and_semicolon_csv_are_read(app):
    book = Workbook()
    sheet = book.active
    for line in VALID.strip().splitlines():
        sheet.append([cell or None for cell in line.split(",")])
    sheet["F2"] = 1180  # a real number cell, as Excel stores it
    buffer = io.BytesIO()
    book.save(buffer)
    summary = import_registry("schools.xlsx", buffer.getvalue())
    assert summary.schools_created == 4
    semicolons = VALID.replace(",", ";").replace("27-01-01", "27-01-09")
    assert import_registry("schools.csv", semicolons.encode("cp1251")).schools_created == 1


def test_wrong_columns_are_named_and_nothing_is_imported(app):
    data = "municipality,school_name,group,pupils\nНанайский район,Школа,basic,10\n"
    errors = errors_of("schools.csv", data.encode())
    assert errors == [
        "schools.csv, строка 1, столбец «D pupils»: неизвестный столбец; допустимые столбцы: "
        "municipality, school_code, school_name, group, municipality_code, students, excluded",
        "schools.csv, строка 1, столбец «school_code»: нет обязательного столбца",
    ]
    assert counts() == (0, 0)


def test_every_row_error_is_reported_with_row_and_column(app):
    data = HEADER + (
        "08701000,г. Хабаровск,27-01-01,Школа № 1,secondary,много,\n"
        "08X01000,г. Хабаровск,27-01-02,Школа № 2,secondary,10,\n"
        ",Хабаровскй район,27-01-03,Школа № 3,secondary,10,\n"
        ",г. Хабаровск,27-01-01,Школа № 4,гимназия,10,\n"
        ",г. Хабаровск,,,secondary,,\n"
    )
    errors = errors_of("schools.csv", data.encode())
    assert errors == [
        "schools.csv, строка 2, столбец «students»: «много» не является целым числом",
        "schools.csv, строка 3, столбец «municipality_code»: «08X01000» не является числом",
        "schools.csv, строка 4, столбец «municipality»: "
        "неизвестный муниципалитет «Хабаровскй район»: проверьте написание "
        "или укажите код ОКТМО в столбце municipality_code, чтобы добавить новый",
        "schools.csv, строка 5, столбец «school_code»: код 27-01-01 уже встречается в строке 2",
        "schools.csv, строка 5, столбец «group»: «гимназия»: "
        "укажите secondary (средняя) или basic (основная)",
        "schools.csv, строка 6, столбец «school_code»: значение не заполнено",
        "schools.csv, строка 6, столбец «school_name»: значение не заполнено",
    ]
    assert counts() == (0, 0)


def test_files_that_are_not_tables_are_refused(app):
    assert errors_of("schools.pdf", b"%PDF-1.7") == [
        "schools.pdf: поддерживаются только файлы CSV и XLSX"
    ]
    [broken] = errors_of("uploads/schools.xlsx", b"PK\x03\x04 broken")
    assert broken.startswith("schools.xlsx: файл XLSX не удалось открыть")
    assert errors_of("schools.csv", b"   ") == ["schools.csv: файл пуст"]


def test_values_too_long_or_too_large_for_the_database_are_refused(app):
    data = HEADER + (
        f"08701000,{'Р' * 201},27-01-01,Школа № 1,secondary,10,\n"
        f"08612000,Нанайский район,27-11-01,Школа № 2,secondary,99999999999,{'x' * 301}\n"
        f"08612000,Нанайский район,27-11-02,{'Ш' * 301},secondary,10,\n"
    )
    assert errors_of("schools.csv", data.encode()) == [
        "schools.csv, строка 2, столбец «municipality»: название длиннее 200 знаков",
        "schools.csv, строка 3, столбец «students»: "
        "99999999999: больше 100000 учащихся быть не может",
        "schools.csv, строка 3, столбец «excluded»: текст длиннее 300 знаков",
        "schools.csv, строка 4, столбец «school_name»: название длиннее 300 знаков",
    ]
    assert counts() == (0, 0)


def test_a_column_given_twice_is_refused(app):
    data = HEADER.strip() + ",school_name\n" + VALID.splitlines()[1] + ",Другое имя\n"
    assert errors_of("schools.csv", data.encode()) == [
        "schools.csv, строка 1, столбец «H school_name»: "
        "столбец «school_name» уже есть (столбец D); оставьте один"
    ]
    assert counts() == (0, 0)


def test_errors_of_an_xlsx_file_name_its_rows_and_columns(app):
    book = Workbook()
    sheet = book.active
    sheet.append(["Реестр школ края"])  # a title row above the header
    sheet.append([])
    sheet.append(HEADER.strip().split(","))
    sheet.append(["08701000", "г. Хабаровск", "27-01-01", "Школа № 1", "secondary", -5, None])
    sheet.append([None, "г. Хабаровск", "27-01-02", None, "гимназия", 10, None])
    buffer = io.BytesIO()
    book.save(buffer)
    errors = errors_of("schools.xlsx", buffer.getvalue())
    assert errors[0].startswith("schools.xlsx, строка 1, столбец «A реестр школ края»")
    # Without the title row the data rows are reported by their numbers in the sheet.
    sheet.delete_rows(1, 2)
    buffer = io.BytesIO()
    book.save(buffer)
    assert errors_of("schools.xlsx", buffer.getvalue()) == [
        "schools.xlsx, строка 2, столбец «students»: «-5» не является целым числом",
        "schools.xlsx, строка 3, столбец «school_name»: значение не заполнено",
        "schools.xlsx, строка 3, столбец «group»: «гимназия»: "
        "укажите secondary (средняя) или basic (основная)",
    ]
    assert counts() == (0, 0)


def test_admin_imports_through_the_page(client):
    make_user(email="admin@example.org", role=Role.ADMIN)
    login(client, "admin@example.org")
    token = csrf_token(client, "/admin/registry")
    bad = client.post(
        "/admin/registry",
        data={"csrf_token": token, "file": (io.BytesIO(b"name\nx\n"), "schools.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "нет обязательного столбца" in bad.get_data(as_text=True)
    before = counts()
    good = client.post(
        "/admin/registry",
        data={"csrf_token": token, "file": (io.BytesIO(VALID.encode()), "schools.csv")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 200
    assert "Загрузка выполнена" in good.get_data(as_text=True)
    assert counts() == (before[0] + 2, before[1] + 4)
    assert "Нанайский район" in client.get("/admin/registry").get_data(as_text=True)


def test_cli_import_reports_errors_and_exits_non_zero(app, runner, tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text(HEADER + ",Неизвестный район,1,Школа,secondary,,\n", encoding="utf-8")
    result = runner.invoke(args=["schools", "import-registry", str(path)])
    assert result.exit_code == 1
    assert "неизвестный муниципалитет" in result.output
    path.write_text(VALID, encoding="utf-8")
    result = runner.invoke(args=["schools", "import-registry", str(path)])
    assert result.exit_code == 0, result.output
    assert "schools created: 4" in result.output
