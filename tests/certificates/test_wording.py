"""The certificate names its holder right: gender, file name, a readable link (defect 10)."""

import re
from urllib.parse import quote

import pytest
from sqlalchemy import select

from competence.certificates.models import Certificate
from competence.certificates.naming import FEMININE, MASCULINE, grammatical_gender
from competence.certificates.verification import format_check_code
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from tests.certificates.helpers import completed_track, finished_attempt, prepare
from tests.certificates.test_certificates import pdf_text
from tests.diagnostics.helpers import worst_answer
from tests.factories import login, make_user, post_form


@pytest.mark.parametrize(
    ("name", "gender"),
    [
        ("Петров Иван Сергеевич", MASCULINE),
        ("Кузьмин Пётр Ильич", MASCULINE),
        ("Лебедева Ольга Сергеевна", FEMININE),
        ("Фомина Анна Ильинична", FEMININE),
        ("Мамедов Эльчин Рза оглы", MASCULINE),
        ("Алиева Айгюн Рза кызы", FEMININE),
        ("Бабич Анна", None),  # a surname in -ич says nothing, and there is no patronymic
        ("Ким Сон Ми", None),
    ],
)
def test_the_patronymic_gives_the_gender(name, gender):
    assert grammatical_gender(name) == gender


@pytest.mark.parametrize(
    ("name", "verb"),
    [
        ("Петров Иван Сергеевич", "прошёл диагностику"),
        ("Лебедева Ольга Сергеевна", "прошла диагностику"),
        ("Ким Сон Ми", "прошёл(а) диагностику"),
    ],
)
def test_a_diagnostic_certificate_uses_the_holder_s_gender(client, name, verb):
    prepare()
    attempt = finished_attempt(make_user(full_name=name), worst_answer)
    login(client)
    page = f"/diagnostics/attempts/{attempt.id}/result"
    assert (
        post_form(client, f"/certificates/diagnostic/{attempt.id}", {}, page=page).status_code
        == 302
    )
    certificate = db.session.scalars(select(Certificate)).one()
    _, text = pdf_text(certificate.pdf)
    assert verb in " ".join(text.split())


def test_a_track_certificate_uses_the_holder_s_gender(app):
    prepare()
    completed_track(make_user(full_name="Петров Иван Сергеевич"))
    _, text = pdf_text(db.session.scalars(select(Certificate)).one().pdf)
    flat = " ".join(text.split())
    assert "прошёл индивидуальный образовательный маршрут" in flat
    assert "и прошёл повторную диагностику" in flat and "(а)" not in flat


def test_the_pdf_downloads_under_the_holder_s_name_and_number(client):
    prepare()
    completed_track(make_user(full_name="Лебедева Ольга Сергеевна"))
    certificate = db.session.scalars(select(Certificate)).one()
    login(client)
    response = client.get(f"/certificates/{certificate.number}.pdf")
    name = f"Лебедева_О.С._{certificate.number}.pdf"
    disposition = response.headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    number = certificate.number.replace("ХКИРО", "KhKIRO")
    assert f'filename="Lebedeva_O.S._{number}.pdf"' in disposition
    assert disposition.encode("latin-1")  # the header itself stays ASCII
    letter = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "certificate_issued")
    )
    assert letter.attachments[0].filename == name


def test_the_verify_link_in_the_letter_is_readable_and_works(client):
    prepare()
    completed_track(make_user())
    certificate = db.session.scalars(select(Certificate)).one()
    letter = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "certificate_issued")
    )
    query = f"?code={format_check_code(certificate.check_code)}"
    readable = f"http://localhost/verify/{certificate.number}{query}"
    assert readable in letter.body_text and "%D0" not in letter.body_text
    assert f">{readable}</a>" in letter.body_html
    hrefs = re.findall(r'href="([^"]+/verify/[^"]+)"', letter.body_html)
    assert hrefs and all(
        href == f"http://localhost/verify/{quote(certificate.number)}{query}" for href in hrefs
    )
    # A person who copies the readable address reaches the certificate.
    page = client.get(f"/verify/{certificate.number}{query}")
    assert page.status_code == 200 and "Сертификат действителен" in page.get_data(as_text=True)
