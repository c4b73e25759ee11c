"""The improvement plan as PDF (A4, Russian, fonts embedded) and as an XLSX workbook."""

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from pypdf import PdfReader

from competence.accounts.models import Role
from competence.extensions import db
from competence.schools import plan_review as review
from competence.schools import plan_services as services
from competence.schools.plan_export import plan_html, plan_pdf, plan_xlsx
from tests.factories import login, make_user
from tests.schools.helpers import load_region

A4 = (595, 842)  # points, rounded


@pytest.fixture
def plan(app):
    schools = load_region()
    director = make_user(
        "head@example.org",
        Role.DIRECTOR,
        position="director",
        school=schools["a1"],
        full_name="Соколов Андрей Викторович",
    )
    reviewer = make_user(
        "m@example.org",
        Role.METHODIST,
        position="other",
        school=schools["b1"],
        full_name="Ким Елена Сергеевна",
    )
    plan = services.create_plan(
        schools["a1"],
        title="План-программа повышения качества образования на 2025–2026 гг.",
        starts_on=date(2025, 9, 1),
        ends_on=date(2026, 8, 31),
        actor=director,
    )
    results = services.save_goal(
        plan,
        None,
        title="Повысить долю «5» на ОГЭ по русскому языку",
        indicator_code="oge_rus_grade5",
        competences=[],
        baseline=10,
        target=30,
        actor=director,
    )
    grade2 = services.save_goal(
        plan,
        None,
        title="Снизить долю «2» на ОГЭ по математике",
        indicator_code="oge_math_grade2",
        competences=[
            {
                "framework": "subject-mathematics",
                "competence": "m-assessment",
                "title": "Оценивание образовательных результатов",
            }
        ],
        baseline=12,
        target=4,
        actor=director,
    )
    services.save_measure(
        plan,
        None,
        title="Стажировка в МБОУ СОШ A3",
        goal=results,
        responsible="Петрова И. А., заместитель директора",
        due_on=date(2025, 11, 20),
        actor=director,
    )
    services.record_monitoring(
        plan,
        "entry",
        held_on=date(2025, 9, 20),
        note="",
        values={results.id: 10, grade2.id: 12},
        actor=director,
    )
    services.record_monitoring(
        plan,
        "interim",
        held_on=date(2026, 1, 25),
        note="",
        values={results.id: 15, grade2.id: 6},
        actor=director,
    )
    review.add_comment(plan, "Добавьте работу с родителями.", reviewer)
    review.submit(plan, director)
    review.approve(plan, reviewer, "Согласовано")
    return plan


def test_pdf_is_a4_russian_and_readable(plan):
    reader = PdfReader(io.BytesIO(plan_pdf(plan)))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for expected in (
        "План-программа повышения качества образования на 2025–",
        "МБОУ СОШ A1",
        "Амурский район",
        "Утверждён",
        "Повысить долю «5» на ОГЭ по русскому языку",
        "Входной 20.09.2025",  # a monitoring point with its date
        "Стажировка в МБОУ СОШ A3",
        "Петрова И. А., заместитель директора",
        "Добавьте работу с родителями.",
        "25 %",  # (15 - 10) / (30 - 10)
        "75 %",  # (6 - 12) / (4 - 12)
    ):
        assert expected in text, expected
    fonts = {
        str(font["/BaseFont"]) for p in reader.pages for font in p["/Resources"]["/Font"].values()
    }
    assert any("PT-Sans" in name for name in fonts), fonts


def test_pdf_marks_progress_in_words_not_only_in_colour(plan):
    results, grade2 = plan.goals
    services.record_monitoring(
        plan,
        "final",
        held_on=date(2026, 5, 20),
        note="",
        values={results.id: 8, grade2.id: 3},  # 8 is below the baseline 10; 3 beyond the target 4
        actor=plan.approved_by,
    )
    reader = PdfReader(io.BytesIO(plan_pdf(plan)))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "0 % хуже исходного" in text
    assert "100 % достигнута" in text
    # the status and the approval read as one phrase, not «Утверждён утверждён»
    assert "Утверждён утверждён" not in text and "Утверждён утверждён" not in plan_html(plan)
    assert "Утверждён " in text


