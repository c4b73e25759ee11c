"""Loading, drafting, publishing and exporting scales, frameworks and instruments."""

import copy
import dataclasses
import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import select

from competence import audit
from competence.database import utcnow
from competence.extensions import db
from competence.instruments import export, spec
from competence.instruments.fieldchecks import ValidationError
from competence.instruments.library import compile_instrument, latest_published_versions
from competence.instruments.models import (
    ContentDocument,
    ContentKind,
    ContentVersion,
    VersionStatus,
)
from competence.instruments.validation import (
    Document,
    ValidationResult,
    validate_documents,
    validate_sources,
    validate_tree,
)
from competence.instruments.yamlsource import parse_yaml

# Scales first, then frameworks, then instruments: each kind refers only to the ones before.
PUBLICATION_ORDER = (ContentKind.SCALE, ContentKind.FRAMEWORK, ContentKind.INSTRUMENT)


class ContentErrors(Exception):
    """Content that cannot be published; `errors` lists every problem."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} errors")
        self.errors = list(errors)


class NothingToPublish(Exception):
    """The draft is identical to the latest published version."""


class DraftOpen(Exception):
    """The document already has an open draft that an import would overwrite."""

    def __init__(self, draft):
        super().__init__(f"{draft.document.kind} {draft.document.key} has an open draft")
        self.draft = draft


@dataclass
class PublicationReport:
    """Versions created and documents left as they were."""

    published: list[ContentVersion] = field(default_factory=list)
    unchanged: list[ContentVersion] = field(default_factory=list)
    # Portal-published versions a load from files left in place.
    skipped: list[ContentVersion] = field(default_factory=list)


def _canonical_hash(data) -> str:
    """Return the sha256 of canonical JSON of plain data."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _document(kind: str, key: str, create: bool = True) -> ContentDocument | None:
    """Return the document of this kind and key, creating it when asked."""
    document = db.session.scalar(
        select(ContentDocument).where(ContentDocument.kind == kind, ContentDocument.key == key)
    )
    if document is None and create:
        document = ContentDocument(kind=kind, key=key)
        db.session.add(document)
        db.session.flush()
    return document


def _published_library() -> dict[tuple[str, str], spec.SpecObject]:
    """Return every newest published object by (kind, key)."""
    return {
        (version.document.kind, version.document.key): spec.from_data(version.content)
        for version in latest_published_versions()
    }


def published_library_objects() -> list[spec.SpecObject]:
    """Return every newest published scale, framework and instrument as a spec object."""
    return list(_published_library().values())


def skeleton(kind: str, key: str, title: str, parent: str) -> dict:
    """Return the content of a new draft: an instrument on framework `parent`, or a framework
    on level scale `parent`."""
    if kind == ContentKind.FRAMEWORK:
        return {"framework": key, "title": title, "levels": parent, "areas": []}
    framework = _published_library()[(ContentKind.FRAMEWORK, parent)]
    return {
        "instrument": key,
        "title": title,
        "description": "",
        "framework": parent,
        "audience": {"positions": ["teacher"]},
        "time_limit_minutes": 45,
        "retake": {"cooldown_days": 30, "attempts_per_year": 3},
        "levels": framework.levels,
        "deficit_threshold": 65,
        "competences": [],
        "items": [],
    }


def _publish_object(
    obj: spec.SpecObject,
    library: dict,
    source: str,
    actor,
    report: PublicationReport,
    draft: ContentVersion | None = None,
) -> ContentVersion:
    """Publish `obj` as a new version unless the newest one has the same content."""
    kind = spec.kind_of(obj)
    compiled = compile_instrument(obj, library) if kind == ContentKind.INSTRUMENT else None
    # An instrument's identity includes the framework and scales it was compiled with.
    content_hash = _canonical_hash(compiled) if compiled else spec.content_hash(obj)
    document = _document(kind, obj.id)
    latest = document.latest_published
    if latest is not None and latest.content_hash == content_hash:
        report.unchanged.append(latest)
        return latest
    version = draft or ContentVersion(document=document, created_by_id=getattr(actor, "id", None))
    version.status = VersionStatus.PUBLISHED
    version.number = (latest.number + 1) if latest else 1
    version.title = obj.title
    version.content = obj.to_data()
    version.compiled = compiled
    version.content_hash = content_hash
    version.source = source
    version.published_at = utcnow()
    version.published_by_id = getattr(actor, "id", None)
    db.session.add(version)
    db.session.flush()
    report.published.append(version)
    return version


def _dependent_instruments(library: dict, changed: spec.SpecObject) -> list[spec.Instrument]:
    """Return the published instruments that use a changed framework or scale."""
    kind = spec.kind_of(changed)

    def uses(instrument: spec.Instrument) -> bool:
        if kind == ContentKind.FRAMEWORK:
            return instrument.framework == changed.id
        return kind == ContentKind.SCALE and changed.id in compile_scales(instrument)

    return [
        obj
        for (other_kind, _), obj in library.items()
        if other_kind == ContentKind.INSTRUMENT and uses(obj)
    ]


