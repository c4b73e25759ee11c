"""The tutor's pages: the assigned teachers, a teacher's plans under review, consultations."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from competence.accounts.access import role_required, tutors_teacher
from competence.accounts.models import Role, User
from competence.analytics.campaigns import school_year
from competence.errors import error_response
from competence.extensions import db
from competence.forms import ConfirmForm
from competence.tracks.goals import goals_of
from competence.tracks.models import (
    CatalogModule,
    DevelopmentTrack,
    TrackModule,
)
from competence.tracks.services import TrackError, local_today, progress, tracks_of
from competence.tutoring import review, services
from competence.tutoring.blueprint import bp
from competence.tutoring.forms import (
    CONSULTATION_FORM_LABELS,
    AddModuleForm,
    ConsultationForm,
    ReturnForm,
)


@bp.app_context_processor
def tutoring_labels():
    """Offer the labels of consultation forms to every template."""
    return {"consultation_form_labels": CONSULTATION_FORM_LABELS}


@bp.route("/")
@role_required(Role.TUTOR)
def index():
    """List the tutor's teachers with the state of their plans and evidence to check."""
    page, plans, attention = services.tutored_page(
        current_user, request.args.get("page", 1, type=int)
    )
    rows = [
        (
            teacher,
            plans[teacher.id],
            sum(len(review.waiting_confirmation(track)) for track in plans[teacher.id]),
        )
        for teacher in page.items
    ]
    return render_template("tutoring/index.html", rows=rows, page=page, attention=attention)


def _catalogue() -> list[CatalogModule]:
    """Return the modules a tutor may add to a plan, by title."""
    return list(
        db.session.scalars(
            select(CatalogModule)
            .where(CatalogModule.retired.is_(False))
            .order_by(CatalogModule.title)
        )
    )


def _render_teacher(
    teacher: User, status: int = 200, error=None, failed=None, consultation_form=None
):
    """Render a teacher's page for their tutor; a refused action shows its message."""
    tracks = tracks_of(teacher)
    catalogue = _catalogue()
    return render_template(
        "tutoring/teacher.html",
        teacher=teacher,
        tracks=tracks,
        progress=progress,
        reviews={track.id: review.latest_reviews(track) for track in tracks},
        changes={track.id: review.plan_changes(track) for track in tracks},
        addable={
            track.id: [m for m in catalogue if m.id not in {e.module_id for e in track.modules}]
            for track in tracks
        },
        consultations=services.consultations_of(teacher),
        # The teacher's own goals for this school year: the plan is discussed with them.
        stated_goals=goals_of(teacher.id, school_year(local_today())),
        confirm=ConfirmForm(formdata=None),
        return_form=ReturnForm(formdata=None),
        add_form=AddModuleForm(formdata=None),
        consultation_form=consultation_form or ConsultationForm(formdata=None),
        error=error,
        failed=failed,
    ), status


def _tutored_or_404(user_id: int) -> User:
    """Return a teacher the current tutor tutors; anybody else is not found."""
    teacher = db.get_or_404(User, user_id)
    if not tutors_teacher(current_user, teacher):
        abort(404)
    return teacher


@bp.route("/teachers/<int:user_id>")
@role_required(Role.TUTOR)
def teacher(user_id: int):
    """Show a teacher's plans with the review actions and the log of consultations."""
    return _render_teacher(_tutored_or_404(user_id))


def _refuse(track: DevelopmentTrack, exc: TrackError, failed=None):
    """Answer a refused action: 403 plainly, anything else on the teacher's page."""
    db.session.rollback()
    if exc.status in (403, 404):
        return error_response(exc.status, str(exc.message))
    return _render_teacher(track.user, exc.status, str(exc.message), failed)


def _back(track: DevelopmentTrack, anchor: str = ""):
    """Return to the teacher's page, at the track or module acted on."""
    return redirect(url_for("tutoring.teacher", user_id=track.user_id) + anchor, 303)


def _checked(form) -> None:
    """Refuse a form without a valid CSRF token (a button carries nothing else)."""
    if not form.validate_on_submit():
        abort(400)


@bp.route("/tracks/<int:track_id>/approve", methods=["POST"])
@role_required(Role.TUTOR)
def approve(track_id: int):
    """Approve a plan the teacher sent for review."""
    track = db.get_or_404(DevelopmentTrack, track_id)
    _checked(ConfirmForm())
    try:
        review.approve_plan(track, current_user)
    except TrackError as exc:
        return _refuse(track, exc)
    flash(_("The plan is approved; the teacher is told."), "success")
    return _back(track, f"#track-{track.id}")


