"""Administration pages."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from competence import audit
from competence.accounts import second_factor
from competence.accounts.access import role_required
from competence.accounts.models import Role, User
from competence.admin import services
from competence.admin.forms import RegistryImportForm, UserAdminForm, UserSearchForm
from competence.audit import AuditEvent
from competence.audit.queries import user_history
from competence.audit.wording import tell
from competence.errors import error_response
from competence.extensions import db
from competence.forms import ConfirmForm
from competence.outbox import reading
from competence.outbox.models import MessageStatus, OutboxMessage
from competence.outbox.services import OutboxError, retry_now
from competence.schools.models import Municipality, School
from competence.schools.registry import RegistryFileError, import_registry
from competence.schools.services import region_with_schools

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.before_request
@role_required(Role.ADMIN)
def require_admin():
    """Let only administrators into this blueprint."""


@bp.route("/")
def index():
    """Show the administration overview."""
    counts = {
        "users": db.session.scalar(select(func.count(User.id))),
        "schools": db.session.scalar(select(func.count(School.id))),
        "municipalities": db.session.scalar(select(func.count(Municipality.id))),
        "outbox_pending": db.session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.status == MessageStatus.PENDING
            )
        ),
        "pending_leaders": db.session.scalar(
            services.user_query(pending_leaders=True)
            .with_only_columns(func.count(User.id))
            .order_by(None)
        ),
    }
    return render_template("admin/index.html", counts=counts)


@bp.route("/users")
def users():
    """List users with search and filters."""
    form = UserSearchForm(request.args)
    query = services.user_query(form.q.data or "", form.role.data or "", bool(form.pending.data))
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", form=form, page=page)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Change a user's role, municipality, school and state."""
    user = db.get_or_404(User, user_id)
    form = UserAdminForm()
    form.set_region_choices(region_with_schools())
    if request.method == "GET":
        form.role.data = user.role
        form.municipality.data = user.municipality_id
        form.school.data = user.school_id
        form.active.data = user.active
        form.email_confirmed.data = user.email_confirmed
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            changed = services.update_user(
                current_user,
                user,
                form.role.data,
                form.municipality.data,
                form.school.data,
                form.active.data,
                form.email_confirmed.data,
            )
        except services.AdminError as error:
            target = getattr(form, error.field) if error.field else None
            (target.errors if target else form.form_errors).append(str(error.message))
        else:
            flash(_("Saved.") if changed else _("Nothing has changed."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    events = tell(db.session.scalars(user_history(user.id).order_by(AuditEvent.id.desc()).limit(5)))
    return render_template(
        "admin/user_edit.html",
        form=form,
        user=user,
        events=events,
        second_factor_on=second_factor.is_enabled(user),
        reset_form=ConfirmForm(),
    ), status


@bp.route("/users/<int:user_id>/second-factor/reset", methods=["POST"])
def reset_second_factor(user_id: int):
    """Remove a user's second factor (a lost phone); another administrator must do it."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    user = db.get_or_404(User, user_id)
    try:
        second_factor.reset_by_admin(current_user, user)
    except second_factor.SecondFactorError as error:
        flash(str(error.message), "danger")
    else:
        flash(
            _(
                "The second factor of %(name)s is reset; their sessions are ended. They will "
                "connect an app again at the next sign-in.",
                name=user.full_name,
            ),
            "success",
        )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/registry", methods=["GET", "POST"])
def registry():
    """Import the register of municipalities and schools from a file."""
    form = RegistryImportForm()
    errors, summary, status = [], None, 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            summary = import_registry(upload.filename or "file", upload.read(), current_user)
        except RegistryFileError as exc:
            errors, status = exc.errors, 422
    elif form.is_submitted():
        status = 422
    municipalities = db.session.execute(
        select(Municipality, func.count(School.id))
        .outerjoin(School)
        .group_by(Municipality.id)
        .order_by(Municipality.name)
    ).all()
    return (
        render_template(
            "admin/registry.html",
            form=form,
            errors=errors,
            summary=summary,
            municipalities=municipalities,
        ),
        status,
    )


@bp.route("/outbox")
def outbox():
    """List the e-mails in the outbox by state and recipient, newest first."""
    status = request.args.get("status", "")
    status = status if status in set(MessageStatus) else ""
    recipient = request.args.get("recipient", "").strip()[:254]
    per_page = reading.page_size(request.args.get("per_page"))
    page = db.paginate(
        reading.messages_query(status, recipient), per_page=per_page, error_out=False
    )
    args = {"status": status, "recipient": recipient, "per_page": per_page}
    args = {key: value for key, value in args.items() if value}
    return render_template(
        "admin/outbox.html", page=page, status=status, recipient=recipient, args=args
    )


@bp.route("/outbox/<int:message_id>")
def outbox_message(message_id: int):
    """Show one e-mail with the tokens of its links masked; every reading is logged."""
    message = db.get_or_404(OutboxMessage, message_id)
    sizes = {a.id: format_decimal(round(len(a.data) / 1024, 1)) for a in message.attachments}
    audit.note(
        "outbox_letter_read",
        current_user,
        "outbox_message",
        message.id,
        kind=message.kind,
        recipient=message.recipient,
    )
    return render_template(
        "admin/outbox_message.html",
        message=message,
        sizes=sizes,
        body_text=reading.mask_links(message.body_text),
        body_html=reading.mask_links(message.body_html),
    )


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
def outbox_retry(message_id: int):
    """Put an e-mail back at the head of the delivery queue."""
    message = db.get_or_404(OutboxMessage, message_id)
    try:
        retry_now(message)
    except OutboxError as error:
        return error_response(error.status, error.message)
    flash(_("The letter will be sent on the next delivery pass."), "success")
    return redirect(url_for("admin.outbox_message", message_id=message.id))
