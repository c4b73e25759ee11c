"""Certificates: public verification, holders' downloads, administrators' issue and revocation."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import undefer

from competence import audit
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
from competence.certificates.naming import attachment
from competence.certificates.verification import (
    find_checked,
    format_check_code,
    is_check_code,
    normalize_check_code,
)
from competence.diagnostics.models import Attempt, AttemptStatus
from competence.extensions import db, limiter
from competence.forms import ConfirmForm
from competence.instruments.library import latest_published_versions
from competence.schools.models import School
from competence.schools.services import region_with_schools
from competence.tracks.models import DevelopmentTrack

bp = Blueprint("certificates", __name__)
bp.add_app_template_filter(format_check_code, "check_code")
admins_only = role_required(Role.ADMIN)


def _verify_limit() -> str:
    """Return the configured limit of public certificate checks per client address."""
    return current_app.config["VERIFY_RATE_LIMIT"]


# Both verification pages count against one budget per address.
verify_limited = limiter.shared_limit(_verify_limit, scope="certificate-verification")


@bp.route("/verify", methods=["GET"])
@verify_limited
def verify_form():
    """Ask for a number and its check code."""
    if "number" not in request.args:
        return render_template("certificates/verify.html", form=VerifyForm(formdata=None))
    form = VerifyForm(request.args)
    if form.validate():
        number = form.number.data.strip().upper()
        code = normalize_check_code(form.code.data)
        code = format_check_code(code) if is_check_code(code) else form.code.data.strip()
        return redirect(url_for("certificates.verify", number=number, code=code))
    return render_template("certificates/verify.html", form=form, state=None), 400


@bp.route("/verify/<number>")
@verify_limited
def verify(number: str):
    """Say whether a certificate is valid or revoked (with the date); no login needed.

    Nothing is looked up without the check code, and an unknown number answers as a wrong
    code does.
    """
    code = request.args.get("code", "")
    form = VerifyForm(formdata=None, number=number, code=code)
    page = "certificates/verify.html"
    if services.parse_number(number) is None:
        return render_template(page, form=form, state="malformed"), 400
    if not code.strip():
        return render_template(page, form=form, state="need_code")
    if not is_check_code(normalize_check_code(code)):
        return render_template(page, form=form, state="malformed_code"), 400
    certificate = find_checked(number, code)
    if certificate is None:
        return render_template(page, form=form, state="unknown"), 404
    state = "revoked" if certificate.is_revoked else "valid"
    return render_template(page, form=form, state=state, certificate=certificate)


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
    response.headers["Content-Disposition"] = attachment(services.pdf_name(certificate))
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
    audit.note(
        "certificate_downloaded", current_user, "certificate", number, holder=certificate.user_id
    )
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
    return _admin_page()


def _admin_page(batch_form: BatchForm | None = None) -> str:
    """Render the certificates' administration page (with a refused batch form, if any)."""
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
        batch_form=batch_form or _batch_form(),
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
    return _holder_page(form, user, status=404 if form.email.data and user is None else 200)


def _holder_page(form, user, status=200, refused=None, issue_form=None):
    """Render a holder's tracks and diagnostics; `refused` = ((kind, id), message) of a refusal."""
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
        issue_form=issue_form or IssueForm(formdata=None),
        refused=refused,
        active=services.active_certificate,
        replaceable=services.replaceable,
    ), status


@bp.route("/certificates/admin/issue/<kind>/<int:target_id>", methods=["POST"])
@admins_only
def issue(kind: str, target_id: int):
    """Issue one certificate by hand (a track not completed only with a logged reason)."""
    models = {"track": DevelopmentTrack, "diagnostic": Attempt}
    if kind not in models:
        abort(404)
    target = db.get_or_404(models[kind], target_id)
    form = IssueForm()
    try:
        if not form.validate_on_submit():
            message = " ".join(form.reason.errors) or _("The form has expired: try again.")
            raise services.CertificateError(message, status=422)
        if kind == "track":
            certificate = services.issue_for_track(target, current_user, form.reason.data)
        else:
            certificate = services.issue_for_attempt(target, current_user)
    except services.CertificateError as exc:
        # The page again, with the refusal next to the track and the typed reason kept.
        find = FindHolderForm(formdata=None, email=target.user.email)
        page, _status = _holder_page(
            find, target.user, refused=((kind, target_id), str(exc.message)), issue_form=form
        )
        return page, exc.status
    flash(_("Certificate %(number)s is issued.", number=certificate.number), "success")
    return redirect(url_for("certificates.holder", email=target.user.email))


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
    """Start a batch issue in the background, after the administrator confirms its size."""
    form = _batch_form(BatchForm())
    valid = form.validate_on_submit()
    school = db.session.get(School, form.school.data) if valid and form.school.data else None
    if school is not None and form.municipality.data not in (None, school.municipality_id):
        form.school.errors.append(_("This school is not in the chosen municipality."))
        valid = False
    if not valid:
        return _admin_page(batch_form=form), 422
    selection = {
        "school_id": form.school.data,
        "municipality_id": form.municipality.data,
        "document_id": form.instrument.data if form.kind.data == "diagnostic" else None,
    }
    reason = (form.reason.data or "").strip() if form.kind.data == "track" else ""
    if not form.confirmed.data:
        count = len(
            batches.select_targets(form.kind.data, **selection, include_unfinished=bool(reason))
        )
        form.confirmed.data = "1"
        return render_template(
            "certificates/batch_confirm.html", form=form, count=count, school=school
        )
    started = batches.start_batch(current_user, form.kind.data, selection, reason or None)
    return redirect(url_for("certificates.batch", batch_id=started.id))


@bp.route("/certificates/admin/batches/<int:batch_id>")
@admins_only
def batch(batch_id: int):
    """Show the progress of a batch (the page keeps itself up to date)."""
    item = db.get_or_404(CertificateBatch, batch_id)
    return render_template(
        "certificates/batch.html",
        batch=item,
        stalled=batches.is_stalled(item),
        resume_form=ConfirmForm(),
    )


@bp.route("/certificates/admin/batches/<int:batch_id>/resume", methods=["POST"])
@admins_only
def resume_batch(batch_id: int):
    """Start a stalled batch again on what it has not reached."""
    item = db.get_or_404(CertificateBatch, batch_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        remaining = batches.resume_batch(item, current_user)
    except services.CertificateError as exc:
        flash(str(exc.message), "warning")
        return redirect(url_for("certificates.batch", batch_id=batch_id)), 303
    flash(
        ngettext(
            "The batch goes on: %(num)d certificate left.",
            "The batch goes on: %(num)d certificates left.",
            remaining,
        ),
        "success",
    )
    return redirect(url_for("certificates.batch", batch_id=batch_id))


@bp.route("/certificates/admin/batches/<int:batch_id>.json")
@admins_only
def batch_progress(batch_id: int):
    """Report a batch's progress for the page's polling."""
    item = db.get_or_404(CertificateBatch, batch_id)
    return jsonify(
        status=item.status,
        stalled=batches.is_stalled(item),
        total=item.total,
        issued=item.issued,
        skipped=item.skipped,
        failed=item.failed,
        errors=[{"name": e.holder_name, "error": e.error} for e in item.errors],
    )
