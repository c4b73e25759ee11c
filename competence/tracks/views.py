"""Teachers' pages: recommendations, the development track, modules and their evidence."""

from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from competence import audit
from competence.accounts.access import may_read_consultations, may_read_goals, may_see_track
from competence.certificates.services import active_certificate
from competence.diagnostics.models import Attempt
from competence.diagnostics.profiles import shown_depths
from competence.errors import error_response
from competence.extensions import db
from competence.forms import ConfirmForm
from competence.tracks import declines, services
from competence.tracks.evidence import MAX_BYTES as EVIDENCE_MAX_BYTES
from competence.tracks.evidence import EvidenceError, check_evidence
from competence.tracks.forms import (
    FORMAT_LABELS,
    KIND_LABELS,
    BuildTrackForm,
    DeclineForm,
    DoneForm,
    PostponeForm,
)
from competence.tracks.goals import goals_of
from competence.tracks.models import DevelopmentTrack, TrackModule
from competence.tracks.recommendations import deficits_of, show_recommendations
from competence.tutoring import review as tutor_review
from competence.tutoring.services import consultations_of, tutors_of

bp = Blueprint("tracks", __name__, url_prefix="/tracks")


@bp.app_context_processor
def track_labels():
    """Offer module kind and format labels, file sizes and retake states to every template."""
    return {
        "kind_labels": KIND_LABELS,
        "format_labels": FORMAT_LABELS,
        "file_size": file_size,
        "retake_of": services.retake_of,
    }


def file_size(size: int) -> str:
    """Write a file size in the user's language: 0,5 КБ, 2,3 МБ."""
    if size >= 1024 * 1024:
        return _("%(size)s MB", size=format_decimal(size / (1024 * 1024), "0.#"))
    return _("%(size)s KB", size=format_decimal(max(size / 1024, 0.1), "0.#"))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """Answer an upload over the portal's limit on the track page, next to its module."""
    limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
    message = _(
        "The file is too large: the portal accepts uploads of up to %(mb)d MB "
        "(evidence files up to %(evidence)d MB). The form was not received: "
        "choose a smaller file and fill it in again.",
        mb=limit,
        evidence=EVIDENCE_MAX_BYTES // (1024 * 1024),
    )
    entry_id = (request.view_args or {}).get("track_module_id")
    if request.endpoint == "tracks.done" and current_user.is_authenticated and entry_id:
        try:
            entry = services.own_module(current_user, entry_id)
        except services.TrackError:
            entry = None
        if entry is not None:
            return _render_track(entry.track, 413, message, entry.id, action="done")
    return error_response(413, message)


def own_attempt(attempt_id: int) -> Attempt:
    """Return the current user's submitted attempt, else 404."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id or not attempt.is_submitted:
        abort(404)
    return attempt


def may_see(track: DevelopmentTrack) -> bool:
    """Tell whether the current user may read a track (access.may_see_track)."""
    return may_see_track(current_user, track)


@bp.route("/recommendations/<int:attempt_id>")
@login_required
def recommendations(attempt_id: int):
    """Show the recommendations that follow from a result, grouped, with their deficits."""
    attempt = own_attempt(attempt_id)
    return _render_recommendations(
        attempt, BuildTrackForm(preferred_format=request.args.get("format", ""))
    )


def _render_recommendations(attempt: Attempt, form: BuildTrackForm, status=200, error=None):
    """Render the recommendations of a result for the format chosen in the form."""
    chosen = form.preferred_format.data or None
    return render_template(
        "tracks/recommendations.html",
        attempt=attempt,
        found=show_recommendations(attempt, chosen if chosen in FORMAT_LABELS else None),
        deficits=deficits_of(attempt),
        depths=shown_depths(attempt),
        track=services.track_for(attempt),
        form=form,
        error=error,
    ), status


@bp.route("/from/<int:attempt_id>", methods=["POST"])
@login_required
def build(attempt_id: int):
    """Build the track from a result's recommendations."""
    attempt = own_attempt(attempt_id)
    form = BuildTrackForm()
    if not form.validate_on_submit():
        if form.preferred_format.errors:
            form.preferred_format.data = ""
            return _render_recommendations(
                attempt,
                form,
                400,
                _("Choose a format from the list: in person, distance or blended."),
            )
        abort(400)
    try:
        track = services.build_track(attempt, form.preferred_format.data or None)
    except services.TrackError as exc:
        flash(str(exc.message), "warning")
        return redirect(url_for("tracks.recommendations", attempt_id=attempt.id)), 303
    if len(track.sources) > 1:
        flash(
            _("The diagnostic is merged into your development plan for the school year."),
            "success",
        )
    else:
        flash(_("Your development track is ready."), "success")
    if track.review_reset:
        flash(
            _(
                "The plan has changed, so it is a draft again: send it to your tutor for review "
                "once more."
            ),
            "warning",
        )
    return redirect(url_for("tracks.track", track_id=track.id))


@bp.route("/")
@login_required
def index():
    """List the user's tracks with their progress."""
    return render_template(
        "tracks/index.html", tracks=services.tracks_of(current_user), progress=services.progress
    )


@bp.route("/<int:track_id>")
@login_required
def track(track_id: int):
    """Show a track: modules in order, their state, and what can be done with them."""
    item = db.get_or_404(DevelopmentTrack, track_id)
    if not may_see(item):
        abort(404)
    return _render_track(item)


