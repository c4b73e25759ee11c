"""Certificates: the PDF, numbering, automatic and manual issue, revocation, verification."""

import io
import re
from urllib.parse import quote, unquote

from pypdf import PdfReader
from sqlalchemy import func, select

from competence.accounts.models import Role
from competence.audit import AuditEvent
from competence.certificates import services
from competence.certificates.models import Certificate
from competence.certificates.verification import format_check_code
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.outbox.services import deliver_due
from tests.certificates.helpers import completed_track, finished_attempt, prepare
from tests.diagnostics.helpers import worst_answer
from tests.factories import csrf_token, login, make_user, post_form

NUMBER = re.compile(r"ХКИРО-\d{4}-\d{6}")


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def client_page_number(url: str) -> str:
    """Return the certificate number the verification address names."""
    return unquote(url.rsplit("/", 1)[1].split("?")[0])


def only_certificate() -> Certificate:
    return db.session.scalars(select(Certificate)).one()


def test_a_completed_track_earns_a_certificate_automatically(app):
    prepare()
    user = make_user(full_name="Лебедева Ольга Сергеевна")
    track = completed_track(user)
    certificate = only_certificate()
    assert certificate.kind == "track" and certificate.track_id == track.id
    assert NUMBER.fullmatch(certificate.number)
    reader, text = pdf_text(certificate.pdf)
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    flat = " ".join(text.split())
    assert "Лебедева Ольга Сергеевна" in flat
    assert certificate.number in flat
    assert "СЕРТИФИКАТ" in flat.upper()
    # Growth per competence: 0 % before, 100 % after, +100.
    assert "Коммуникация" in flat and re.search(r"0\s*% / 100\s*%, \+100", flat)
    # Every glyph comes from the shipped fonts: a character they lack would be drawn from
    # whatever the machine has, and the certificate would not look the same everywhere.
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {fonts[key].get_object()["/BaseFont"].split("+")[-1] for key in fonts}
    assert names and all(name.startswith(("PT-Sans", "PT-Serif")) for name in names), names
    # The QR code and the link under it lead to the verification page of this number.
    links = [a.get_object()["/A"]["/URI"] for a in reader.pages[0]["/Annots"]]
    assert set(links) == {f"http://localhost{check_path(certificate, quoted=True)}"}
    # Printed readably (the line may break after the slash), with the check code.
    assert f"http://localhost{check_path(certificate)}" in flat.replace(" ", "")
    assert f"Код проверки: {format_check_code(certificate.check_code)}" in flat
    letter = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "certificate_issued")
    )
    assert letter.attachments[0].data == certificate.pdf


def test_the_qr_code_in_the_pdf_scans_to_the_verification_page(client):
    import zxingcpp
    from PIL import Image, ImageOps

    prepare()
    completed_track(make_user(full_name="Лебедева Ольга Сергеевна"))
    certificate = only_certificate()
    reader, _text = pdf_text(certificate.pdf)
    [image] = reader.pages[0].images
    # Decode the code as a phone would see it: enlarged, on a white margin (its quiet zone).
    code = image.image.convert("L")
    code = code.resize((code.width * 8, code.height * 8), Image.NEAREST)
    [found] = zxingcpp.read_barcodes(ImageOps.expand(code, border=32, fill=255))
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    assert found.text == f"http://localhost{check_path(certificate, quoted=True)}"
    assert client_page_number(found.text) == certificate.number
    page = client.get(found.text.removeprefix("http://localhost"))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Сертификат действителен" in text and "Лебедева Ольга Сергеевна" in text


def test_the_stored_pdf_never_changes_and_downloads_give_the_same_bytes(client):
    prepare()
    user = make_user()
    completed_track(user)
    certificate = only_certificate()
    login(client)
    first = client.get(f"/certificates/{certificate.number}.pdf")
    second = client.get(f"/certificates/{certificate.number}.pdf")
    assert first.status_code == 200 and first.data == second.data == certificate.pdf
    assert first.headers["ETag"] == f'"{certificate.pdf_sha256}"'
    import hashlib

    assert hashlib.sha256(first.data).hexdigest() == certificate.pdf_sha256
    assert certificate.number in client.get("/cabinet/").get_data(as_text=True)


