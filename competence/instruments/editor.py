"""The draft editor: instrument settings and items, framework areas and competences."""

import copy

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from competence.forms import ConfirmForm
from competence.instruments import editing, placement, services, spec, wording
from competence.instruments.forms import (
    DIFFICULTIES,
    ITEM_TYPES,
    AreaForm,
    CompetenceForm,
    FrameworkForm,
    ItemForm,
    SettingsForm,
)
from competence.instruments.models import ContentKind
from competence.instruments.views import bp, draft_of
from competence.measurement.labels import flag_label
from competence.measurement.labels import number as statistic
from competence.measurement.services import latest_item_statistics


def _library() -> dict:
    """Return the published objects by (kind, id)."""
    return {(spec.kind_of(o), o.id): o for o in services.published_library_objects()}


def _framework_of(content: dict) -> spec.Framework | None:
    """Return the published framework an instrument draft is built on."""
    return _library().get((ContentKind.FRAMEWORK, content.get("framework")))


def _competence_choices(framework: spec.Framework | None) -> list[tuple[str, str]]:
    """Return the framework's competences as choices labelled with their area."""
    if framework is None:
        return []
    return [
        (c.id, f"{c.title} ({area.title})") for area in framework.areas for c in area.competences
    ]


def _competence_labels(framework: spec.Framework | None) -> dict[str, tuple[str, str]]:
    """Return (title, area title) of each competence of a framework by its id."""
    if framework is None:
        return {}
    return {c.id: (c.title, area.title) for area in framework.areas for c in area.competences}


def _level_ids(content: dict) -> list[str]:
    """Return the level ids of the draft's level scale."""
    scale = _library().get((ContentKind.SCALE, content.get("levels")))
    return list(scale.level_ids) if isinstance(scale, spec.LevelScale) else []


def _level_titles(content: dict) -> dict[str, str]:
    """Return the titles of the levels of the draft's level scale by their id."""
    scale = _library().get((ContentKind.SCALE, content.get("levels")))
    return {lv.id: lv.title for lv in scale.levels} if isinstance(scale, spec.LevelScale) else {}


def words_for(content: dict) -> wording.Vocabulary:
    """Return the titles a draft's messages name things by."""
    return wording.vocabulary(content, services.published_library_objects())


def render_draft(kind: str, key: str, publish_errors=None, form=None):
    """Render the editor of an instrument or framework draft, with any publication errors."""
    doc, draft = draft_of(kind, key)
    content = draft.content
    checked = services.check(kind, content)
    errors = list(publish_errors or checked.errors)
    words = words_for(content)
    if kind == ContentKind.FRAMEWORK:
        submitted, form = form is not None, form or FrameworkForm(title=content.get("title"))
        general = placement.place_errors(form, errors, words, attach=not submitted)
        return render_template(
            "instruments/edit_framework.html",
            doc=doc,
            draft=draft,
            content=content,
            form=form,
            area_form=AreaForm(),
            errors=errors,
            general_errors=general,
            confirm=ConfirmForm(),
            attempted=publish_errors is not None,
        )
    framework = _framework_of(content)
    submitted = form is not None
    if form is None:
        form = SettingsForm(formdata=None)
        editing.settings_into_form(
            content, form, _competence_choices(framework), _level_ids(content)
        )
    # Errors of single items are listed under them; those of the list as a whole stay here.
    settings_errors = [e for e in errors if e.path[:1] != ("items",) or len(e.path) == 1]
    general = placement.place_errors(form, settings_errors, words, attach=not submitted)
    calibrated, item_statistics = latest_item_statistics(doc)
    return render_template(
        "instruments/edit_instrument.html",
        calibrated=calibrated,
        item_statistics=item_statistics,
        statistic=statistic,
        flag_label=flag_label,
        doc=doc,
        draft=draft,
        content=content,
        form=form,
        framework=framework,
        errors=errors,
        general_errors=general,
        warnings=checked.warnings,
        item_errors=placement.item_messages(errors, words),
        thresholds_open=editing.threshold_rows_invalid(form),
        level_titles=_level_titles(content),
        competence_labels=_competence_labels(framework),
        counts=editing.linked_counts(content),
        needed=editing.items_needed(content),
        bank=editing.bank_counts(content),
        difficulties=DIFFICULTIES,
        item_types=ITEM_TYPES,
        confirm=ConfirmForm(),
        attempted=publish_errors is not None,
    )