def _render_track(
    item: DevelopmentTrack, status: int = 200, error=None, failed=None, action=None, **forms
):
    """Render a track page; a refused action is shown in the module it concerned, its panel open."""
    return render_template(
        "tracks/track.html",
        track=item,
        growth=services.plan_growth(item),
        depths=services.plan_depths(item),
        action=action,
        evidence_max_bytes=EVIDENCE_MAX_BYTES,
        progress=services.progress(item),
        confirmed_hours=services.confirmed_hours(item),
        requests=declines.latest_requests(item),
        own=item.user_id == current_user.id,
        confirm=ConfirmForm(formdata=None),
        postpone_form=forms.get("postpone_form") or PostponeForm(formdata=None),
        decline_form=forms.get("decline_form") or DeclineForm(formdata=None),
        done_form=forms.get("done_form") or DoneForm(formdata=None),
        error=error,
        failed=failed,
        certificate=active_certificate(track=item) if item.user_id == current_user.id else None,
        tutors=tutors_of(item.user),
        reviews=tutor_review.latest_reviews(item),
        changes=tutor_review.plan_changes(item),
        consultations=consultations_of(item.user)
        if may_read_consultations(current_user, item.user)
        else [],
        stated_goals=goals_of(item.user_id, item.school_year)
        if may_read_goals(current_user, item.user)
        else None,
    ), status


@bp.route("/<int:track_id>/submit", methods=["POST"])
@login_required
def submit(track_id: int):
    """Send the teacher's own plan to their tutor for review."""
    item = db.get_or_404(DevelopmentTrack, track_id)
    if item.user_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        tutor_review.submit_plan(item)
    except services.TrackError as exc:
        db.session.rollback()
        return _render_track(item, exc.status, str(exc.message))
    flash(_("The plan is sent to your tutor for review."), "success")
    return redirect(url_for("tracks.track", track_id=item.id), 303)


def _module_action(track_module_id: int):
    """Return the user's track module for an action, answering 404 for anybody else's."""
    try:
        return services.own_module(current_user, track_module_id)
    except services.TrackError as exc:
        abort(exc.status, str(exc.message))


def _back(entry: TrackModule, status: int = 302):
    """Return to the module on its track page."""
    return redirect(
        url_for("tracks.track", track_id=entry.track_id) + f"#module-{entry.id}"
    ), status


def _refuse(entry: TrackModule, action: str, message, status: int, **forms):
    """Show why an action was refused, with its status; what was typed stays in the form."""
    db.session.rollback()
    return _render_track(entry.track, status, str(message), entry.id, action, **forms)


@bp.route("/modules/<int:track_module_id>/move", methods=["POST"])
@login_required
def move(track_module_id: int):
    """Move a module up or down."""
    entry = _module_action(track_module_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.move(entry, request.form.get("direction", ""))
    except services.TrackError as exc:
        return _refuse(entry, "move", exc.message, exc.status)
    return _back(entry)


@bp.route("/modules/<int:track_module_id>/postpone", methods=["POST"])
@login_required
def postpone(track_module_id: int):
    """Postpone a module to a later date with a reason."""
    entry = _module_action(track_module_id)
    form = PostponeForm()
    if not form.validate_on_submit():
        return _refuse(entry, "postpone", _first_error(form), 422, postpone_form=form)
    try:
        services.postpone(entry, form.until.data, form.reason.data)
    except services.TrackError as exc:
        return _refuse(entry, "postpone", exc.message, exc.status, postpone_form=form)
    flash(_("The module is postponed."), "info")
    return _back(entry)


@bp.route("/modules/<int:track_module_id>/decline", methods=["POST"])
@login_required
def decline(track_module_id: int):
    """Decline a module with a reason."""
    entry = _module_action(track_module_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _refuse(
            entry, "decline", _("Give a reason for declining the module."), 422, decline_form=form
        )
    try:
        outcome = declines.decline(entry, form.reason.data)
    except services.TrackError as exc:
        return _refuse(entry, "decline", exc.message, exc.status, decline_form=form)
    if outcome.pending:
        flash(
            _(
                "Your request to decline the module is sent to the school's director. Until the "
                "director approves it, the module stays mandatory."
            ),
            "info",
        )
    else:
        flash(_("The module is declined."), "info")
    return _back(entry)


@bp.route("/modules/<int:track_module_id>/done", methods=["POST"])
@login_required
def done(track_module_id: int):
    """Mark a module done with a note, a link or a file as evidence."""
    entry = _module_action(track_module_id)
    form = DoneForm()
    if not form.validate_on_submit():
        return _refuse(entry, "done", _first_error(form), 422, done_form=form)
    upload = form.file.data
    checked = None
    if upload and upload.filename:
        try:
            checked = check_evidence(upload.filename, upload.read())
        except EvidenceError as exc:
            return _refuse(entry, "done", exc.message, exc.status, done_form=form)
    try:
        services.mark_done(entry, form.note.data or "", form.link.data or "", checked)
    except services.TrackError as exc:
        return _refuse(entry, "done", exc.message, exc.status, done_form=form)
    flash(_("The module is marked as done."), "success")
    return _back(entry)


@bp.route("/modules/<int:track_module_id>/evidence")
@login_required
def evidence(track_module_id: int):
    """Download the evidence file of a module."""
    entry = db.get_or_404(TrackModule, track_module_id)
    if not may_see(entry.track) or entry.evidence_file is None:
        abort(404)
    stored = entry.evidence_file
    audit.note(
        "evidence_downloaded",
        current_user,
        "track_module",
        entry.id,
        holder=entry.track.user_id,
        filename=stored.filename,
    )
    return Response(
        stored.data,
        mimetype=stored.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(stored.filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _first_error(form) -> str:
    """Return the first validation message of a form."""
    return next(str(errors[0]) for errors in form.errors.values())


def _quote(filename: str) -> str:
    """Percent-encode a file name for a Content-Disposition header."""
    return quote(filename)


# The catalogue editor's and the goals questionnaire's routes live in their own modules.
from competence.tracks import catalog_views, goals_views  # noqa: E402, F401
