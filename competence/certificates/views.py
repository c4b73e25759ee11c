"""Certificates: public verification, holders' downloads, administrators' issue and revocation."""

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
from sqlalchemy import or_, select
from sqlalchemy.orm import undefer

from competence.accounts.access import role_required
from competence.accounts.models import Role, User
from competence.certificates import batch as batches
from competence.certificates import services
from competence.certificates.forms import (
    BatchForm,
    FindHolderForm,
    IssueForm,
    RevokeForm,
    VerifyForm,
)
from competence.certificates.models import Certificate, CertificateBatch
from competence.diagnostics.models import Attempt, AttemptStatus
from competence.extensions import db
from competence.forms import ConfirmForm
from competence.instruments.library import latest_published_versions
from competence.schools.services import region_with_schools
from competence.tracks.models import DevelopmentTrack

bp = Blueprint("certificates", __name__)
admins_only = role_required(Role.ADMIN)


@bp.route("/verify", methods=["GET"])
def verify_form():
    """Ask for a number to verify."""
    form = VerifyForm(request.args)
    if request.args.get("number") and form.validate():
        return redirect(url_for("certificates.verify", number=form.number.data.strip().upper()))
    return render_template("certificates/verify.html", form=form, state=None)


@bp.route("/verify/<number>")
def verify(number: str):
    """Say whether a certificate is valid, revoked (with the date) or unknown; no login needed."""
    form = VerifyForm(number=number)
    if services.parse_number(number) is None:
        return render_template("certificates/verify.html", form=form, state="malformed"), 400
    certificate = services.find(number.upper())
    if certificate is None:
        return render_template("certificates/verify.html", form=form, state="unknown"), 404
    state = "revoked" if certificate.is_revoked else "valid"
    return render_template(
        "certificates/verify.html", form=form, state=state, certificate=certificate
    )


@bp.route("/certificates/")
@login_required
def index():
    """List the user's certificates."""
    return render_template(
        "certificates/index.html", certificates=services.certificates_of(current_user)
    )


def _download(certificate: Certificate) -> Response:
    """Send the stored PDF: the same bytes every time."""
    response = Response(certificate.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{certificate.year}-{certificate.serial:06d}.pdf"'
    )
    response.set_etag(certificate.pdf_sha256)
    return response


@bp.route("/certificates/<number>.pdf")
@login_required
def download(number: str):
    """Download a certificate PDF (its holder and administrators)."""
    certificate = db.session.scalar(
        select(Certificate).options(undefer(Certificate.pdf)).where(Certificate.number == number)
    )
    if certificate is None or not (
        certificate.user_id == current_user.id or current_user.has_role(Role.ADMIN)
    ):
        abort(404)
    return _download(certificate)


@bp.route("/certificates/diagnostic/<int:attempt_id>", methods=["POST"])
@login_required
def claim_diagnostic(attempt_id: int):
    """Issue (once) the certificate of a completed diagnostic to its taker."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        certificate = services.issue_for_attempt(attempt)
    except services.CertificateError as exc:
        abort(exc.status, str(exc.message))
    flash(
        _("Certificate %(number)s is issued and sent to your e-mail.", number=certificate.number),
        "success",
    )
    return redirect(url_for("certificates.index"))


# Administration --------------------------------------------------------------------------


@bp.route("/certificates/admin/")
@admins_only
def admin():
    """Search certificates, find a holder to issue to, start a batch, see recent batches."""
    query = request.args.get("q", "").strip()
    found = select(Certificate).order_by(Certificate.issued_at.desc())
    if query:
        pattern = f"%{query.lower()}%"
        found = found.where(
            or_(Certificate.number.ilike(pattern), Certificate.holder_name.ilike(pattern))
        )
    page = db.paginate(found, per_page=50, error_out=False)
    recent = db.session.scalars(
        select(CertificateBatch).order_by(CertificateBatch.id.desc()).limit(10)
    ).all()
    return render_template(
        "certificates/admin.html",
        page=page,
        query=query,
        batches=recent,
        find_form=FindHolderForm(),
        batch_form=_batch_form(),
    )


def _batch_form(form: BatchForm | None = None) -> BatchForm:
    """Offer municipalities, schools and instruments in the batch form."""
    form = form or BatchForm(formdata=None)
    region = region_with_schools()
    form.municipality.choices = [("", _("— all —"))] + [(m.id, m.name) for m in region]
    form.school.choices = [("", _("— all —"))] + [
        (s.id, f"{s.name} ({m.name})") for m in region for s in m.schools
    ]
    form.instrument.choices = [("", _("— all —"))] + [
        (v.document_id, v.title) for v in latest_published_versions("instrument")
    ]
    return form


@bp.route("/certificates/admin/holder")
@admins_only
def holder():
    """Show a person's tracks and diagnostics with what can be certified."""
    form = FindHolderForm(request.args)
    user = None
    if form.validate():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
    tracks = attempts = []
    if user is not None:
        tracks = db.session.scalars(
            select(DevelopmentTrack).where(DevelopmentTrack.user_id == user.id)
        ).all()
        attempts = db.session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user.id, Attempt.status == AttemptStatus.SUBMITTED)
            .order_by(Attempt.submitted_at.desc())
        ).all()
    return render_template(
        "certificates/holder.html",
        form=form,
        user=user,
        tracks=tracks,
        attempts=attempts,
        issue_form=IssueForm(formdata=None),
        active=services.active_certificate,
    ), (404 if form.email.data and user is None else 200)


