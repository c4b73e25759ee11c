"""Scores with their band and changes judged against the error, through the web client (issue 14).

The soft-skills bank, sat here as a fixed form (tests/diagnostics/helpers.py), measures
communication by 14 items, emotional intelligence and stress resilience by 12, the other
competences by 11. Without calibration their errors are Lord's binomial estimates:
100 * sqrt(0.25 / 13) = 13.9 points for communication (shown ± 14), 15.8 for teamwork (± 16);
a change of communication counts from 1.96 * sqrt(2) * 13.9 = 38.4, i.e. from 39 whole points.
"""

import io
import re
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from competence.analytics.reliability import CALIBRATED, ESTIMATED, binomial_sem
from competence.certificates import services as certificates
from competence.certificates.document import certificate_html
from competence.certificates.models import Certificate
from competence.database import utcnow
from competence.extensions import db
from competence.measurement.models import ScaleStatistics
from competence.measurement.precision import attempt_precision, items_per_competence, precision
from tests.certificates.helpers import completed_track, finished_attempt, prepare
from tests.diagnostics.helpers import best_answer, instrument
from tests.factories import login, make_user


def set_score(attempt, competence, score):
    """Overwrite one stored competence score with its deficit and depth."""
    row = next(r for r in attempt.competence_scores if r.competence == competence)
    row.score, row.deficit = score, score < row.threshold
    row.depth = max(0.0, row.threshold - score)
    db.session.commit()


def flat(html: str) -> str:
    """Return text without tags, with runs of white space as one space."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def pdf_flat(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def title(competence: str) -> str:
    return instrument("soft-skills").competences[competence].title


def growth_row(page: str, competence: str) -> str:
    """Return the text of a competence's row in the growth table of a result page."""
    row = re.search(rf"<tr>\s*<td>{re.escape(title(competence))}</td>(.*?)</tr>", page, re.S)
    return flat(row.group(1)).replace("−", "-")


def calibrate(attempt, competence="communication", sem=5.0, n_attempts=40):
    """Store the item analysis of a competence scale of the attempt's version."""
    db.session.add(
        ScaleStatistics(
            version_id=attempt.version_id,
            competence=competence,
            n_attempts=n_attempts,
            n_items=9,
            alpha=0.8,
            sd=sem / (1 - 0.8) ** 0.5,
            sem=sem,
        )
    )
    db.session.commit()


def two_attempts(client, before: float, after: float, competence="communication"):
    """Two submitted attempts of one teacher, a year apart, with the competence's scores set."""
    prepare()
    user = make_user()
    first = finished_attempt(user, best_answer)
    set_score(first, competence, before)
    first.submitted_at -= timedelta(days=400)
    first.started_at -= timedelta(days=400)
    db.session.commit()
    second = finished_attempt(user, best_answer)
    set_score(second, competence, after)
    login(client, user.email)
    return first, second


def result_page(client, attempt) -> str:
    response = client.get(f"/diagnostics/attempts/{attempt.id}/result")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_result_page_shows_each_score_with_its_band_and_says_where_it_came_from(client):
    _first, second = two_attempts(client, 50.0, 72.4)
    page = flat(result_page(client, second))
    assert f"{title('communication')} " in page
    assert "72% ± 14 (58–86)" in page  # 72 ± 14
    assert "100% ± 16 (84–100)" in page  # teamwork, 11 items: clipped at 100
    assert "100% ± 15 (85–100)" in page  # emotional intelligence, 12 items: 15.1
    assert "Число после «±» — погрешность измерения" in page
    assert "оценена по числу заданий на каждую компетенцию в этой диагностике (от 11 до 14)" in page


def test_a_change_inside_the_error_is_not_called_growth(client):
    first, second = two_attempts(client, 60.0, 75.0)
    page = result_page(client, second)
    assert growth_row(page, "communication") == (
        "60 75 +15 в пределах погрешности (значимо от 39 п.)"
    )
    assert "Изменение называется ростом или снижением, только если" in page


def test_a_big_change_is_growth(client):
    first, second = two_attempts(client, 20.0, 80.0)
    page = result_page(client, second)
    assert growth_row(page, "communication") == "20 80 +60 рост (значимо от 39 п.)"


def test_a_big_fall_is_decline(client):
    _first, second = two_attempts(client, 80.0, 20.0, "critical-thinking")
    page = result_page(client, second)
    # 11 items: 15.8 points each side, 1.96 * sqrt(2) * 15.8 = 43.8, so from 44.
    assert growth_row(page, "critical-thinking") == "80 20 -60 снижение (значимо от 44 п.)"


def test_a_calibrated_scale_uses_its_own_error(client):
    first, second = two_attempts(client, 70.0, 85.0)
    calibrate(second, sem=5.0, n_attempts=40)
    assert precision(second, "communication").source == CALIBRATED
    assert precision(second, "teamwork").source == ESTIMATED
    page = result_page(client, second)
    # 1.96 * sqrt(5² + 5²) = 13.9: +15 is beyond it, where the estimate (39) would not be.
    assert growth_row(page, "communication") == "70 85 +15 рост (значимо от 14 п.)"
    text = flat(page)
    assert "85% ± 5 (80–90)" in text
    assert "Где проанализировано не менее 30 прохождений этой версии" in text


