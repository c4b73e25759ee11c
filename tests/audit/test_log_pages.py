"""The audit log and a user's history: in words, filtered, paged, exported."""

import csv
import io
import re
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import select

from competence.accounts.models import Role
from competence.audit import AuditEvent
from competence.extensions import db
from tests.audit.helpers import add_event, admin_client
from tests.factories import login, make_school, make_user


def rows_of(page: str) -> list[str]:
    """Return the text of the log's table rows."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)) for row in body.split("<tr>")[1:]]


def test_events_are_told_in_russian_with_names_not_ids(client):
    admin = admin_client(client)
    school = make_school(code="s-7", name="МБОУ СОШ № 7")
    teacher = make_user(full_name="Учителева Мария Петровна", school=school)
    add_event(
        "certificate_issued",
        admin,
        "certificate",
        "2026-000017",
        kind="diagnostic",
        holder=teacher.id,
        forced_reason=None,
    )
    add_event(
        "user_updated",
        admin,
        "user",
        teacher.id,
        role=["teacher", "methodist"],
        school_id=[school.id, None],
        active=[True, False],
    )
    add_event("plan_measure_status", admin, "improvement_plan", 4, measure=9, status="done")
    add_event("some_future_action", None, "widget", 5, colour="blue")
    page = client.get("/admin/audit").get_data(as_text=True)
    text = " ".join(rows_of(page))
    assert (
        "Выдан сертификат № 2026-000017 (по диагностике), владелец: Учителева Мария Петровна"
        in (text)
    )
    assert (
        "Изменена учётная запись: Учителева Мария Петровна; роль: Педагог → Методист; "
        "школа: МБОУ СОШ № 7 → —; учётная запись активна: да → нет" in text
    )
    assert "Мероприятие № 9 план-программы № 4: Выполнено" in text
    # An action the register does not know is still told readably.
    assert "Действие «some_future_action»: № 5; colour: blue" in text
    for code in ("certificate_issued", "holder", "forced_reason", "None", "teacher", "kind:"):
        assert code not in text
    assert "Админова Ольга Петровна" in text


def test_filters_by_actor_action_object_and_dates(client):
    admin = admin_client(client)
    other = make_user(email="m@example.org", role=Role.METHODIST, full_name="Методистова Ирина")
    add_event("plan_approved", admin, "improvement_plan", 1, at=datetime(2026, 3, 1, 2, tzinfo=UTC))
    add_event("plan_approved", other, "improvement_plan", 2, at=datetime(2026, 3, 5, tzinfo=UTC))
    add_event("draft_created", other, "instrument", "digital", at=datetime(2026, 3, 5, tzinfo=UTC))
    add_event("plan_reopened", other, "improvement_plan", 2, at=datetime(2026, 4, 9, tzinfo=UTC))

    def shown(**args):
        response = client.get("/admin/audit", query_string=args)
        assert response.status_code == 200
        return rows_of(response.get_data(as_text=True))

    assert len(shown(actor="методистова")) == 3
    assert len(shown(actor="M@EXAMPLE")) == 3
    assert len(shown(action="plan_approved")) == 2
    assert len(shown(object_type="improvement_plan", object_id="2")) == 2
    assert [r for r in shown(object_type="instrument") if "«digital»" in r]
    # Dates are the portal's local days (Vladivostok, UTC+10): 02:00 UTC on 1 March is
    # noon on 1 March there, 14:00 UTC on 28 February would be 1 March too.
    assert len(shown(date_from="2026-03-01", date_to="2026-03-01")) == 1
    assert len(shown(date_from="2026-03-02", date_to="2026-03-31")) == 2
    assert len(shown(date_from="2026-04-01", actor="Методистова")) == 1
    assert len(shown(action="plan_approved", actor="Админова")) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"date_from": "2026-13-45"}, "Введите существующую дату"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "Конец периода раньше его начала"),
        ({"per_page": "100000"}, None),
        ({"action": "<script>"}, None),
    ],
)
def test_a_bad_filter_is_refused_in_russian(client, args, message):
    admin_client(client)
    response = client.get("/admin/audit", query_string=args)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    if message:
        assert message in page
    assert "<script>" not in page.split("<main", 1)[-1].replace("&lt;script&gt;", "")


def test_the_log_is_paged_with_the_filter_kept_in_the_links(client):
    admin = admin_client(client)
    for number in range(60):
        add_event("plan_updated", admin, "improvement_plan", number)
    first = client.get("/admin/audit?action=plan_updated&per_page=25").get_data(as_text=True)
    assert len(rows_of(first)) == 25
    assert "Найдено записей: 60. Страница 1 из 3." in first
    links = set(re.findall(r'href="(/admin/audit\?[^"]*page=3[^"]*)"', first))
    assert links, "no link to page 3"
    third = client.get(next(iter(links)).replace("&amp;", "&")).get_data(as_text=True)
    assert len(rows_of(third)) == 10 and "Страница 3 из 3" in third
    # The newest come first: page 1 starts with plan No. 59.
    assert "Изменена план-программа № 59" in rows_of(first)[0]
    # The default page is bounded too.
    assert len(rows_of(client.get("/admin/audit?action=plan_updated").get_data(as_text=True))) == 50
    beyond = client.get("/admin/audit?action=plan_updated&page=99").get_data(as_text=True)
    assert "Такой страницы нет" in beyond and "Найдено записей: 60" in beyond


def test_a_user_s_history_shows_what_they_did_and_what_was_done_to_them(client):
    admin = admin_client(client)
    teacher = make_user(full_name="Учителева Мария Петровна")
    stranger = make_user(email="x@example.org", full_name="Посторонний Пётр")
    add_event("password_changed", teacher, "user", teacher.id)
    add_event("user_updated", admin, "user", teacher.id, role=["teacher", "director"])
    add_event("certificate_downloaded", teacher, "certificate", "2026-000001")
    add_event("password_changed", stranger, "user", stranger.id)
    for number in range(30):
        add_event("plan_updated", teacher, "improvement_plan", number)

    url = f"/admin/users/{teacher.id}/history"
    page = client.get(url + "?per_page=25").get_data(as_text=True)
    assert "Найдено записей: 33" in page
    everything = " ".join(
        rows_of(page) + rows_of(client.get(url + "?per_page=25&page=2").get_data(as_text=True))
    )
    assert "Изменён пароль: Учителева Мария Петровна" in everything
    assert "роль: Педагог → Директор школы" in everything
    assert "Скачан сертификат № 2026-000001" in everything
    assert "Посторонний" not in everything
    only = rows_of(client.get(url + "?action=user_updated").get_data(as_text=True))
    assert len(only) == 1
    # The account page shows the last entries and links to the whole history.
    account = client.get(f"/admin/users/{teacher.id}").get_data(as_text=True)
    assert url in account and "Вся история" in account
    assert client.get("/admin/users/99999/history").status_code == 404


def test_only_administrators_read_the_log_and_histories(client):
    teacher = make_user()
    login(client)
    for url in ("/admin/audit", f"/admin/users/{teacher.id}/history", "/admin/audit/export.csv"):
        assert client.get(url).status_code == 403


def test_the_filtered_log_is_exported_as_csv_and_xlsx_and_the_export_is_logged(client):
    admin = admin_client(client)
    rogue = make_user(email="r@example.org", full_name='=HYPERLINK("http://evil")')
    add_event("certificate_revoked", rogue, "certificate", "2026-000003", reason="-1+1")
    add_event("certificate_revoked", admin, "certificate", "2026-000004", reason="Ошибка в ФИО")
    add_event("plan_approved", admin, "improvement_plan", 3)

    response = client.get("/admin/audit/export.csv?action=certificate_revoked")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Когда", "Кто", "Действие", "Что произошло"]
    assert len(rows) == 3
    told = [row[3] for row in rows[1:]]
    assert "Отозван сертификат № 2026-000004; причина: Ошибка в ФИО" in told
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert '\'=HYPERLINK("http://evil")' in [row[1] for row in rows]

    response = client.get("/admin/audit/export.xlsx?action=certificate_revoked")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value)
    [rogue_cell] = [row[1] for row in sheet.iter_rows() if row[1].value == rogue.full_name]
    assert rogue_cell.quotePrefix

    exports = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "audit_exported")
    ).all()
    assert [(e.details["format"], e.details["rows"], e.actor_id) for e in exports] == [
        ("csv", 2, admin.id),
        ("xlsx", 2, admin.id),
    ]
    assert exports[0].details["filter"] == {"action": "certificate_revoked"}
    assert client.get("/admin/audit/export.csv?date_from=oops").status_code == 400
