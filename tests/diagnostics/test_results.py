"""Scores, deficit profiles, retake rules and growth, through the web client."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from competence.database import utcnow
from competence.diagnostics import services
from competence.diagnostics.models import Attempt
from competence.extensions import db
from competence.outbox.services import deliver_due
from tests.diagnostics.helpers import (
    best_answer,
    instrument,
    load_instruments,
    take,
    worst_answer,
)
from tests.factories import login, make_user, post_form
from tests.smtp import link_in, text_body

KEYS = ["methodical-teacher", "mathematics-teacher", "russian-teacher", "soft-skills"]


@pytest.fixture
def teacher(client):
    load_instruments()
    make_user(subjects=("mathematics", "russian"))
    login(client)
    return client


def scores(attempt) -> dict[str, float]:
    return {row.competence: row.score for row in attempt.competence_scores}


@pytest.mark.parametrize("key", KEYS)
def test_perfect_answers_score_100_everywhere(teacher, key):
    attempt = take(teacher, key, best_answer)
    assert attempt.is_submitted
    assert set(scores(attempt).values()) == {100.0}
    assert all(not row.deficit and row.level == "high" for row in attempt.competence_scores)
    assert attempt.total_score == 100.0
    assert set(attempt.item_scores.values()) == {1.0}
    page = teacher.get(f"/diagnostics/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Дефицитов нет" in page and "<svg" in page


def test_wrong_answers_give_deficits_ordered_by_depth(teacher):
    attempt = take(teacher, "soft-skills", worst_answer)
    assert set(scores(attempt).values()) == {0.0}
    assert all(row.deficit and row.depth == row.threshold for row in attempt.competence_scores)
    page = teacher.get(f"/diagnostics/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Дефициты, от самых глубоких" in page
    assert "не хватает 65 п." in page


def test_a_hand_computed_profile(teacher):
    """Soft skills: perfect answers on the items of one competence only."""
    ready = instrument("soft-skills")
    communication = {
        i.id for i in ready.instrument.items if dict(i.competences).get("communication") == 1
    }
    attempt = take(teacher, "soft-skills", best_answer, only=communication)
    # Communication is linked with weight 1 to its own items and with weight 0.5 to items of
    # other competences (unanswered, 0): its score is the weighted share of full credit.
    linked = [
        dict(i.competences)["communication"]
        for i in ready.instrument.items
        if "communication" in dict(i.competences)
    ]
    own = sum(1.0 for i in ready.instrument.items if i.id in communication)
    expected = 100 * own / sum(linked)
    assert scores(attempt)["communication"] == pytest.approx(expected)
    row = next(r for r in attempt.competence_scores if r.competence == "communication")
    assert row.deficit == (expected < row.threshold)
    assert row.depth == pytest.approx(max(0.0, row.threshold - expected))
    profile_page = teacher.get(f"/diagnostics/attempts/{attempt.id}/result").get_data(as_text=True)
    assert f"{round(expected)}%" in profile_page


def test_results_are_stored_and_point_at_the_version(teacher):
    attempt = take(teacher, "soft-skills", best_answer)
    version = attempt.version
    assert attempt.version_id == version.id and version.number == 1
    stored = {row.competence for row in attempt.competence_scores}
    assert stored == set(instrument("soft-skills").instrument.competences)


def test_retake_waits_for_the_cool_down_then_shows_growth(teacher):
    first = take(teacher, "soft-skills", worst_answer)
    refused = post_form(teacher, "/diagnostics/soft-skills/start", {}, page="/diagnostics/")
    assert refused.status_code == 303
    assert "Пройти повторно можно с" in teacher.get("/diagnostics/").get_data(as_text=True)
    assert db.session.scalar(select(Attempt.id).where(Attempt.id != first.id)) is None

    # 90 days later the teacher may retake it.
    first.submitted_at -= timedelta(days=91)
    first.started_at -= timedelta(days=91)
    db.session.commit()
    second = take(teacher, "soft-skills", best_answer)
    page = teacher.get(f"/diagnostics/attempts/{second.id}/result").get_data(as_text=True)
    assert "Изменение по сравнению с прошлыми попытками" in page
    assert "Закрыто 6 дефицитов" in page
    # From none right to all right is beyond the error of any competence.
    assert "+100" in page and "рост" in page and "в пределах погрешности" not in page

    second.submitted_at -= timedelta(days=91)
    second.started_at -= timedelta(days=91)
    db.session.commit()
    third = take(teacher, "soft-skills", worst_answer)
    page = teacher.get(f"/diagnostics/attempts/{third.id}/result").get_data(as_text=True)
    assert "−100" in page or "-100" in page
    assert "снижение" in page
    history = teacher.get("/diagnostics/").get_data(as_text=True)
    for attempt in (first, second, third):
        assert f"/diagnostics/attempts/{attempt.id}/result" in history


def test_attempts_per_year_are_limited(teacher):
    for _ in range(3):
        attempt = take(teacher, "soft-skills", best_answer)
        # Move past the cool-down, but stay within the year.
        attempt.submitted_at -= timedelta(days=91)
        db.session.commit()
    response = post_form(teacher, "/diagnostics/soft-skills/start", {}, page="/diagnostics/")
    assert response.status_code == 303
    assert "Все попытки за последние 12 месяцев (3) использованы" in teacher.get(
        "/diagnostics/"
    ).get_data(as_text=True)


def test_retake_status_rules():
    class Rules:
        class retake:
            cooldown_days = 30
            attempts_per_year = 2

    now = utcnow()

    class Past:
        def __init__(self, days_ago, submitted=True):
            self.started_at = now - timedelta(days=days_ago)
            self.submitted_at = self.started_at + timedelta(minutes=40)
            self.is_submitted = submitted

    from flask import Flask
    from flask_babel import Babel

    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        assert services.retake_status(None, Rules, []).allowed
        assert not services.retake_status(None, Rules, [Past(10)]).allowed
        assert services.retake_status(None, Rules, [Past(31)]).allowed
        assert not services.retake_status(None, Rules, [Past(200), Past(40)]).allowed
        assert services.retake_status(None, Rules, [Past(400), Past(40)]).allowed


def test_the_result_letter_links_to_the_profile(mail_client, smtp):
    load_instruments()
    make_user()
    login(mail_client)
    attempt = take(mail_client, "soft-skills", worst_answer)
    deliver_due()
    [letter] = smtp.wait_for(1)
    assert letter["Subject"] == "Результаты диагностики готовы"
    assert "выявлено 6 профессиональных дефицитов" in text_body(letter)
    assert link_in(letter) == f"/diagnostics/attempts/{attempt.id}/result"
    assert mail_client.get(link_in(letter)).status_code == 200


def test_deficits_are_listed_deepest_first_and_strengths_strongest_first():
    from competence.diagnostics.profiles import CompetenceRow, Profile

    def row(name, score, threshold=65):
        deficit = score < threshold
        return CompetenceRow(
            name,
            name,
            "area",
            score,
            "x",
            "x",
            "",
            threshold,
            deficit,
            threshold - score if deficit else 0.0,
            max(start for start in (0, 50, 70, 85) if start <= score),  # levels-4
        )

    rows = (row("a", 60), row("b", 20), row("c", 90), row("d", 70), row("e", 40), row("f", 68))
    profile = Profile(None, "t", rows, 0)
    assert [r.id for r in profile.deficits] == ["b", "e", "a"]
    # 68 is not a deficit, but its level ("basic", from 50) also holds the deficit at 60.
    assert [r.id for r in profile.strengths] == ["c", "d"]


def set_score(attempt, competence, score):
    """Overwrite one stored competence score (and its deficit and depth)."""
    row = next(r for r in attempt.competence_scores if r.competence == competence)
    row.score, row.deficit = score, score < row.threshold
    row.depth = max(0.0, row.threshold - score)
    db.session.commit()


def test_a_deficit_never_reads_as_reaching_its_threshold(teacher):
    attempt = take(teacher, "soft-skills", best_answer)
    set_score(attempt, "communication", 64.6)
    set_score(attempt, "teamwork", 45.6)
    page = teacher.get(f"/diagnostics/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "64% при пороге 65%: не хватает 1 п." in page
    assert "46% при пороге 65%: не хватает 19 п." in page
    assert "65% при пороге 65%" not in page and "не хватает 20 п." not in page
    assert ">64%</text>" in page and ">65%</text>" not in page  # the chart agrees
    assert "−1</span>" in page and "−19</span>" in page


def test_growth_is_stated_since_the_first_attempt_too(teacher):
    attempts = []
    for _ in range(3):
        attempt = take(teacher, "soft-skills", best_answer)
        for earlier in [*attempts, attempt]:
            earlier.submitted_at -= timedelta(days=91)
            earlier.started_at -= timedelta(days=91)
        db.session.commit()
        attempts.append(attempt)
    for attempt, score in zip(attempts, (33.4, 50.0, 83.6), strict=True):
        set_score(attempt, "communication", score)
    first, second, third = attempts
    page = teacher.get(f"/diagnostics/attempts/{third.id}/result").get_data(as_text=True)
    assert "± к предыдущей" in page and "± к первой" in page
    title = instrument("soft-skills").competences["communication"].title
    row = re.search(rf"<tr>\s*<td>{re.escape(title)}</td>(.*?)</tr>", page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", row, re.S)]
    # Communication has 14 items in the bank, all sat here: SEM 100 * sqrt(0.25 / 13) = 13.9
    # points, so a change counts from 1.96 * sqrt(2) * 13.9 = 38.4, i.e. from 39 whole points.
    assert cells == [
        "33",
        "50",
        "84",
        "+34в пределах погрешности (значимо от 39 п.)",
        "+51рост (значимо от 39 п.)",
    ]
    assert ">+34</text>" in page  # the chart's figure is the same difference
    # With two attempts the first one is the previous one: no repeated columns.
    page = teacher.get(f"/diagnostics/attempts/{second.id}/result").get_data(as_text=True)
    assert "± к предыдущей" in page and "± к первой" not in page