def test_xlsx_has_goals_measures_and_discussion(plan):
    workbook = openpyxl.load_workbook(io.BytesIO(plan_xlsx(plan)))
    assert workbook.sheetnames == ["Цели и мониторинг", "Мероприятия", "Обсуждение"]
    goals = workbook["Цели и мониторинг"]
    rows = [row for row in goals.iter_rows(values_only=True) if any(v is not None for v in row)]
    assert rows[0][0] == "План-программа повышения качества образования на 2025–2026 гг."
    assert rows[3][:2] == ("Состояние", "Утверждён")
    header = rows.index(next(r for r in rows if r[0] == "№"))
    assert rows[header][4:] == (
        "Исходное значение",
        "Целевое значение",
        "Входной мониторинг",
        "Промежуточный мониторинг",
        "Итоговый мониторинг",
        "Прогресс к цели",
    )
    first, second = rows[header + 1], rows[header + 2]
    assert first[:2] == (1, "Повысить долю «5» на ОГЭ по русскому языку")
    assert first[4:] == (10, 30, 10, 15, None, 0.25)
    assert second[3] == "Оценивание образовательных результатов"
    assert second[4:] == (12, 4, 12, 6, None, 0.75)
    measures = list(workbook["Мероприятия"].iter_rows(values_only=True))
    measure = next(r for r in measures if r[0] == 1)
    assert measure[1:4] == (
        "Стажировка в МБОУ СОШ A3",
        "1. Повысить долю «5» на ОГЭ по русскому языку",
        "Петрова И. А., заместитель директора",
    )
    assert measure[4].date() == date(2025, 11, 20) and measure[5] == "Запланировано"
    discussion = [r for r in workbook["Обсуждение"].iter_rows(values_only=True) if r[0]]
    assert discussion[-3][1:] == (
        "Ким Елена Сергеевна",
        "Комментарий",
        "Добавьте работу с родителями.",
    )
    assert discussion[-2][1:] == ("Соколов Андрей Викторович", "Отправлен на утверждение", None)
    assert discussion[-1][2:] == ("Утверждён", "Согласовано")


def test_xlsx_comment_dates_are_in_the_portal_time_zone(plan):
    # 20:30 UTC on 1 December is already 2 December in Vladivostok (UTC+10), the portal's zone
    for comment in plan.comments:
        comment.created_at = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)
    db.session.commit()
    assert app_timezone() == "Asia/Vladivostok"
    workbook = openpyxl.load_workbook(io.BytesIO(plan_xlsx(plan)))
    rows = list(workbook["Обсуждение"].iter_rows(values_only=True))
    dates = [row[0] for row in rows[rows.index(next(r for r in rows if r[0] == "Дата")) + 1 :]]
    assert [d.date() for d in dates] == [date(2026, 12, 2)] * 3
    assert "2 дек. 2026" in plan_html(plan) or "02.12.2026" in plan_html(plan)


def app_timezone():
    """Return the portal's time zone setting."""
    from flask import current_app

    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def test_downloads_through_the_pages(app, plan):
    make_user(
        "coord@example.org",
        Role.COORDINATOR,
        position="other",
        municipality=plan.school.municipality,
    )
    client = app.test_client()
    login(client, "coord@example.org")
    pdf = client.get(f"/schools/plans/{plan.id}/plan.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert "plan-a1-2025.pdf" in pdf.headers["Content-Disposition"]
    xlsx = client.get(f"/schools/plans/{plan.id}/plan.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.headers["Content-Disposition"].endswith("plan-a1-2025.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(xlsx.data)).sheetnames[0] == "Цели и мониторинг"
    db.session.rollback()