@bp.route("/tracks/<int:track_id>/modules", methods=["POST"])
@role_required(Role.TUTOR)
def add_module(track_id: int):
    """Add a catalogue module to a plan."""
    track = db.get_or_404(DevelopmentTrack, track_id)
    form = AddModuleForm()
    form.module_id.choices = [(m.id, m.title) for m in _catalogue()]
    if not form.validate_on_submit():
        if not tutors_teacher(current_user, track.user):
            return _refuse(track, TrackError(review.NOT_TUTOR, 403))
        return _render_teacher(track.user, 400, _("Choose a module from the list."))
    try:
        review.add_module(
            track,
            current_user,
            db.session.get(CatalogModule, form.module_id.data),
            form.mandatory.data,
        )
    except TrackError as exc:
        return _refuse(track, exc)
    flash(_("The module is added to the plan."), "success")
    return _back(track, f"#track-{track.id}")


def _module(track_module_id: int) -> TrackModule:
    """Return a track module or 404."""
    return db.get_or_404(TrackModule, track_module_id)


@bp.route("/modules/<int:track_module_id>/remove", methods=["POST"])
@role_required(Role.TUTOR)
def remove_module(track_module_id: int):
    """Remove a module the teacher has not done from the plan."""
    entry = _module(track_module_id)
    track = entry.track
    _checked(ConfirmForm())
    try:
        review.remove_module(entry, current_user)
    except TrackError as exc:
        return _refuse(track, exc, track_module_id)
    flash(_("The module is removed from the plan."), "info")
    return _back(track, f"#track-{track.id}")


@bp.route("/modules/<int:track_module_id>/mandatory", methods=["POST"])
@role_required(Role.TUTOR)
def toggle_mandatory(track_module_id: int):
    """Make a module mandatory or optional."""
    entry = _module(track_module_id)
    _checked(ConfirmForm())
    try:
        review.toggle_mandatory(entry, current_user)
    except TrackError as exc:
        return _refuse(entry.track, exc, entry.id)
    return _back(entry.track, f"#tm-{entry.id}")


@bp.route("/modules/<int:track_module_id>/confirm", methods=["POST"])
@role_required(Role.TUTOR)
def confirm(track_module_id: int):
    """Confirm the evidence of a module done."""
    entry = _module(track_module_id)
    _checked(ConfirmForm())
    try:
        review.confirm_evidence(entry, current_user)
    except TrackError as exc:
        return _refuse(entry.track, exc, entry.id)
    flash(_("The module is confirmed: its hours count."), "success")
    return _back(entry.track, f"#tm-{entry.id}")


@bp.route("/modules/<int:track_module_id>/return", methods=["POST"])
@role_required(Role.TUTOR)
def return_evidence(track_module_id: int):
    """Return the evidence of a module to the teacher with a comment."""
    entry = _module(track_module_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        if not tutors_teacher(current_user, entry.track.user):
            return _refuse(entry.track, TrackError(review.NOT_TUTOR, 403))
        message = next(iter(form.errors.values()))[0]
        return _render_teacher(entry.track.user, 400, str(message), entry.id)
    try:
        review.return_evidence(entry, current_user, form.comment.data)
    except TrackError as exc:
        return _refuse(entry.track, exc, entry.id)
    flash(_("The evidence is returned to the teacher."), "info")
    return _back(entry.track, f"#tm-{entry.id}")


@bp.route("/teachers/<int:user_id>/consultations", methods=["POST"])
@role_required(Role.TUTOR)
def consultation(user_id: int):
    """Record a consultation with a teacher."""
    teacher = db.get_or_404(User, user_id)
    if not tutors_teacher(current_user, teacher):
        return error_response(403, str(review.NOT_TUTOR))
    form = ConsultationForm()
    if not form.validate_on_submit():
        message = next(iter(form.errors.values()))[0]
        return _render_teacher(teacher, 400, str(message), "consultation", form)
    try:
        services.record_consultation(
            current_user, teacher, form.held_on.data, form.form.data, form.notes.data
        )
    except services.TutoringError as exc:
        db.session.rollback()
        return _render_teacher(teacher, exc.status, str(exc.message), "consultation", form)
    flash(_("The consultation is recorded."), "success")
    return redirect(url_for("tutoring.teacher", user_id=teacher.id) + "#consultations", 303)