def compile_scales(instrument: spec.Instrument) -> set[str]:
    """Return the ids of the scales an instrument uses."""
    likert = {item.body.scale for item in instrument.items if item.type == "likert"}
    return {instrument.levels} | likert


def _recompile_dependents(
    library: dict, changed, source: str, actor, report: PublicationReport, skip: set
) -> None:
    """Publish anew the instruments built on a changed framework or scale."""
    for instrument in _dependent_instruments(library, changed):
        if (ContentKind.INSTRUMENT, instrument.id) not in skip:
            _publish_object(instrument, library, f"{source} (recompiled)", actor, report)
            skip.add((ContentKind.INSTRUMENT, instrument.id))


def _finish(report: PublicationReport, actor, source: str) -> PublicationReport:
    """Log every version published and commit them together."""
    for version in report.published:
        audit.record(
            "content_published",
            actor,
            version.document.kind,
            version.document.key,
            number=version.number,
            source=source,
        )
    db.session.commit()
    return report


def publish_objects(objects, source: str, actor=None, report=None) -> PublicationReport:
    """Publish validated objects in dependency order; instruments follow their frameworks."""
    report = report or PublicationReport()
    library = _published_library()
    library.update({(spec.kind_of(obj), obj.id): obj for obj in objects})
    ordered = sorted(objects, key=lambda obj: PUBLICATION_ORDER.index(spec.kind_of(obj)))
    touched = {(spec.kind_of(obj), obj.id) for obj in ordered}
    for obj in ordered:
        _publish_object(obj, library, source, actor, report)
    for obj in ordered:
        if spec.kind_of(obj) != ContentKind.INSTRUMENT:
            _recompile_dependents(library, obj, source, actor, report, touched)
    return _finish(report, actor, source)


def edited_in_portal(document: ContentDocument) -> ContentVersion | None:
    """Return the version methodists published in the portal after the last load from files."""
    for version in sorted(
        (v for v in document.versions if v.is_published), key=lambda v: v.number, reverse=True
    ):
        if version.source.endswith("(recompiled)"):
            continue
        return None if version.source.startswith("file:") else version
    return None


def load_tree(path, actor=None, force: bool = False) -> PublicationReport:
    """Validate the YAML files under `path` and publish what changed; nothing on any error.

    A file whose document was published in the portal since the last load is skipped (listed
    in `skipped`), so that loading the shipped files never reverts methodists' work; `force`
    publishes it anyway.
    """
    library = _published_library()
    result = validate_tree(path, references=library.values())
    if result.errors:
        raise ContentErrors(result.errors)
    report, objects = PublicationReport(), list(result.objects)
    if not force:
        for obj in list(objects):
            document = _document(spec.kind_of(obj), obj.id, create=False)
            edited = edited_in_portal(document) if document is not None else None
            if edited is not None:
                objects.remove(obj)
                report.skipped.append(edited)
    if report.skipped:
        # The files loaded must still fit the portal's versions of the ones skipped.
        loaded = {(spec.kind_of(obj), obj.id) for obj in objects}
        check = validate_documents(
            [Document(o.to_data(), file=f"{spec.kind_of(o)}:{o.id}") for o in objects],
            [obj for ref, obj in library.items() if ref not in loaded],
        )
        if check.errors:
            raise ContentErrors(check.errors)
    return publish_objects(objects, source=f"file:{path}", actor=actor, report=report)


# Drafts ---------------------------------------------------------------------------------


def check(kind: str, content) -> ValidationResult:
    """Validate draft content against the published scales, frameworks and instruments."""
    key = content.get(kind) if isinstance(content, dict) else None
    library = _published_library()
    references = [obj for (k, i), obj in library.items() if (k, i) != (kind, key)]
    documents = [Document(content)]
    if kind in (ContentKind.FRAMEWORK, ContentKind.SCALE) and key:
        # A changed framework or scale must still suit every instrument built on it.
        changed = spec.from_data(content) if _is_valid_alone(kind, content, references) else None
        if changed is not None:
            dependents = _dependent_instruments(library, changed)
            references = [r for r in references if r not in dependents]
            documents += [Document(i.to_data(), file=f"instrument:{i.id}") for i in dependents]
            # Their errors keep the file "instrument:<id>", by which the editor names them.
            return validate_documents(documents, references)
    return validate_documents(documents, references)


def _is_valid_alone(kind: str, content, references) -> bool:
    """Tell whether a framework or scale is valid before checking its dependents."""
    return not validate_documents([Document(content)], references).errors


def start_draft(document: ContentDocument, actor) -> ContentVersion:
    """Return the open draft of a document, opening one from the newest version if needed."""
    draft = document.draft
    if draft is None:
        latest = document.latest_published
        draft = ContentVersion(
            document=document,
            status=VersionStatus.DRAFT,
            title=latest.title if latest else document.key,
            content=copy.deepcopy(latest.content) if latest else {},
            source="editor",
            created_by_id=getattr(actor, "id", None),
        )
        db.session.add(draft)
        db.session.commit()
    return draft


