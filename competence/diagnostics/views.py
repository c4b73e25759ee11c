"""Taking a diagnostic: the list, the attempt page with autosave, submission, results."""

from dataclasses import asdict
from functools import wraps

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from competence.accounts.access import may_read_result
from competence.certificates.naming import attachment
from competence.certificates.services import active_certificate
from competence.diagnostics import services
from competence.diagnostics.answers import AnswerError, typed_answer
from competence.diagnostics.charts import growth_chart, profile_chart
from competence.diagnostics.comparison import comparison
from competence.diagnostics.models import Attempt
from competence.diagnostics.pagetokens import attempt_tokens, to_page
from competence.diagnostics.profiles import growth, profile
from competence.diagnostics.report import render_report, report_name
from competence.diagnostics.review import review_access, review_rows
from competence.extensions import csrf, db
from competence.forms import ConfirmForm
from competence.instruments.models import ContentDocument, ContentKind
from competence.instruments.presentation import item_views
from competence.tracks.recommendations import recommend

bp = Blueprint("diagnostics", __name__)

# One answer is a few hundred bytes; a body past this is not an answer and is not parsed.
MAX_ANSWER_BYTES = 16 * 1024


def own_attempt(attempt_id: int) -> Attempt:
    """Return the current user's attempt; anybody else's is 404."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def api_login_required(view):
    """Answer an attempt's JSON request without a signed-in user with 401 JSON, not a redirect.

    The CSRF check follows the sign-in check (the view is exempt from the global one): a
    session that has ended has no CSRF token either, and "sign in again" is what helps.
    """

    @wraps(view)
    def checked(*args, **kwargs):
        if not current_user.is_authenticated:
            back = url_for("diagnostics.attempt", attempt_id=kwargs["attempt_id"])
            return jsonify(
                error=_(
                    "Your session has ended, so the latest answers are not saved yet. They are "
                    "kept in this browser: sign in again and they will be saved."
                ),
                login=url_for("accounts.login", next=back),
            ), 401
        csrf.protect()
        return view(*args, **kwargs)

    return csrf.exempt(checked)


@bp.route("/diagnostics/")
@login_required
def index():
    """List the diagnostics offered to the user and the results so far."""
    return render_template(
        "diagnostics/index.html",
        offers=services.offers_for(current_user),
        history=services.history(current_user),
        confirm=ConfirmForm(),
    )


@bp.route("/diagnostics/<key>/start", methods=["POST"])
@login_required
def start(key: str):
    """Start (or resume) an attempt at a diagnostic."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    document = db.one_or_404(
        select(ContentDocument).where(
            ContentDocument.kind == ContentKind.INSTRUMENT, ContentDocument.key == key
        )
    )
    try:
        attempt = services.start(current_user, document)
    except services.RetakeRefused as exc:
        flash(str(exc.message), "warning")
        return redirect(url_for("diagnostics.index")), 303
    return redirect(url_for("diagnostics.attempt", attempt_id=attempt.id))