@bp.route("/instrument/<key>/edit", methods=["GET", "POST"])
def edit_instrument(key: str):
    """Edit the settings of an instrument draft and list its items."""
    _doc, draft = draft_of(ContentKind.INSTRUMENT, key)
    if request.method == "GET":
        return render_draft(ContentKind.INSTRUMENT, key)
    form = SettingsForm()
    choices = _competence_choices(_framework_of(draft.content))
    form.competences.choices = choices
    # Validate the rows as typed, then lay them out for this draft's levels and competences.
    valid = form.validate()
    editing.set_threshold_rows(form, draft.content, choices, _level_ids(draft.content))
    if valid:
        services.save_draft(draft, editing.settings_from_form(draft.content, form))
        flash(_("Saved."), "success")
        return redirect(url_for("instruments.edit_instrument", key=key))
    return render_draft(ContentKind.INSTRUMENT, key, form=form), 422


def _item_form(content: dict, item_type: str) -> ItemForm:
    """Return an item form with the choices of this draft."""
    form = ItemForm()
    likert = [o for o in _library().values() if isinstance(o, spec.LikertScale)]
    form.scale.choices = [(scale.id, scale.title) for scale in likert]
    form.type.data = item_type
    return form


@bp.route("/instrument/<key>/items/new", methods=["GET", "POST"])
@bp.route("/instrument/<key>/items/<int:index>", methods=["GET", "POST"])
def edit_item(key: str, index: int | None = None):
    """Add an item to an instrument draft or edit one."""
    _doc, draft = draft_of(ContentKind.INSTRUMENT, key)
    content = copy.deepcopy(draft.content)
    items = content.setdefault("items", [])
    if index is not None and not 0 <= index < len(items):
        abort(404)
    item = items[index] if index is not None else None
    item_type = item["type"] if item else request.values.get("type", "")
    if item_type not in ITEM_TYPES:
        abort(400, _("Unknown item type."))
    measured = list(content.get("competences") or [])
    form = _item_form(content, item_type)
    status = 200
    words = words_for(content)
    if request.method == "GET":
        editing.item_into_form(item or {"id": editing.next_item_id(content)}, form, measured)
        if item:
            index_errors = placement.item_errors(services.check("instrument", content).errors)
            form_errors = placement.place_errors(
                form, index_errors.get(index, []), words, ("items", index)
            )
        else:
            form_errors = []
    elif form.add_option.data or form.add_pair.data:
        # Another row was asked for: show the same form again, nothing saved, nothing lost.
        (form.options if form.add_option.data else form.pairs).append_entry()
        form_errors = []
    elif form.validate():
        new_item = editing.item_from_form(form)
        taken = {i.get("id") for n, i in enumerate(items) if n != index and isinstance(i, dict)}
        position = index if index is not None else len(items)
        if new_item["id"] in taken:
            form.id.errors = [*form.id.errors, _("Another item already has this identifier.")]
            form_errors, status = [], 409
        else:
            items[position : position + 1] = [new_item]
            # An item that cannot be published is refused now, not at publication.
            own = placement.item_errors(services.check("instrument", content).errors)
            own = placement.to_form_rows(form, own.get(position, []), ("items", position))
            if own:
                form_errors = placement.place_errors(form, own, words, ("items", position))
                status = 422
            else:
                services.save_draft(draft, content)
                flash(_("The item is saved."), "success")
                edit = url_for("instruments.edit_instrument", key=key)
                return redirect(f"{edit}#item-{position}")
    else:
        form_errors, status = [], 422
    editing.pad_rows(form, item_type)
    return render_template(
        "instruments/edit_item.html",
        draft=draft,
        key=key,
        form=form,
        index=index,
        item_type=item_type,
        item_types=ITEM_TYPES,
        form_errors=form_errors,
        competence_labels=_competence_labels(_framework_of(content)),
    ), status


@bp.route("/instrument/<key>/items/<int:index>/delete", methods=["POST"])
def delete_item(key: str, index: int):
    """Remove an item from an instrument draft."""
    _doc, draft = draft_of(ContentKind.INSTRUMENT, key)
    content = copy.deepcopy(draft.content)
    items = content.get("items") or []
    if not 0 <= index < len(items) or not ConfirmForm().validate_on_submit():
        abort(404 if not 0 <= index < len(items) else 400)
    removed = items.pop(index)
    services.save_draft(draft, content)
    flash(_("Item %(id)s is deleted.", id=removed.get("id", index + 1)), "info")
    return redirect(url_for("instruments.edit_instrument", key=key))


@bp.route("/instrument/<key>/items/<int:index>/move", methods=["POST"])
def move_item(key: str, index: int):
    """Move an item one place up or down in the written order."""
    _doc, draft = draft_of(ContentKind.INSTRUMENT, key)
    content = copy.deepcopy(draft.content)
    items = content.get("items") or []
    target = index + (-1 if request.form.get("direction") == "up" else 1)
    if not ConfirmForm().validate_on_submit() or not (
        0 <= index < len(items) and 0 <= target < len(items)
    ):
        abort(400)
    items[index], items[target] = items[target], items[index]
    services.save_draft(draft, content)
    return redirect(url_for("instruments.edit_instrument", key=key) + f"#item-{target}")