def new_document_draft(kind: str, content: dict, actor) -> ContentVersion:
    """Create a document with a first draft holding `content`; refuse a key already used."""
    key = content[kind]
    if _document(kind, key, create=False) is not None:
        raise ContentErrors(
            [ValidationError(None, None, (kind,), f"идентификатор «{key}» уже занят")]
        )
    document = _document(kind, key)
    draft = ContentVersion(
        document=document,
        status=VersionStatus.DRAFT,
        title=content.get("title") or key,
        content=content,
        source="editor",
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(draft)
    audit.record("draft_created", actor, kind, key)
    db.session.commit()
    return draft


def save_draft(draft: ContentVersion, content: dict) -> None:
    """Replace the content of a draft."""
    if draft.is_published:
        raise ValueError("a published version cannot be edited")
    draft.content = copy.deepcopy(content)
    draft.title = str(content.get("title") or draft.document.key)[:300]
    draft.updated_at = utcnow()
    db.session.commit()


def publish_draft(draft: ContentVersion, actor) -> PublicationReport:
    """Publish a valid draft (and recompile instruments built on it); raise on errors."""
    kind = draft.document.kind
    result = check(kind, draft.content)
    if result.errors:
        raise ContentErrors(result.errors)
    obj = result.objects[0]
    library = _published_library()
    library[(kind, obj.id)] = obj
    report = PublicationReport()
    _publish_object(obj, library, "editor", actor, report, draft=draft)
    if report.unchanged:
        db.session.rollback()
        raise NothingToPublish()
    if kind != ContentKind.INSTRUMENT:
        _recompile_dependents(library, obj, "editor", actor, report, set())
    return _finish(report, actor, "editor")


@dataclass(frozen=True)
class Republication:
    """An instrument that publishing a framework or scale draft publishes anew."""

    key: str
    title: str
    current: int
    new: int


def planned_republications(draft: ContentVersion) -> list[Republication]:
    """Return the instruments that publishing a valid framework or scale draft would publish
    anew (those whose compiled form changes); nothing is written."""
    kind = draft.document.kind
    if kind == ContentKind.INSTRUMENT:
        return []
    result = check(kind, draft.content)
    if result.errors:
        return []
    obj = result.objects[0]
    library = _published_library()
    library[(kind, obj.id)] = obj
    plans = []
    for instrument in _dependent_instruments(library, obj):
        latest = _document(ContentKind.INSTRUMENT, instrument.id).latest_published
        if latest.content_hash != _canonical_hash(compile_instrument(instrument, library)):
            plans.append(
                Republication(instrument.id, latest.title, latest.number, latest.number + 1)
            )
    return sorted(plans, key=lambda plan: plan.title)


def publication_token(draft: ContentVersion, plans: list[Republication]) -> str:
    """Return what a confirmation of publishing is bound to: the draft and what it republishes."""
    return _canonical_hash(
        {"content": draft.content, "plans": [dataclasses.astuple(plan) for plan in plans]}
    )


def discard_draft(draft: ContentVersion, actor) -> None:
    """Delete an open draft (and its document, if nothing was ever published)."""
    document = draft.document
    db.session.delete(draft)
    if document.latest_published is None:
        db.session.delete(document)
    audit.record("draft_discarded", actor, document.kind, document.key)
    db.session.commit()


def import_yaml(filename: str, text: str, actor, replace_draft: bool = False) -> ContentVersion:
    """Make a valid YAML document the draft of its document; raise ContentErrors otherwise.

    An open draft is someone's unpublished work: it is replaced only when asked (DraftOpen).
    """
    data = parse_yaml(text).data
    kind = next(iter(data), None) if isinstance(data, dict) else None
    key = data.get(kind) if kind else None
    references = [obj for ref, obj in _published_library().items() if ref != (kind, key)]
    result = validate_sources([(filename, text)], references=references)
    if result.errors:
        raise ContentErrors(result.errors)
    [obj] = result.objects
    document = _document(spec.kind_of(obj), obj.id)
    if document.draft is not None and not replace_draft:
        raise DraftOpen(document.draft)
    draft = document.draft or ContentVersion(
        document=document, status=VersionStatus.DRAFT, created_by_id=getattr(actor, "id", None)
    )
    draft.content = obj.to_data()
    draft.title = obj.title
    draft.source = f"import:{filename}"
    draft.updated_at = utcnow()
    db.session.add(draft)
    audit.record(
        "draft_imported",
        actor,
        document.kind,
        obj.id,
        filename=filename,
        replaced=replace_draft and draft.id is not None,
    )
    db.session.commit()
    return draft


def export_yaml(version: ContentVersion) -> str:
    """Return a version (or a valid draft) as YAML in the documented format."""
    return export.to_yaml(spec.from_data(version.content))
