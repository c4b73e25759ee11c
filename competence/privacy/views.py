"""A person's copy of their data and their deletion request; administrators decide requests."""

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone
from flask_login import current_user, login_required
from sqlalchemy import select

from competence import audit
from competence.accounts.access import role_required
from competence.accounts.models import Role
from competence.accounts.passwords import verify_password
from competence.certificates.pdf import render_pdf
from competence.database import utcnow
from competence.extensions import db
from competence.forms import ConfirmForm
from competence.privacy import services
from competence.privacy.export import personal_data
from competence.privacy.forms import DeletionRequestForm, RefusalForm
from competence.privacy.models import DeletionRequest, DeletionStatus

bp = Blueprint("privacy", __name__)
admins_only = role_required(Role.ADMIN)

# Headings of the readable copy; a table not named here is shown by its own name.
TABLE_TITLES = {
    "users": _l("Account and profile"),
    "user_subjects": _l("Subjects taught"),
    "consent_records": _l("Consents to personal-data processing"),
    "account_tokens": _l("Confirmation and password-reset links"),
    "attempts": _l("Diagnostics taken"),
    "attempt_answers": _l("Answers"),
    "competence_scores": _l("Results by competence"),
    "development_tracks": _l("Development tracks"),
    "track_modules": _l("Modules of the tracks"),
    "evidence_files": _l("Uploaded files"),
    "certificates": _l("Certificates"),
    "deletion_requests": _l("Deletion requests"),
    "audit_events": _l("Record of actions"),
    "outbox_messages": _l("Letters sent to you"),
}


def _download(body: bytes, mimetype: str, extension: str) -> Response:
    """Return a personal download that no cache keeps."""
    day = to_user_timezone(utcnow()).date().isoformat()
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="personal-data-{day}.{extension}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/profile/data.json")
@login_required
def data_json():
    """Download everything the portal holds about oneself, as JSON."""
    user = current_user._get_current_object()
    data = personal_data(user)
    audit.record("personal_data_exported", user, "user", user.id, format="json")
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()
    return _download(body, "application/json", "json")


@bp.route("/profile/data.pdf")
@login_required
def data_pdf():
    """Download a readable PDF of everything the portal holds about oneself."""
    user = current_user._get_current_object()
    data = personal_data(user)
    audit.record("personal_data_exported", user, "user", user.id, format="pdf")
    db.session.commit()
    html = render_template(
        "privacy/report.html", user=user, data=data, now=utcnow(), table_titles=TABLE_TITLES
    )
    return _download(
        render_pdf(html, ("pdf/fonts.css", "pdf/report.css")), "application/pdf", "pdf"
    )


@bp.route("/profile/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """Withdraw consent and ask for the account's deletion."""
    user = current_user._get_current_object()
    pending = services.pending_request(user)
    form = DeletionRequestForm()
    status = 200
    if pending is None and form.validate_on_submit():
        if not verify_password(user.password_hash, form.password.data):
            form.password.errors.append(_("The password is wrong."))
            status = 422
        else:
            services.request_deletion(user, form.reason.data)
            flash(
                _(
                    "Your request is sent. An administrator deletes the account within 30 days "
                    "and we tell you by e-mail; until then you can cancel it here."
                ),
                "success",
            )
            return redirect(url_for("privacy.delete_account"))
    elif form.is_submitted() and pending is None:
        status = 422
    return (
        render_template(
            "privacy/delete.html", form=form, pending=pending, cancel_form=ConfirmForm()
        ),
        status,
    )


@bp.route("/profile/delete/cancel", methods=["POST"])
@login_required
def cancel_deletion():
    """Take back one's own deletion request."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("privacy.delete_account"))
    try:
        services.cancel_deletion(current_user._get_current_object())
    except services.PrivacyError as error:
        flash(str(error.message), "warning")
    else:
        flash(_("The request is cancelled; your account stays."), "success")
    return redirect(url_for("privacy.delete_account"))


def _requests_page(status: int = 200, refuse_form=None, refused_id=None):
    """Render the list of deletion requests, the open ones first."""
    rows = db.session.scalars(
        select(DeletionRequest)
        .order_by(
            DeletionRequest.status != DeletionStatus.PENDING, DeletionRequest.requested_at.desc()
        )
        .limit(200)
    ).all()
    page = render_template(
        "privacy/requests.html",
        requests=rows,
        confirm_form=ConfirmForm(),
        refuse_form=refuse_form or RefusalForm(formdata=None),
        refused_id=refused_id,
    )
    return page, status


@bp.route("/admin/deletions")
@admins_only
def requests():
    """List deletion requests, the open ones first."""
    return _requests_page()


@bp.route("/admin/deletions/<int:request_id>/confirm", methods=["POST"])
@admins_only
def confirm(request_id: int):
    """Delete the data of the person of a request."""
    request = db.get_or_404(DeletionRequest, request_id)
    if not ConfirmForm().validate_on_submit():
        return _requests_page(400)
    try:
        services.confirm_deletion(request, current_user._get_current_object())
    except services.PrivacyError as error:
        flash(str(error.message), "warning")
        return _requests_page(error.status)
    flash(
        _("The account is deleted: the person's data is erased, the results stay anonymous."),
        "success",
    )
    return redirect(url_for("privacy.requests"))


@bp.route("/admin/deletions/<int:request_id>/refuse", methods=["POST"])
@admins_only
def refuse(request_id: int):
    """Refuse a request with a reason."""
    request = db.get_or_404(DeletionRequest, request_id)
    form = RefusalForm()
    if not form.validate_on_submit():
        return _requests_page(422, refuse_form=form, refused_id=request_id)
    try:
        services.refuse_deletion(request, current_user._get_current_object(), form.note.data)
    except services.PrivacyError as error:
        flash(str(error.message), "warning")
        return _requests_page(error.status)
    flash(_("The request is refused; the person is told why."), "success")
    return redirect(url_for("privacy.requests"))