@bp.route("/framework/<key>/edit", methods=["GET", "POST"])
def edit_framework(key: str):
    """Edit the title of a framework draft and list its areas and competences."""
    _doc, draft = draft_of(ContentKind.FRAMEWORK, key)
    if request.method == "GET":
        return render_draft(ContentKind.FRAMEWORK, key)
    form = FrameworkForm()
    if form.validate():
        content = copy.deepcopy(draft.content)
        content["title"] = form.title.data.strip()
        services.save_draft(draft, content)
        flash(_("Saved."), "success")
        return redirect(url_for("instruments.edit_framework", key=key))
    return render_draft(ContentKind.FRAMEWORK, key, form=form), 422


@bp.route("/framework/<key>/areas", methods=["POST"])
def add_area(key: str):
    """Add an area to a framework draft."""
    _doc, draft = draft_of(ContentKind.FRAMEWORK, key)
    form = AreaForm()
    content = copy.deepcopy(draft.content)
    areas = content.setdefault("areas", [])
    if form.validate_on_submit():
        if any(area.get("id") == form.id.data for area in areas):
            flash(_("An area with this identifier already exists."), "danger")
            return redirect(url_for("instruments.edit_framework", key=key)), 303
        areas.append({"id": form.id.data, "title": form.title.data.strip(), "competences": []})
        services.save_draft(draft, content)
        flash(_("The area is added."), "success")
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                flash(message, "danger")
    return redirect(url_for("instruments.edit_framework", key=key))


@bp.route("/framework/<key>/areas/<area_id>/delete", methods=["POST"])
def delete_area(key: str, area_id: str):
    """Remove an area without competences from a framework draft."""
    _doc, draft = draft_of(ContentKind.FRAMEWORK, key)
    content = copy.deepcopy(draft.content)
    areas = content.get("areas") or []
    area = next((a for a in areas if isinstance(a, dict) and a.get("id") == area_id), None)
    if area is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if area.get("competences"):
        flash(
            _("Only an empty area can be deleted: delete or move its competences first."), "danger"
        )
        return render_draft(ContentKind.FRAMEWORK, key), 409
    areas.remove(area)
    services.save_draft(draft, content)
    flash(_("The area %(title)s is deleted.", title=area.get("title") or area_id), "info")
    return redirect(url_for("instruments.edit_framework", key=key))


@bp.route("/framework/<key>/competences/new", methods=["GET", "POST"])
@bp.route("/framework/<key>/competences/<competence_id>", methods=["GET", "POST"])
def edit_competence(key: str, competence_id: str | None = None):
    """Add a competence to a framework draft or edit one, with its level descriptors."""
    _doc, draft = draft_of(ContentKind.FRAMEWORK, key)
    content = draft.content
    found = editing.find_competence(content, competence_id) if competence_id else None
    if competence_id and found is None:
        abort(404)
    levels = _level_ids(content)
    form = CompetenceForm()
    form.area.choices = [(a.get("id"), a.get("title")) for a in content.get("areas") or []]
    status = 200
    if request.method == "GET":
        area, competence = found or ({"id": request.args.get("area")}, {})
        editing.competence_into_form(content, area.get("id"), competence, form, levels)
    elif form.validate():
        clash = editing.find_competence(content, form.id.data)
        if clash and form.id.data != competence_id:
            form.id.errors = [*form.id.errors, _("Another competence has this identifier.")]
            status = 409
        else:
            services.save_draft(draft, editing.put_competence(content, competence_id, form))
            flash(_("The competence is saved."), "success")
            return redirect(url_for("instruments.edit_framework", key=key))
    else:
        status = 422
    return render_template(
        "instruments/edit_competence.html",
        draft=draft,
        key=key,
        form=form,
        competence_id=competence_id,
        level_titles=_level_titles(content),
    ), status


@bp.route("/framework/<key>/competences/<competence_id>/delete", methods=["POST"])
def delete_competence(key: str, competence_id: str):
    """Remove a competence from a framework draft."""
    _doc, draft = draft_of(ContentKind.FRAMEWORK, key)
    content = copy.deepcopy(draft.content)
    found = editing.find_competence(content, competence_id)
    if found is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    area, competence = found
    area["competences"].remove(competence)
    services.save_draft(draft, content)
    flash(_("The competence is deleted."), "info")
    return redirect(url_for("instruments.edit_framework", key=key))