@bp.route("/diagnostics/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int):
    """Show the attempt; a plain form post (scripts off) saves, and may also finish it."""
    item = own_attempt(attempt_id)
    if services.close_if_expired(item):
        flash(_("The time is up: the diagnostic was finished with the answers saved."), "info")
    if item.is_submitted:
        return redirect(url_for("diagnostics.result", attempt_id=item.id))
    errors, status = {}, 200
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            sequence = int(request.form.get("sequence", ""))
        except ValueError:
            abort(400, _("The request has no sequence number."))
        try:
            _sequence, errors = services.save_form(item, request.form, sequence)
        except AnswerError as exc:
            abort(400, str(exc.message))
        except services.StaleSequence as exc:
            # Nothing was saved; show this page's answers again, as entered, to be checked.
            return _attempt_page(item, exc.values, exc.errors, stale=True), 409
        except services.AttemptClosed:
            return redirect(url_for("diagnostics.result", attempt_id=item.id)), 303
        if not errors and "finish" in request.form:
            return redirect(url_for("diagnostics.confirm_submit", attempt_id=item.id))
        if not errors:
            flash(_("The answers are saved."), "success")
            return redirect(url_for("diagnostics.attempt", attempt_id=item.id)), 303
        status = 400
    return _attempt_page(item, services.answers_of(item), errors), status


def _attempt_page(item: Attempt, answers: dict, errors: dict, stale: bool = False) -> str:
    """Render the attempt page with these answers; refused ones show what was typed."""
    ready = services.instrument_of(item)
    tokens = attempt_tokens(item)
    by_id = {entry.id: entry for entry in ready.instrument.items}
    answers = {
        key: to_page(by_id[key], tokens, value) for key, value in answers.items() if key in by_id
    }
    if errors:
        # Show what was typed where it was refused, so nothing entered is lost.
        answers = answers | {
            key: typed_answer(by_id[key], request.form, tokens) for key in errors if key in by_id
        }
    return render_template(
        "diagnostics/attempt.html",
        attempt=item,
        instrument=ready.instrument,
        views=item_views(ready.instrument, ready.scales, item.layout, tokens),
        answers={key: value for key, value in answers.items() if value is not None},
        errors=errors,
        stale=stale,
        progress=services.progress(item),
    )


@bp.route("/api/attempts/<int:attempt_id>/answers", methods=["POST"])
@api_login_required
def save_answer(attempt_id: int):
    """Save one answer (JSON: item, answer, sequence); refuse stale or late saves."""
    item = own_attempt(attempt_id)
    if len(request.get_data(cache=True)) > MAX_ANSWER_BYTES:
        return jsonify(error=_("The request is too large for one answer.")), 413
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nesting deeper than the parser goes is not an answer either
        data = None
    if not isinstance(data, dict):
        return jsonify(error=_("Expected a JSON object.")), 400
    try:
        saved = services.save_page_answer(
            item, data.get("item"), data.get("answer"), data.get("sequence")
        )
    except services.UnknownItem:
        return jsonify(error=_("This question is not part of the diagnostic.")), 400
    except AnswerError as exc:
        return jsonify(error=str(exc.message), item=data.get("item")), 400
    except services.StaleSequence as exc:
        return jsonify(
            error=_("The answers were changed in another tab. Reload the page."),
            sequence=exc.current,
        ), 409
    except services.AttemptClosed:
        return jsonify(
            error=_("The diagnostic is finished: answers are no longer accepted."),
            result=url_for("diagnostics.result", attempt_id=item.id),
        ), 409
    return jsonify(asdict(saved))


@bp.route("/diagnostics/attempts/<int:attempt_id>/submit", methods=["GET", "POST"])
@login_required
def confirm_submit(attempt_id: int):
    """Confirm finishing the attempt (listing unanswered questions), then submit it."""
    item = own_attempt(attempt_id)
    services.close_if_expired(item)
    if item.is_submitted:
        return redirect(url_for("diagnostics.result", attempt_id=item.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        services.submit(item)
        return redirect(url_for("diagnostics.result", attempt_id=item.id))
    ready = services.instrument_of(item)
    answered = set(services.answers_of(item))
    views = item_views(ready.instrument, ready.scales, item.layout, attempt_tokens(item))
    missing = [view for view in views if view.id not in answered]
    return render_template(
        "diagnostics/confirm_submit.html",
        attempt=item,
        missing=missing,
        form=form,
        progress=services.progress(item),
    )


@bp.route("/diagnostics/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    """Show the deficit profile of a submitted attempt, with growth after a retake.

    The director of the teacher's current school reads it too (access.may_read_result).
    """
    item = db.session.get(Attempt, attempt_id)
    if item is None or not may_read_result(current_user, item):
        abort(404)
    own = item.user_id == current_user.id
    if own:
        services.close_if_expired(item)
    if not item.is_submitted:
        return redirect(url_for("diagnostics.attempt", attempt_id=item.id))
    current = profile(item)
    earlier = services.submitted_before(item)
    change = growth(item, earlier)
    return render_template(
        "diagnostics/result.html",
        attempt=item,
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
        earlier=earlier,
        own=own,
        certificate=active_certificate(attempt=item) if own else None,
        comparison=comparison(current),
        own_report=own,
    )


@bp.route("/diagnostics/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    """Show the taker their answers to a submitted attempt, as the review policy allows."""
    attempt = own_attempt(attempt_id)
    services.close_if_expired(attempt)
    if not attempt.is_submitted:
        abort(404)  # nothing about the key exists for an attempt in progress
    access = review_access(attempt)
    page = render_template(
        "diagnostics/review.html",
        attempt=attempt,
        title=services.instrument_of(attempt).instrument.title,
        access=access,
        rows=review_rows(attempt, access.key_shown) if access.is_open else [],
    )
    return page, 200 if access.is_open else 403


@bp.route("/diagnostics/attempts/<int:attempt_id>/report.pdf")
@login_required
def report(attempt_id: int):
    """Send the personal report of a submitted attempt as a PDF (its owner only)."""
    item = own_attempt(attempt_id)
    services.close_if_expired(item)
    if not item.is_submitted:
        abort(404)
    data = render_report(item, services.submitted_before(item), recommend(item))
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = attachment(report_name(item))
    # A personal document: no shared cache or browser history keeps a copy.
    response.headers["Cache-Control"] = "no-store"
    return response
