"""The personal report of a result: profile, deficits, recommendations and growth as a PDF.

A teacher keeps it or attaches it to an attestation portfolio. It is rendered on request (never
stored) with the certificates' renderer and fonts, from the same figures as the result page.
"""

from flask import render_template
from flask_babel import force_locale

from competence.certificates.naming import file_name, short_name
from competence.certificates.pdf import render_pdf
from competence.database import utcnow
from competence.diagnostics.charts import growth_chart, profile_chart
from competence.diagnostics.models import Attempt
from competence.diagnostics.profiles import growth, profile

STYLESHEETS = ("pdf/fonts.css", "pdf/result-report.css")


def report_name(attempt: Attempt) -> str:
    """Return the report's file name: «Отчёт», the holder's surname and initials, the date."""
    with force_locale("ru"):
        return file_name(
            "Отчёт", short_name(attempt.user.full_name), attempt.submitted_at.date().isoformat()
        )


def report_html(attempt: Attempt, earlier: list[Attempt], recommendations) -> str:
    """Return the HTML of the personal report (in Russian, like the portal's other documents)."""
    from flask_babel import gettext as _

    with force_locale("ru"):
        current = profile(attempt)
        change = growth(attempt, earlier)
        return render_template(
            "diagnostics/report.html",
            attempt=attempt,
            profile=current,
            chart=profile_chart(current.rows, _("Competence scores, per cent")),
            growth=change,
            growth_chart=growth_chart(
                change.rows,
                _("Growth of competence scores"),
                (_("first attempt"), _("previous"), _("now")),
            )
            if change
            else None,
            found=recommendations,
            made_at=utcnow(),
        )


def render_report(attempt: Attempt, earlier: list[Attempt], recommendations) -> bytes:
    """Render the personal report of a submitted attempt to PDF bytes."""
    return render_pdf(report_html(attempt, earlier, recommendations), STYLESHEETS)
