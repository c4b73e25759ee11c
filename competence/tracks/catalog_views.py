"""Methodists' pages for the catalogue: modules, their editing, gaps, YAML export."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from competence import audit
from competence.accounts.access import role_required
from competence.accounts.models import Role
from competence.audit import AuditEvent
from competence.extensions import db
from competence.forms import ConfirmForm
from competence.instruments import spec
from competence.instruments.fieldchecks import Report
from competence.instruments.services import published_library_objects
from competence.instruments.yamlsource import LineMap
from competence.tracks.catalog import check_module, coverage_gaps
from competence.tracks.forms import ModuleForm
from competence.tracks.library import apply_module, export_catalog, module_data
from competence.tracks.models import CatalogModule
from competence.tracks.views import bp

methodists_only = role_required(Role.METHODIST, Role.ADMIN)


def framework_reference(objects) -> dict[str, dict]:
    """Return, per published framework, its title, competence titles and level titles by id."""
    scales = {o.id: o for o in objects if isinstance(o, spec.LevelScale)}
    reference = {}
    for framework in (o for o in objects if isinstance(o, spec.Framework)):
        scale = scales.get(framework.levels)
        reference[framework.id] = {
            "title": framework.title,
            "competences": {c.id: c.title for area in framework.areas for c in area.competences},
            "levels": {level.id: level.title for level in scale.levels} if scale else {},
        }
    return reference


@bp.route("/catalog/")
@methodists_only
def catalog():
    """List the modules of the catalogue and its gaps."""
    modules = db.session.scalars(
        select(CatalogModule).order_by(CatalogModule.retired, CatalogModule.kind, CatalogModule.key)
    ).all()
    objects = published_library_objects()
    live = [module_data(m) for m in modules if not m.retired]
    recent_gaps = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "catalog_gap")
        .order_by(AuditEvent.id.desc())
        .limit(50)
    ).all()
    return render_template(
        "tracks/catalog.html",
        modules=modules,
        gaps=coverage_gaps(live, objects),
        recent_gaps=recent_gaps,
        reference=framework_reference(objects),
        confirm=ConfirmForm(),
    )


def _develops_lines(module: CatalogModule) -> str:
    """Write the competences a module develops, one per line, as the form shows them."""
    return "\n".join(
        " ".join([entry["framework"], entry["competence"], *entry["levels"]])
        for entry in module.develops
    )


def _form_data(form: ModuleForm) -> dict:
    """Return the module of a form in the file format."""
    develops = []
    for line in (form.develops.data or "").splitlines():
        parts = line.split()
        if parts:
            develops.append(
                {
                    "framework": parts[0],
                    "competence": parts[1] if len(parts) > 1 else "",
                    "levels": parts[2:],
                }
            )
    data = {
        "id": form.key.data,
        "kind": form.kind.data,
        "title": form.title.data.strip(),
        "description": form.description.data.strip(),
        "provider": form.provider.data.strip(),
        "format": form.format.data,
        "hours": form.hours.data,
        "duration_weeks": form.duration_weeks.data,
        "audience": {
            "positions": list(form.positions.data or []),
            "subjects": list(form.subjects.data or []),
        },
        "develops": develops,
    }
    if form.url.data:
        data["url"] = form.url.data
    return data


@bp.route("/catalog/new", methods=["GET", "POST"])
@bp.route("/catalog/<key>", methods=["GET", "POST"])
@methodists_only
def edit_module(key: str | None = None):
    """Create or edit a catalogue module with the same checks as the files."""
    module = None
    if key is not None:
        module = db.one_or_404(select(CatalogModule).where(CatalogModule.key == key))
    form = ModuleForm()
    status = 200
    if not form.is_submitted() and module is not None:
        form.process(data=module_data(module) | {"key": module.key})
        form.positions.data = module.audience["positions"]
        form.subjects.data = module.audience.get("subjects") or []
        form.develops.data = _develops_lines(module)
    elif form.is_submitted():
        status = 422
    if form.validate_on_submit():
        data = _form_data(form)
        objects = published_library_objects()
        report = Report(data, None, LineMap())
        frameworks = {o.id: o for o in objects if isinstance(o, spec.Framework)}
        levels = {o.id: o.level_ids for o in objects if isinstance(o, spec.LevelScale)}
        clash = db.session.scalar(select(CatalogModule).where(CatalogModule.key == data["id"]))
        if clash is not None and clash is not module:
            form.key.errors = [*form.key.errors, _("Another module has this identifier.")]
            status = 409
        elif not check_module(report, (), data, frameworks, levels):
            field_of = {"audience": "positions", "develops": "develops", "id": "key"}
            for error in report.errors:
                name = field_of.get(str(error.path[0]), str(error.path[0])) if error.path else None
                field = getattr(form, name, None) if name else None
                target = field if field is not None else form.develops
                target.errors = [*target.errors, error.message]
        else:
            created = module is None
            module = module or CatalogModule(key=data["id"])
            module.key = data["id"]
            apply_module(module, data, "portal")
            db.session.add(module)
            audit.record(
                "catalog_module_saved", current_user, "module", module.key, created=created
            )
            db.session.commit()
            flash(_("The module is saved."), "success")
            return redirect(url_for("tracks.catalog"))
    return render_template(
        "tracks/edit_module.html",
        form=form,
        module=module,
        reference=framework_reference(published_library_objects()),
    ), status


@bp.route("/catalog/<key>/retire", methods=["POST"])
@methodists_only
def retire_module(key: str):
    """Retire a module (or bring it back): retired modules are not proposed any more."""
    module = db.one_or_404(select(CatalogModule).where(CatalogModule.key == key))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    module.retired = not module.retired
    audit.record("catalog_module_retired", current_user, "module", key, retired=module.retired)
    db.session.commit()
    flash(
        _("The module is retired.") if module.retired else _("The module is back in use."), "info"
    )
    return redirect(url_for("tracks.catalog"))


@bp.route("/catalog.yaml")
@methodists_only
def export():
    """Download the catalogue as YAML, to keep the files in sync with the portal."""
    return Response(
        export_catalog(),
        mimetype="application/yaml",
        headers={"Content-Disposition": 'attachment; filename="catalog.yaml"'},
    )