@bp.route("/certificates/admin/issue/<kind>/<int:target_id>", methods=["POST"])
@admins_only
def issue(kind: str, target_id: int):
    """Issue one certificate by hand (a track not completed only with a logged reason)."""
    form = IssueForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if kind == "track":
            track = db.get_or_404(DevelopmentTrack, target_id)
            certificate = services.issue_for_track(track, current_user, form.reason.data)
            email = track.user.email
        elif kind == "diagnostic":
            attempt = db.get_or_404(Attempt, target_id)
            certificate = services.issue_for_attempt(attempt, current_user)
            email = attempt.user.email
        else:
            abort(404)
    except services.CertificateError as exc:
        flash(str(exc.message), "danger")
        owner = db.session.get(DevelopmentTrack if kind == "track" else Attempt, target_id)
        return redirect(url_for("certificates.holder", email=owner.user.email)), 303
    flash(_("Certificate %(number)s is issued.", number=certificate.number), "success")
    return redirect(url_for("certificates.holder", email=email))


@bp.route("/certificates/admin/<number>", methods=["GET", "POST"])
@admins_only
def detail(number: str):
    """Show a certificate to an administrator, with revocation."""
    certificate = db.one_or_404(select(Certificate).where(Certificate.number == number))
    form = RevokeForm()
    status, error = 200, None
    if form.validate_on_submit():
        try:
            services.revoke(certificate, current_user, form.reason.data)
        except services.CertificateError as exc:
            error, status = str(exc.message), exc.status
        else:
            flash(_("The certificate is revoked."), "info")
            return redirect(url_for("certificates.detail", number=number))
    elif form.is_submitted():
        status = 422
    return render_template(
        "certificates/detail.html", certificate=certificate, form=form, error=error
    ), status


@bp.route("/certificates/admin/batches", methods=["POST"])
@admins_only
def start_batch():
    """Start a batch issue of certificates in the background."""
    form = _batch_form(BatchForm())
    if not form.validate_on_submit():
        abort(400)
    selection = {
        "school_id": form.school.data,
        "municipality_id": form.municipality.data,
        "document_id": form.instrument.data if form.kind.data == "diagnostic" else None,
    }
    reason = (form.reason.data or "").strip() if form.kind.data == "track" else ""
    started = batches.start_batch(current_user, form.kind.data, selection, reason or None)
    return redirect(url_for("certificates.batch", batch_id=started.id))


@bp.route("/certificates/admin/batches/<int:batch_id>")
@admins_only
def batch(batch_id: int):
    """Show the progress of a batch (the page keeps itself up to date)."""
    item = db.get_or_404(CertificateBatch, batch_id)
    return render_template("certificates/batch.html", batch=item)


@bp.route("/certificates/admin/batches/<int:batch_id>.json")
@admins_only
def batch_progress(batch_id: int):
    """Report a batch's progress for the page's polling."""
    item = db.get_or_404(CertificateBatch, batch_id)
    return jsonify(
        status=item.status,
        total=item.total,
        issued=item.issued,
        skipped=item.skipped,
        failed=item.failed,
        errors=[{"name": e.holder_name, "error": e.error} for e in item.errors],
    )
