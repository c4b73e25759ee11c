"""The certificate as a document: HTML with a QR code of its verification address, then PDF."""

import base64
import io
from datetime import date

import segno
from flask import render_template
from flask_babel import force_locale, format_date, gettext, pgettext

from competence.certificates.naming import FEMININE, MASCULINE, grammatical_gender
from competence.certificates.pdf import render_pdf

STYLESHEETS = ("pdf/fonts.css", "pdf/certificate.css")


# A fixed mask pattern: segno's search for the best of the eight costs several times more than
# the rest of the encoding, and every mask gives a code that scanners read (a test decodes one).
QR_MASK = 2


def qr_png(url: str) -> str:
    """Return a QR code of a verification address as a data URI of a PNG, a pixel a module.

    WeasyPrint draws a small image much faster than the hundreds of SVG path segments of the
    same code; the certificate scales it up with sharp edges (image-rendering: pixelated).
    """
    buffer = io.BytesIO()
    segno.make(url, error="m", mask=QR_MASK).save(
        buffer, kind="png", scale=1, border=0, dark="#143a5a"
    )
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def holder_words(full_name: str) -> dict[str, str]:
    """Return the certificate's verbs in the holder's gender; «прошёл(а)» if the name is silent."""
    gender = grammatical_gender(full_name)
    # Literal message ids in every call: the extractor reads them from there.
    if gender == MASCULINE:
        return {
            "track_done": pgettext(
                "masculine",
                "has completed an individual development track "
                "built from the results of the diagnostic",
            ),
            "track_studied": pgettext(
                "masculine",
                "has studied on an individual development track "
                "built from the results of the diagnostic",
            ),
            "retaken": pgettext("masculine", "and has retaken the diagnostic."),
            "diagnosed": pgettext(
                "masculine", "has completed the diagnostic of professional competences"
            ),
        }
    if gender == FEMININE:
        return {
            "track_done": pgettext(
                "feminine",
                "has completed an individual development track "
                "built from the results of the diagnostic",
            ),
            "track_studied": pgettext(
                "feminine",
                "has studied on an individual development track "
                "built from the results of the diagnostic",
            ),
            "retaken": pgettext("feminine", "and has retaken the diagnostic."),
            "diagnosed": pgettext(
                "feminine", "has completed the diagnostic of professional competences"
            ),
        }
    return {
        "track_done": gettext(
            "has completed an individual development track built from the results of the diagnostic"
        ),
        "track_studied": gettext(
            "has studied on an individual development track "
            "built from the results of the diagnostic"
        ),
        "retaken": gettext("and has retaken the diagnostic."),
        "diagnosed": gettext("has completed the diagnostic of professional competences"),
    }


def short_date(iso: str | None) -> str:
    """Write a date the details of a certificate store (ISO) briefly: «03.12.2026»."""
    return format_date(date.fromisoformat(iso), "short") if iso else "—"


def confirmation_groups(modules: list[dict]) -> list[tuple[dict, list[dict]]]:
    """Group the confirmed modules of a certificate by who or what confirmed them, in order."""
    groups: dict[tuple, tuple[dict, list[dict]]] = {}
    for module in modules:
        confirmation = module["confirmation"]
        key = (confirmation["via"], confirmation["by"], confirmation["document"])
        groups.setdefault(key, (confirmation, []))[1].append(module)
    return list(groups.values())


def certificate_html(certificate, verify_url: str) -> str:
    """Return the HTML of a certificate (always in Russian: it is an official document)."""
    with force_locale("ru"):
        return render_template(
            "certificates/document.html",
            certificate=certificate,
            words=holder_words(certificate.holder_name),
            verify_url=verify_url,
            qr=qr_png(verify_url),
            short_date=short_date,
            confirmation_groups=confirmation_groups,
        )


def render_certificate(certificate, verify_url: str) -> bytes:
    """Render a certificate to a one-page A4 PDF."""
    return render_pdf(certificate_html(certificate, verify_url), STYLESHEETS)


def warm_up() -> None:
    """Render a sample certificate, so that the first real one does not wait for the fonts.

    The first page a process renders loads and configures the fonts (most of a second); a jobs
    worker does it at its start instead of in the first batch.
    """
    from competence.certificates.models import Certificate
    from competence.database import utcnow

    sample = Certificate(
        number="ХКИРО-2000-000000",
        check_code="ABCD2345",
        kind="diagnostic",
        holder_name="Образец",
        title="Образец",
        hours=0,
        details={"total": 0, "competences": [{"title": "—", "score": 0, "level": "—"}]},
        issued_at=utcnow(),
    )
    render_certificate(sample, "https://example.org/verify")