def test_others_cannot_download_a_certificate(app):
    prepare()
    completed_track(make_user())
    certificate = only_certificate()
    make_user(email="other@example.org")
    other = app.test_client()
    login(other, "other@example.org")
    assert other.get(f"/certificates/{certificate.number}.pdf").status_code == 404


def test_a_diagnostic_certificate_is_issued_once_on_request(client, smtp, app_factory):
    app = app_factory(MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port)
    client = app.test_client()
    prepare()
    user = make_user()
    attempt = finished_attempt(user, worst_answer)
    login(client)
    url = f"/certificates/diagnostic/{attempt.id}"
    page = f"/diagnostics/attempts/{attempt.id}/result"
    assert "Получить сертификат о прохождении этой диагностики" in client.get(page).get_data(
        as_text=True
    )
    assert client.post(url, data={"csrf_token": csrf_token(client, page)}).status_code == 302
    assert client.post(url, data={"csrf_token": csrf_token(client, page)}).status_code == 302
    certificate = only_certificate()
    assert certificate.kind == "diagnostic" and certificate.hours == 0  # no hours to certify
    _, text = pdf_text(certificate.pdf)
    assert "низкий" in " ".join(text.split()).lower()
    deliver_due()
    [letter] = [m for m in smtp.wait_for(2) if "Сертификат" in m["Subject"]]
    [attachment] = list(letter.iter_attachments())
    assert attachment.get_content() == certificate.pdf


def check_path(certificate, quoted=False) -> str:
    """Return the public check address of a certificate, with its check code."""
    number = quote(certificate.number) if quoted else certificate.number
    return f"/verify/{number}?code={format_check_code(certificate.check_code)}"


def test_the_check_needs_the_code_and_tells_nothing_about_a_number_without_it(client):
    prepare()
    completed_track(make_user(full_name="Орлова Дарья", email="orlova@example.org"))
    certificate = only_certificate()
    assert len(certificate.check_code) == 8
    # The number alone shows the form asking for the code, and nothing of the holder.
    bare = client.get(f"/verify/{certificate.number}")
    page = bare.get_data(as_text=True)
    assert bare.status_code == 200 and "Введите код проверки" in page
    assert "Орлова" not in page and "действителен" not in page
    # A wrong code answers exactly as a number never issued does.
    wrong = client.get(f"/verify/{certificate.number}?code=ABCD-EFGH")
    unknown = client.get("/verify/ХКИРО-2026-999999?code=ABCD-EFGH")
    assert wrong.status_code == unknown.status_code == 404
    assert "Орлова" not in wrong.get_data(as_text=True)
    assert wrong.get_data(as_text=True).replace(certificate.number, "N") == unknown.get_data(
        as_text=True
    ).replace("ХКИРО-2026-999999", "N")
    # Typed as people type it: lower case, spaces, another dash.
    code = certificate.check_code
    typed = f"{code[:4].lower()} – {code[4:]}"
    assert "Орлова" in client.get(f"/verify/{certificate.number}?code={typed}").get_data(
        as_text=True
    )
    malformed = client.get(f"/verify/{certificate.number}?code=12")
    assert malformed.status_code == 400 and "Это не код проверки" in malformed.get_data(
        as_text=True
    )
    # The holder sees the code and the link to share in the cabinet.
    login(client, "orlova@example.org")
    mine = client.get("/certificates/").get_data(as_text=True)
    assert format_check_code(code) in mine


