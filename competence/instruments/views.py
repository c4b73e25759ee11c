"""Methodists' pages: the library of instruments, drafts, publication, import and export."""

import random

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from competence.accounts.access import role_required
from competence.accounts.models import Role
from competence.extensions import db
from competence.forms import ConfirmForm
from competence.instruments import editing, services, spec, wording
from competence.instruments.forms import ImportForm, NewDocumentForm
from competence.instruments.library import compiled, latest_published_versions
from competence.instruments.models import ContentDocument, ContentKind, ContentVersion
from competence.instruments.presentation import (
    PageTokens,
    canonical_layout,
    item_views,
    shuffled_layout,
)
from competence.instruments.provenance import source_label

bp = Blueprint("instruments", __name__, url_prefix="/instruments")
bp.add_app_template_filter(source_label, "content_source")

EDITABLE = (ContentKind.INSTRUMENT, ContentKind.FRAMEWORK)


@bp.before_request
@role_required(Role.METHODIST, Role.ADMIN)
def require_methodist():
    """Let only methodists and administrators in."""


def document_or_404(kind: str, key: str) -> ContentDocument:
    """Return the document of this kind and key, or answer 404."""
    if kind not in set(ContentKind):
        abort(404)
    return db.one_or_404(
        select(ContentDocument).where(ContentDocument.kind == kind, ContentDocument.key == key)
    )


def draft_of(kind: str, key: str) -> tuple[ContentDocument, ContentVersion]:
    """Return a document and its open draft; 404 when there is no draft to edit."""
    document = document_or_404(kind, key)
    draft = document.draft
    if draft is None:
        abort(404, _("There is no open draft: open one from the document's page."))
    return document, draft


@bp.route("/")
def index():
    """List instruments, frameworks and scales with their versions and drafts."""
    documents = db.session.scalars(
        select(ContentDocument).order_by(ContentDocument.kind, ContentDocument.key)
    ).all()
    latest = {version.document_id: version for version in latest_published_versions()}
    grouped = {kind: [d for d in documents if d.kind == kind] for kind in ContentKind}
    return render_template(
        "instruments/index.html", grouped=grouped, latest=latest, kinds=ContentKind
    )


@bp.route("/new/<kind>", methods=["GET", "POST"])
def new_document(kind: str):
    """Create an instrument (on a framework) or a framework (on a level scale)."""
    if kind not in EDITABLE:
        abort(404)
    parent_kind = ContentKind.FRAMEWORK if kind == ContentKind.INSTRUMENT else ContentKind.SCALE
    parents = [spec.from_data(v.content) for v in latest_published_versions(parent_kind)]
    if kind == ContentKind.FRAMEWORK:
        parents = [p for p in parents if isinstance(p, spec.LevelScale)]
    form = NewDocumentForm()
    form.parent.choices = [(p.id, p.title) for p in parents]
    if kind == ContentKind.FRAMEWORK:
        form.parent.label.text = _("Level scale")
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        content = services.skeleton(kind, form.key.data, form.title.data.strip(), form.parent.data)
        try:
            services.new_document_draft(kind, content, current_user)
        except services.ContentErrors as exc:
            form.key.errors = [*form.key.errors, *(error.message for error in exc.errors)]
            status = 409
        else:
            flash(_("The draft is created."), "success")
            return redirect(url_for(f"instruments.edit_{kind}", key=form.key.data))
    return render_template("instruments/new.html", form=form, kind=kind), status


@bp.route("/<kind>/<key>")
def document(kind: str, key: str):
    """Show a document's versions, its draft, export and preview links."""
    doc = document_or_404(kind, key)
    versions = sorted(
        (v for v in doc.versions if v.is_published), key=lambda v: v.number, reverse=True
    )
    shown = versions[0] if versions else doc.draft
    bank = None
    if kind == ContentKind.INSTRUMENT and shown is not None and isinstance(shown.content, dict):
        bank = editing.bank_counts(shown.content)
    return render_template(
        "instruments/document.html",
        doc=doc,
        versions=versions,
        draft=doc.draft,
        bank=bank,
        form=ConfirmForm(),
    )


@bp.route("/<kind>/<key>/draft", methods=["POST"])
def open_draft(kind: str, key: str):
    """Open a draft from the newest version (or go to the open one)."""
    if kind not in EDITABLE:
        abort(404)
    doc = document_or_404(kind, key)
    if ConfirmForm().validate_on_submit():
        services.start_draft(doc, current_user)
    return redirect(url_for(f"instruments.edit_{kind}", key=key))


@bp.route("/<kind>/<key>/draft/discard", methods=["POST"])
def discard(kind: str, key: str):
    """Throw an open draft away."""
    doc, draft = draft_of(kind, key)
    if ConfirmForm().validate_on_submit():
        services.discard_draft(draft, current_user)
        flash(_("The draft is discarded."), "info")
    if doc.latest_published is None:
        return redirect(url_for("instruments.index"))
    return redirect(url_for("instruments.document", kind=kind, key=key))


