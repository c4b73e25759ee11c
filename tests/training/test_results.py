"""Attendance, results and the import of удостоверение numbers: a record confirms the module."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from competence.extensions import db
from competence.tracks.models import Confirmation, TrackModule
from competence.training import enrolment, results, services
from competence.training.models import GroupApplication
from competence.training.services import TrainingError
from tests.factories import login, post_form
from tests.training.helpers import build_world, group_data, letters, said


def enrolled_group(world, how_many=2):
    """A group whose first `how_many` teachers of school A are enrolled."""
    group = services.schedule_group(world.module, group_data(places=5), world.methodist)
    for teacher in world.teachers[:how_many]:
        application = services.apply(teacher, group)
        services.decide_release(application, world.director_a, True, "")
    enrolment.enrol_released(group, world.methodist)
    return group


def application_of(teacher) -> GroupApplication:
    db.session.expire_all()
    return db.session.scalars(
        select(GroupApplication).where(GroupApplication.user_id == teacher.id)
    ).one()


def entry_of(application) -> TrackModule:
    return db.session.get(TrackModule, application.track_module_id)


def test_a_pass_with_a_number_confirms_the_module_by_a_record(app):
    world = build_world(teachers=1)
    enrolled_group(world, 1)
    application = application_of(world.teachers[0])
    results.record_result(application, world.methodist, True, "passed", " 272400012345 ")
    application = application_of(world.teachers[0])
    assert (application.attended, application.result) == (True, "passed")
    assert application.qualification_document == "272400012345"
    entry = entry_of(application)
    assert entry.is_confirmed and entry.confirmed_via == Confirmation.RECORD
    assert entry.qualification_document == "272400012345"
    assert entry.confirmed_by_id == world.methodist.id
    assert [m.recipient for m in letters("training_result")] == ["t1@example.org"]


def test_a_failed_result_confirms_nothing(app):
    world = build_world(teachers=1)
    enrolled_group(world, 1)
    results.record_result(application_of(world.teachers[0]), world.methodist, True, "failed", "")
    entry = entry_of(application_of(world.teachers[0]))
    assert entry.status == "planned" and not entry.is_confirmed


@pytest.mark.parametrize(
    ("attended", "result", "document", "status"),
    [
        (False, "passed", "1", 400),  # did not attend, cannot pass
        (True, "failed", "123", 400),  # a number belongs to a pass
        (True, "excellent", "", 400),
        (True, "passed", "9" * 65, 400),
    ],
)
def test_bad_results_are_refused_and_change_nothing(app, attended, result, document, status):
    world = build_world(teachers=1)
    enrolled_group(world, 1)
    with pytest.raises(TrainingError) as refused:
        results.record_result(
            application_of(world.teachers[0]), world.methodist, attended, result, document
        )
    db.session.rollback()
    assert refused.value.status == status
    application = application_of(world.teachers[0])
    assert application.result is None and application.attended is None
    assert not entry_of(application).is_confirmed


def test_a_result_for_a_teacher_not_enrolled_is_refused(app):
    world = build_world(teachers=1)
    group = services.schedule_group(world.module, group_data(), world.methodist)
    application = services.apply(world.teachers[0], group)
    with pytest.raises(TrainingError) as refused:
        results.record_result(application, world.methodist, True, "passed", "1")
    assert refused.value.status == 409


def csv_file(rows) -> bytes:
    return "\n".join(";".join(row) for row in rows).encode()


def xlsx_file(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "make"), [("records.csv", csv_file), ("records.xlsx", xlsx_file)])
def test_the_import_writes_numbers_and_confirms_modules(app, name, make):
    world = build_world(teachers=2)
    group = enrolled_group(world, 2)
    data = make(
        [
            ("email", "group_id", "number"),
            ("T1@example.org", str(group.id), "272400000001"),
            ("t2@example.org", "", "272400000002"),
        ]
    )
    assert results.import_documents(group, name, data, world.methodist) == 2
    for teacher, number in zip(world.teachers, ("272400000001", "272400000002"), strict=True):
        application = application_of(teacher)
        assert application.result == "passed" and application.qualification_document == number
        entry = entry_of(application)
        assert entry.is_confirmed and entry.qualification_document == number
    assert len(letters("training_result")) == 2


def test_the_import_by_teacher_id_and_module_key(app):
    world = build_world(teachers=1)
    group = enrolled_group(world, 1)
    data = csv_file(
        [("teacher_id", "module", "number"), (str(world.teachers[0].id), "course-a", "N-1")]
    )
    assert results.import_documents(group, "r.csv", data, world.methodist) == 1
    assert application_of(world.teachers[0]).qualification_document == "N-1"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("nobody@example.org", "N-9"), "Row %(row)d: no teacher %(who)s on the portal."),
        (("t3@example.org", "N-9"), "Row %(row)d: %(who)s is not enrolled in this group."),
        (("tb@example.org", "N-9"), "Row %(row)d: %(who)s is not enrolled in this group."),
        (("t2@example.org", ""), "Row %(row)d: no qualification document number."),
    ],
)
def test_one_bad_row_imports_nothing_and_names_the_row(app, row, message):
    world = build_world(teachers=3)
    group = enrolled_group(world, 2)
    data = csv_file([("email", "number"), ("t1@example.org", "N-1"), row])
    with pytest.raises(results.ImportErrors) as refused:
        results.import_documents(group, "r.csv", data, world.methodist)
    db.session.rollback()
    assert refused.value.status == 422
    who = {"t3@example.org": "Учитель 3", "tb@example.org": "Учитель Б"}.get(row[0], row[0])
    assert refused.value.errors == [said(message, row=3, who=who)]
    for teacher in world.teachers[:2]:
        application = application_of(teacher)
        assert application.result is None and application.qualification_document is None
        assert not entry_of(application).is_confirmed
    assert letters("training_result") == []


def test_a_file_without_the_columns_or_for_another_group_imports_nothing(app):
    world = build_world(teachers=1)
    group = enrolled_group(world, 1)
    with pytest.raises(results.ImportErrors):
        results.import_documents(group, "r.csv", b"name;code\nx;y\n", world.methodist)
    other = csv_file([("email", "group_id", "number"), ("t1@example.org", "999", "N-1")])
    with pytest.raises(results.ImportErrors) as refused:
        results.import_documents(group, "r.csv", other, world.methodist)
    assert refused.value.errors == [said("Row %(row)d: the row is for another group.", row=2)]
    with pytest.raises(results.ImportErrors):
        results.import_documents(group, "r.pdf", b"%PDF-1.4", world.methodist)
    db.session.rollback()
    assert application_of(world.teachers[0]).qualification_document is None


def test_a_confirmed_pass_is_not_taken_back_but_its_number_may_be_corrected(app):
    world = build_world(teachers=1)
    enrolled_group(world, 1)
    results.record_result(application_of(world.teachers[0]), world.methodist, True, "passed", "N-1")
    with pytest.raises(TrainingError) as refused:
        results.record_result(
            application_of(world.teachers[0]), world.methodist, True, "failed", ""
        )
    db.session.rollback()
    assert refused.value.status == 409
    assert application_of(world.teachers[0]).result == "passed"
    results.record_result(application_of(world.teachers[0]), world.methodist, True, "passed", "N-2")
    application = application_of(world.teachers[0])
    assert application.qualification_document == "N-2"
    assert entry_of(application).qualification_document == "N-2"


def test_a_cancelled_group_takes_no_result_nor_import(app):
    world = build_world(teachers=1)
    group = enrolled_group(world, 1)
    group.status = "cancelled"
    db.session.commit()
    with pytest.raises(TrainingError) as refused:
        results.record_result(
            application_of(world.teachers[0]), world.methodist, True, "passed", "272400012345"
        )
    assert refused.value.status == 409
    sheet = f"email,number\n{world.teachers[0].email},272400012345\n".encode()
    with pytest.raises(results.ImportErrors):
        results.import_documents(group, "numbers.csv", sheet, world.methodist)
    application = application_of(world.teachers[0])
    assert (application.result, application.qualification_document) == (None, None)
    assert not entry_of(application).is_confirmed


def test_a_teacher_with_a_recorded_result_cannot_withdraw(app):
    world = build_world(teachers=1)
    enrolled_group(world, 1)
    results.record_result(application_of(world.teachers[0]), world.methodist, True, "passed", "27")
    client = app.test_client()
    login(client, "t1@example.org")
    page = client.get("/training/").get_data(as_text=True)
    application = application_of(world.teachers[0])
    # The page offers no withdrawal, and a posted one is refused with nothing changed.
    assert f"/training/applications/{application.id}/withdraw" not in page
    refused = post_form(
        client, f"/training/applications/{application.id}/withdraw", {}, page="/training/"
    )
    assert refused.status_code == 409
    message = "Your result is recorded: the application cannot be withdrawn any more."
    assert said(message) in refused.get_data(as_text=True)
    application = application_of(world.teachers[0])
    assert (application.status, application.result) == ("enrolled", "passed")
    assert entry_of(application).is_confirmed