def test_a_calibration_on_too_few_attempts_is_not_used(client):
    first, second = two_attempts(client, 70.0, 85.0)
    calibrate(second, sem=5.0, n_attempts=29)
    found = precision(second, "communication")
    assert found.source == ESTIMATED and found.sem == binomial_sem(14)
    page = result_page(client, second)
    assert growth_row(page, "communication") == (
        "70 85 +15 в пределах погрешности (значимо от 39 п.)"
    )


def test_the_items_counted_are_those_of_the_sitting(client):
    prepare()
    attempt = finished_attempt(make_user(), best_answer)
    ready = instrument("soft-skills").instrument
    assert items_per_competence(attempt)["communication"] == 14
    # A form drawn from a bank: the sitting held three of the communication items.
    communication = [i.id for i in ready.items if dict(i.competences).get("communication")]
    others = [i.id for i in ready.items if not dict(i.competences).get("communication")]
    attempt.layout = {**attempt.layout, "items": communication[:3] + others}
    db.session.commit()
    counts = items_per_competence(attempt)
    kept = set(communication[:3] + others)
    teamwork = [i for i in ready.items if i.id in kept and dict(i.competences).get("teamwork")]
    assert counts["communication"] == 3 and counts["teamwork"] == len(teamwork)
    assert attempt_precision(attempt)["communication"].sem == binomial_sem(3)  # 35.4


def test_the_certificate_prints_the_same_verdicts_and_keeps_them(client):
    prepare()
    user = make_user(full_name="Лебедева Ольга Сергеевна")
    track = completed_track(user)
    source, retake = track.source_attempt, track.retake_attempt
    calibrate(retake, sem=5.0)
    set_score(source, "communication", 70.0)
    set_score(retake, "communication", 85.0)
    set_score(source, "critical-thinking", 50.0)
    set_score(retake, "critical-thinking", 60.0)
    db.session.delete(db.session.scalars(select(Certificate)).one())
    db.session.commit()
    db.session.refresh(track)
    certificate = certificates.issue_for_track(track)
    login(client, user.email)

    printed = pdf_flat(client.get(f"/certificates/{certificate.number}.pdf").data)
    assert "до / после, изменение 70 % / 85 %, +15 " in printed
    assert f"{title('communication')} — рост (значимо от 14 п.)" in printed
    assert "50 % / 60 %, +10" in printed
    assert f"{title('critical-thinking')} — в пределах погрешности (значимо от 44 п.)" in printed
    assert f"{title('teamwork')} — рост (значимо от 44 п.)" in printed  # 0 -> 100
    assert "Изменение называется ростом или снижением" in printed
    page = result_page(client, retake)
    assert growth_row(page, "communication") == "70 85 +15 рост (значимо от 14 п.)"
    assert growth_row(page, "critical-thinking") == (
        "50 60 +10 в пределах погрешности (значимо от 44 п.)"
    )

    # A later recalibration does not rewrite what the certificate said when it was issued.
    db.session.execute(ScaleStatistics.__table__.delete())
    db.session.commit()
    again = pdf_flat(client.get(f"/certificates/{certificate.number}.pdf").data)
    assert f"{title('communication')} — рост (значимо от 14 п.)" in again


def test_a_certificate_issued_before_errors_were_stored_prints_no_verdict(app):
    details = {
        "growth": [{"title": "Коммуникация", "before": 70.0, "after": 85.0}],
        "modules": [],
        "retaken_on": "2026-01-01",
    }
    certificate = Certificate(
        number="ХКИРО-2026-000001",
        check_code="ABCD2345",
        kind="track",
        holder_name="Образец",
        title="Образец",
        hours=0,
        details=details,
    )
    certificate.issued_at = utcnow()
    with app.test_request_context():
        html = flat(certificate_html(certificate, "https://example.org/verify"))
    assert "70 % / 85 %, +15 Коммуникация" in html.replace("&nbsp;", " ")
    assert "значимо" not in html and "погрешност" not in html


def test_the_diagnostic_certificate_prints_each_score_with_its_error(client):
    first, second = two_attempts(client, 50.0, 72.4)
    calibrate(second, competence="teamwork", sem=6.4)
    certificate = certificates.issue_for_attempt(second)
    printed = pdf_flat(client.get(f"/certificates/{certificate.number}.pdf").data)
    page = flat(result_page(client, second))
    assert "72 % ± 14" in printed and "72% ± 14" in page  # communication, estimated
    assert "100 % ± 6," in printed and "100% ± 6 (94–100)" in page  # teamwork, calibrated
    assert "± — погрешность измерения результата" in printed
