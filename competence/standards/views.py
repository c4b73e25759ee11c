"""Methodists' pages of standard setting: rounds, rating, the panel's cut and its adoption.

Routes are attached in competence.standards.blueprint, which also lets only methodists and
administrators in.
"""

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from competence.extensions import db
from competence.forms import ConfirmForm
from competence.instruments.models import ContentDocument, ContentKind
from competence.standards import results, services
from competence.standards.forms import RoundForm
from competence.standards.models import Panellist, StandardRound

# A new round's default deadline, time enough for a panel of busy methodists.
DEFAULT_DAYS = 14


def _instrument_or_404(key: str) -> ContentDocument:
    """Return a published instrument by key, or answer 404."""
    document = db.one_or_404(
        select(ContentDocument).where(
            ContentDocument.kind == ContentKind.INSTRUMENT, ContentDocument.key == key
        )
    )
    if document.latest_published is None:
        abort(404)
    return document


def index():
    """List the rounds the user is invited to rate, and every round."""
    invited = db.session.scalars(
        select(StandardRound)
        .join(Panellist)
        .where(Panellist.user_id == current_user.id)
        .order_by(StandardRound.id.desc())
    ).all()
    rounds = db.session.scalars(select(StandardRound).order_by(StandardRound.id.desc())).all()
    return render_template("standards/index.html", invited=invited, rounds=rounds)


def new_round(key: str):
    """Open a round for a competence of a published instrument and invite the panel."""
    document = _instrument_or_404(key)
    version = document.latest_published
    titles = results.competence_titles(version)
    form = RoundForm()
    form.competence.choices = list(titles.items())
    candidates = services.panel_candidates(current_user)
    form.panellists.choices = [
        (
            user.id,
            _("%(name)s (you)", name=user.full_name)
            if user.id == current_user.id
            else user.full_name,
        )
        for user in candidates
    ]
    if not form.is_submitted():
        form.competence.data = request.args.get("competence")
        form.deadline.data = date.today() + timedelta(days=DEFAULT_DAYS)
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            round_ = services.open_round(
                document,
                form.competence.data,
                form.title.data.strip(),
                form.deadline.data,
                form.panellists.data,
                current_user,
            )
        except services.RoundError as exc:
            form.competence.errors = [*form.competence.errors, str(exc.message)]
            status = exc.status
        else:
            flash(_("The round is open; the panellists have been invited."), "success")
            return redirect(url_for("standards.round_page", round_id=round_.id))
    page = render_template(
        "standards/new.html", form=form, document=document, version=version, titles=titles
    )
    return page, status


def round_page(round_id: int):
    """Show a round: progress, and the panel's cut once two panellists have finished."""
    round_ = db.get_or_404(StandardRound, round_id)
    me = results.panellist_of(round_, current_user)
    owner = results.is_owner(round_, current_user)
    # A panellist still rating, the owner too, does not see the others' cuts: round one is
    # independent.
    hidden = round_.is_open and me is not None and me.finished_at is None
    items = results.rated_items(round_.version, round_.competence)
    return render_template(
        "standards/round.html",
        round=round_,
        me=me,
        owner=owner,
        hidden=hidden,
        results=None if hidden else results.round_results(round_, current_user),
        items=items,
        titles=results.competence_titles(round_.version),
        finished=results.finished(round_),
        form=ConfirmForm(),
    )


def rate(round_id: int):
    """Show the items of the round with their keys and take the panellist's ratings."""
    round_ = db.get_or_404(StandardRound, round_id)
    me = results.panellist_of(round_, current_user)
    if me is None:
        abort(404)
    items = results.rated_items(round_.version, round_.competence)
    saved = {rating.item_id: rating.value for rating in me.ratings}
    typed, errors, status = {}, {}, 200
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        typed = {rated.item.id: request.form.get(f"rating-{rated.item.id}", "") for rated in items}
        finish = request.form.get("action") == "finish"
        try:
            values = services.parse_ratings(request.form, list(typed))
            outcome = services.save_ratings(me, values, finish, current_user)
        except services.InvalidRatings as exc:
            errors, status = exc.errors, 422
            flash(
                _(
                    "Some ratings could not be read: nothing was saved. "
                    "Correct them and save again."
                ),
                "danger",
            )
        except services.RoundError as exc:
            flash(str(exc.message), "danger")
            return round_page(round_id), exc.status
        else:
            if finish and not outcome.finished:
                flash(
                    _(
                        "Saved, but not finished: %(left)d items are not rated yet.",
                        left=outcome.total - outcome.rated,
                    ),
                    "warning",
                )
            elif outcome.finished:
                flash(_("Your ratings are saved and finished."), "success")
            else:
                flash(
                    _(
                        "Saved: %(rated)d of %(total)d items rated.",
                        rated=outcome.rated,
                        total=outcome.total,
                    ),
                    "success",
                )
            if outcome.finished and finish:
                return redirect(url_for("standards.round_page", round_id=round_.id))
            return redirect(url_for("standards.rate", round_id=round_.id))
    page = render_template(
        "standards/rate.html",
        round=round_,
        me=me,
        items=items,
        saved=saved,
        typed=typed,
        errors=errors,
        titles=results.competence_titles(round_.version),
        scales=round_.version.compiled["scales"],
        form=form,
    )
    return page, status


def adopt(round_id: int):
    """Close the round and write the panel's cut into the instrument's draft."""
    round_ = db.get_or_404(StandardRound, round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.adopt_cut(round_, current_user)
    except services.RoundError as exc:
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "danger")
        return round_page(round_id), exc.status
    flash(
        _(
            "The round is closed. The cut %(cut)d is written into the draft of the instrument: "
            "publish the draft to apply it.",
            cut=round_.adopted_cut,
        ),
        "success",
    )
    return redirect(url_for("instruments.document", kind="instrument", key=round_.document.key))