@bp.route("/<kind>/<key>/draft/publish", methods=["POST"])
def publish(kind: str, key: str):
    """Publish the draft as a new version, or show what stops it."""
    doc, draft = draft_of(kind, key)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    # Instruments built on a framework are published anew with it: the methodist sees which
    # first, and confirms exactly that draft and that list.
    plans = services.planned_republications(draft)
    token = services.publication_token(draft, plans)
    confirmed = request.form.get("confirmation")
    if (plans and confirmed is None) or (confirmed is not None and confirmed != token):
        stale = confirmed is not None
        if stale:
            flash(
                _(
                    "The draft or the instruments built on it changed after you were asked. "
                    "Nothing is published: check the list again."
                ),
                "warning",
            )
        page = render_template(
            "instruments/confirm_publish.html",
            doc=doc,
            draft=draft,
            plans=plans,
            token=token,
            form=ConfirmForm(),
        )
        return page, 409 if stale else 200
    try:
        report = services.publish_draft(draft, current_user)
    except services.NothingToPublish:
        flash(_("The draft is the same as the published version: there is nothing to publish."))
        return redirect(url_for(f"instruments.edit_{kind}", key=key))
    except services.ContentErrors as exc:
        return editor.render_draft(kind, key, publish_errors=exc.errors), 422
    for version in report.published:
        flash(
            _(
                "Published: %(title)s, version %(number)d.",
                title=version.title,
                number=version.number,
            ),
            "success",
        )
    return redirect(url_for("instruments.document", kind=kind, key=key))


@bp.route("/<kind>/<key>/v<int:number>.yaml")
def export(kind: str, key: str, number: int):
    """Download a published version as YAML."""
    doc = document_or_404(kind, key)
    version = db.one_or_404(
        select(ContentVersion).where(
            ContentVersion.document_id == doc.id, ContentVersion.number == number
        )
    )
    return Response(
        services.export_yaml(version),
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{key}-v{number}.yaml"'},
    )


@bp.route("/import", methods=["GET", "POST"])
def import_document():
    """Make an uploaded or pasted YAML document a draft."""
    form = ImportForm()
    errors, status = [], 200
    if form.validate_on_submit():
        upload = form.file.data
        if upload and upload.filename:
            name, raw = upload.filename, upload.read()
        else:
            name, raw = "text.yaml", (form.text.data or "").encode()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            errors, status = [_("The file must be UTF-8 text.")], 422
        else:
            if not text.strip():
                errors, status = [_("Choose a file or paste the YAML text.")], 422
            else:
                try:
                    draft = services.import_yaml(
                        name, text, current_user, replace_draft=form.replace_draft.data
                    )
                except services.ContentErrors as exc:
                    errors, status = [str(error) for error in exc.errors], 422
                except services.DraftOpen as exc:
                    # Keep the document (an upload cannot be re-sent) for a second press.
                    form.text.data = text
                    form.replace_draft.errors = [
                        _(
                            "%(key)s already has an open draft (saved %(when)s). Tick "
                            "“replace the open draft” to overwrite it, or publish or discard "
                            "it first.",
                            key=exc.draft.document.key,
                            when=format_datetime(exc.draft.updated_at, "short"),
                        )
                    ]
                    status = 409
                else:
                    flash(_("Imported as a draft. Check it and publish."), "success")
                    kind = draft.document.kind
                    if kind in EDITABLE:
                        return redirect(url_for(f"instruments.edit_{kind}", key=draft.document.key))
                    return redirect(
                        url_for("instruments.document", kind=kind, key=draft.document.key)
                    )
    return render_template("instruments/import.html", form=form, errors=errors), status


@bp.route("/instrument/<key>/preview")
def preview(key: str):
    """Show an instrument as a teacher sees it: the draft, or a published version."""
    doc = document_or_404(ContentKind.INSTRUMENT, key)
    number = request.args.get("version", type=int)
    if number is not None:
        version = db.one_or_404(
            select(ContentVersion).where(
                ContentVersion.document_id == doc.id, ContentVersion.number == number
            )
        )
        ready = compiled(version)
        instrument, scales, errors = ready.instrument, ready.scales, []
    else:
        draft = doc.draft or doc.latest_published
        if draft is None:
            abort(404)
        result = services.check(ContentKind.INSTRUMENT, draft.content)
        library = services.published_library_objects()
        words = wording.vocabulary(draft.content, library)
        errors = [wording.placed(error, words) for error in result.errors]
        instrument = result.objects[0] if result.objects and not errors else None
        scales = {obj.id: obj for obj in library if spec.kind_of(obj) == ContentKind.SCALE}
    if errors:
        return render_template("instruments/preview.html", doc=doc, errors=errors), 422
    written_order = request.args.get("order") == "written"
    layout = (
        canonical_layout(instrument)
        if written_order
        else shuffled_layout(instrument, random.Random())
    )
    return render_template(
        "instruments/preview.html",
        doc=doc,
        instrument=instrument,
        views=item_views(instrument, scales, layout, PageTokens(layout["secret"])),
        number=number,
        written_order=written_order,
        errors=[],
    )


# The editor's routes live in their own module on this blueprint.
from competence.instruments import editor  # noqa: E402
