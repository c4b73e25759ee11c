"""The certificate as a document: HTML with a QR code of its verification address, then PDF."""

import segno
from flask import render_template
from flask_babel import force_locale

from competence.certificates.pdf import render_pdf

STYLESHEETS = ("pdf/fonts.css", "pdf/certificate.css")


def qr_svg(url: str) -> str:
    """Return an inline SVG QR code of a verification address."""
    return segno.make(url, error="m").svg_inline(scale=3, border=0, dark="#143a5a")


def certificate_html(certificate, verify_url: str) -> str:
    """Return the HTML of a certificate (always in Russian: it is an official document)."""
    with force_locale("ru"):
        return render_template(
            "certificates/document.html",
            certificate=certificate,
            verify_url=verify_url,
            qr=qr_svg(verify_url),
        )


def render_certificate(certificate, verify_url: str) -> bytes:
    """Render a certificate to a one-page A4 PDF."""
    return render_pdf(certificate_html(certificate, verify_url), STYLESHEETS)
