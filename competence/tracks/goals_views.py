"""The teacher's questionnaire of the yearly plan: own goals, preferred kinds and format."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from competence.accounts.access import TUTORED_ROLES, role_required
from competence.analytics.campaigns import school_year
from competence.tracks import services
from competence.tracks.forms import GoalsForm
from competence.tracks.goals import GoalsError, goals_of, save_goals
from competence.tracks.views import bp


def _year_label(year: int) -> str:
    """Return a school year as people write it: 2026/27."""
    return f"{year}/{(year + 1) % 100:02d}"


def _render(form: GoalsForm, year: int, stated, status: int = 200, error=None):
    """Render the questionnaire; a refused form keeps what was typed."""
    plan = services.open_plan(current_user.id, year)
    return render_template(
        "tracks/goals.html",
        form=form,
        year_label=_year_label(year),
        stated=stated,
        plan=plan,
        error=error,
    ), status


@bp.route("/goals", methods=["GET", "POST"])
@role_required(*TUTORED_ROLES)
def goals():
    """Show and save the teacher's own goals for the current school year."""
    year = school_year(services.local_today())
    stated = goals_of(current_user.id, year)
    if request.method == "GET":
        form = GoalsForm(formdata=None, obj=stated)
        if stated is not None:
            form.preferred_format.data = stated.preferred_format or ""
        return _render(form, year, stated)
    form = GoalsForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            return _render(form, year, stated, 400, str(form.csrf_token.errors[0]))
        if form.interests.errors or form.preferred_format.errors:
            # Only a crafted request sends a kind or format that is not offered.
            message = _("Choose the kinds and the format from the list.")
            return _render(form, year, stated, 400, message)
        return _render(form, year, stated, 422, next(str(e[0]) for e in form.errors.values()))
    try:
        save_goals(
            current_user,
            year,
            form.goals.data,
            form.interests.data or [],
            form.preferred_format.data or None,
        )
    except GoalsError as exc:
        return _render(form, year, stated, exc.status, str(exc.message))
    flash(_("Your goals for the school year are saved."), "success")
    return redirect(url_for("tracks.goals"), 303)