def test_verification_page_valid_revoked_unknown_and_malformed(client):
    prepare()
    completed_track(make_user(full_name="Орлова Дарья", email="orlova@example.org"))
    certificate = only_certificate()
    valid = client.get(check_path(certificate))
    page = valid.get_data(as_text=True)
    assert valid.status_code == 200 and "Сертификат действителен" in page
    assert "Орлова Дарья" in page and "orlova@example.org" not in page
    assert client.get("/verify/ХКИРО-2026-999999?code=ABCD-EFGH").status_code == 404
    malformed = client.get("/verify/12345")
    assert malformed.status_code == 400 and "Это не номер сертификата" in malformed.get_data(
        as_text=True
    )
    code = format_check_code(certificate.check_code)
    lower = client.get(f"/verify?number={certificate.number.lower()}&code={code.lower()}")
    assert lower.status_code == 302
    assert unquote(lower.headers["Location"]).endswith(check_path(certificate))

    make_user(email="admin@example.org", role=Role.ADMIN)
    admin = client.application.test_client()
    login(admin, "admin@example.org")
    url = f"/certificates/admin/{certificate.number}"
    assert post_form(admin, url, {"reason": "Ошибка в данных"}).status_code == 302
    again = post_form(admin, url, {"reason": "Ещё раз"})
    assert again.status_code == 409
    message = again.get_data(as_text=True)
    # The date is written out in Russian, and its «г.» closes the sentence.
    assert re.search(r"уже был отозван \d{1,2}\s[а-я]+\s\d{4}\sг\.(?!\.)", message)
    revoked = client.get(check_path(certificate)).get_data(as_text=True)
    assert "Сертификат отозван" in revoked and "Ошибка в данных" not in revoked
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "certificate_revoked")
        )
        == 1
    )


def test_numbers_follow_one_another_and_are_never_reused(app):
    prepare()
    first = finished_attempt(make_user(email="a@example.org"), worst_answer)
    second = finished_attempt(make_user(email="b@example.org"), worst_answer)
    one = services.issue_for_attempt(first)
    admin = make_user(email="admin@example.org", role=Role.ADMIN)
    services.revoke(one, admin, "Выдан по ошибке")
    two = services.issue_for_attempt(first)
    three = services.issue_for_attempt(second)
    assert [one.serial + 1, one.serial + 2] == [two.serial, three.serial]
    assert len({one.number, two.number, three.number}) == 3


def test_an_admin_issues_to_an_unfinished_track_only_with_a_logged_reason(client):
    prepare()
    teacher = make_user()
    attempt = finished_attempt(teacher, worst_answer)
    from competence.tracks import services as tracks

    track = tracks.build_track(attempt)
    make_user(email="admin@example.org", role=Role.ADMIN, full_name="Админ")
    login(client, "admin@example.org")
    page = f"/certificates/admin/holder?email={teacher.email}"
    url = f"/certificates/admin/issue/track/{track.id}"
    refused = client.post(url, data={"csrf_token": csrf_token(client, page), "reason": ""})
    assert refused.status_code == 422
    assert "только с указанием причины" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Certificate.id))) == 0
    # A reason too long is refused next to the track, and what was typed is still there.
    long_reason = "Обучение пройдено очно. " * 100
    too_long = client.post(
        url, data={"csrf_token": csrf_token(client, page), "reason": long_reason}
    )
    assert too_long.status_code == 422
    text = too_long.get_data(as_text=True)
    assert "Не более 2000 символов" in text and long_reason.strip() in text
    assert db.session.scalar(select(func.count(Certificate.id))) == 0
    issued = client.post(
        url, data={"csrf_token": csrf_token(client, page), "reason": "Курсы пройдены очно"}
    )
    assert issued.status_code == 302
    certificate = only_certificate()
    assert certificate.forced_reason == "Курсы пройдены очно"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_issued"))
    assert event.details["forced_reason"] == "Курсы пройдены очно"
    twice = client.post(url, data={"csrf_token": csrf_token(client, page), "reason": "x"})
    assert twice.status_code == 409
    assert f"уже выдан: {certificate.number}" in twice.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    # The PDF of a track not completed does not claim the retake it did not have.
    flat = " ".join(pdf_text(certificate.pdf)[1].split())
    assert (
        "проходила обучение" in flat
    )  # Тестова Анна Ивановна and "повторную диагностику" not in flat


