"""The personal PDF report of a result: its owner's only, named, not cached (issue 12, item 4)."""

import io
from urllib.parse import quote

from pypdf import PdfReader

from competence.diagnostics import services as diagnostics
from tests.certificates.helpers import finished_attempt, prepare
from tests.diagnostics.helpers import document, worst_answer
from tests.factories import login, make_user


def test_the_owner_downloads_a_report_with_profile_deficits_and_recommendations(client):
    prepare()
    user = make_user(full_name="Лебедева Ольга Сергеевна")
    attempt = finished_attempt(user, worst_answer)
    login(client)
    page = client.get(f"/diagnostics/attempts/{attempt.id}/result").get_data(as_text=True)
    url = f"/diagnostics/attempts/{attempt.id}/report.pdf"
    assert f'href="{url}"' in page and "Персональный отчёт (PDF)" in page
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    day = attempt.submitted_at.date().isoformat()
    name = quote(f"Отчёт_Лебедева_О.С._{day}.pdf")
    assert f"filename*=UTF-8''{name}" in response.headers["Content-Disposition"]
    assert f'filename="Otchet_Lebedeva_O.S._{day}.pdf"' in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Персональный отчёт" in text and "Лебедева Ольга Сергеевна" in text
    assert "Дефициты, от самых глубоких" in text
    assert "0% при пороге 65%: не хватает 65 п." in text
    assert "Рекомендации для вашего развития" in text and "Работает с:" in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {fonts[key].get_object()["/BaseFont"].split("+")[-1] for key in fonts}
    assert names and all(name.startswith(("PT-Sans", "PT-Serif")) for name in names), names


def test_nobody_else_gets_a_report_and_an_unfinished_attempt_has_none(app):
    prepare()
    owner = make_user()
    attempt = finished_attempt(owner, worst_answer)
    url = f"/diagnostics/attempts/{attempt.id}/report.pdf"
    assert app.test_client().get(url).status_code == 302  # to the sign-in page
    make_user(email="other@example.org")
    other = app.test_client()
    login(other, "other@example.org")
    assert other.get(url).status_code == 404
    director = app.test_client()
    make_user(email="director@example.org", role="director", position="director")
    login(director, "director@example.org")
    assert director.get(url).status_code == 404
    open_attempt = diagnostics.start(make_user(email="third@example.org"), document("soft-skills"))
    third = app.test_client()
    login(third, "third@example.org")
    assert third.get(f"/diagnostics/attempts/{open_attempt.id}/report.pdf").status_code == 404