def test_only_admins_reach_the_certificate_administration(client):
    make_user()
    login(client)
    assert client.get("/certificates/admin/").status_code == 403


def test_a_revoked_track_certificate_is_followed_by_a_new_one(client):
    prepare()
    track = completed_track(make_user(email="t@example.org"))
    first = only_certificate()
    make_user(email="admin@example.org", role=Role.ADMIN, full_name="Админ")
    login(client, "admin@example.org")
    assert post_form(client, f"/certificates/admin/{first.number}", {"reason": "Опечатка в ФИО"})
    issued = post_form(
        client,
        f"/certificates/admin/issue/track/{track.id}",
        {"reason": ""},
        page="/certificates/admin/holder?email=t@example.org",
    )
    assert issued.status_code == 302
    numbers = db.session.scalars(select(Certificate.number).order_by(Certificate.id)).all()
    assert len(numbers) == 2 and numbers[0] == first.number
    valid = services.active_certificate(track=track)
    assert valid.number == numbers[1] and valid.serial == first.serial + 1


def test_a_forced_certificate_is_replaced_when_the_track_is_completed(app):
    from datetime import timedelta

    from competence.tracks import services as tracks
    from competence.tracks.models import TrackModule
    from tests.certificates.helpers import finished_attempt as take
    from tests.diagnostics.helpers import best_answer

    prepare()
    teacher = make_user()
    admin = make_user(email="admin@example.org", role=Role.ADMIN)
    first = take(teacher, worst_answer)
    track = tracks.build_track(first)
    forced = services.issue_for_track(track, admin, "Курсы пройдены очно")
    for entry in list(track.modules):
        tracks.mark_done(db.session.get(TrackModule, entry.id), "Выполнено", "", None)
    first.submitted_at -= timedelta(days=400)
    first.started_at -= timedelta(days=400)
    db.session.commit()
    take(teacher, best_answer)
    db.session.refresh(forced)
    assert forced.is_revoked and "Заменён сертификатом" in forced.revoke_reason
    real = services.active_certificate(track=track)
    assert real is not None and real.forced_reason is None and real.id != forced.id
    flat = " ".join(pdf_text(real.pdf)[1].split())
    assert "повторную диагностику" in flat and re.search(r"0\s*% / 100\s*%, \+100", flat)


def test_the_number_takes_the_portal_s_local_year(app, monkeypatch):
    from datetime import UTC, datetime

    prepare()
    attempt = finished_attempt(make_user(), worst_answer)
    # 31 December, 15:00 UTC is already 1 January in Khabarovsk (UTC+10).
    monkeypatch.setattr(services, "utcnow", lambda: datetime(2026, 12, 31, 15, 0, tzinfo=UTC))
    certificate = services.issue_for_attempt(attempt)
    assert certificate.year == 2027 and certificate.number.startswith("ХКИРО-2027-")
    assert "1 января 2027" in " ".join(pdf_text(certificate.pdf)[1].split())


def test_the_verification_form_explains_an_empty_or_long_number(client):
    assert client.get("/verify").status_code == 200
    empty = client.get("/verify?number=")
    assert empty.status_code == 400 and "Введите номер сертификата" in empty.get_data(as_text=True)
    long = client.get("/verify?number=" + "Х" * 41)
    assert long.status_code == 400
    assert "Номер сертификата не бывает таким длинным" in long.get_data(as_text=True)


def test_public_checks_are_limited_per_address(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, VERIFY_RATE_LIMIT="3/minute")
    client = app.test_client()
    numbers = [f"/verify/ХКИРО-2026-{n:06d}?code=ABCD-EFGH" for n in range(1, 4)]
    assert [client.get(url).status_code for url in numbers] == [404, 404, 404]
    refused = client.get("/verify?number=ХКИРО-2026-000004&code=ABCD-EFGH")
    assert refused.status_code == 429 and "Слишком много" in refused.get_data(as_text=True)
    other = client.get(numbers[0], environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 404
