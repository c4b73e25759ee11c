"""The published content as spec objects, and instruments compiled with what they refer to."""

from dataclasses import dataclass
from functools import cached_property, lru_cache

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import undefer

from competence.analytics.scoring import ScoringKey
from competence.extensions import db
from competence.instruments import spec
from competence.instruments.keys import scoring_key
from competence.instruments.models import (
    ContentDocument,
    ContentKind,
    ContentVersion,
    VersionStatus,
)


class ImmutableVersionError(Exception):
    """Somebody tried to change a published version."""


@event.listens_for(ContentVersion, "before_update")
def _published_versions_never_change(mapper, connection, target: ContentVersion) -> None:
    """Refuse to write changes to the content of a version that was already published."""
    state = inspect(target)
    was_published = target.is_published and not state.attrs.status.history.has_changes()
    if not was_published:
        return
    for name in ("content", "compiled", "title", "number", "content_hash"):
        if state.attrs[name].history.has_changes():
            raise ImmutableVersionError(f"published version {target.id} cannot change {name}")


def latest_published_versions(kind: str | None = None) -> list[ContentVersion]:
    """Return the newest published version of every (non-retired) document, by key."""
    newest = (
        select(ContentVersion.document_id, func.max(ContentVersion.number).label("number"))
        .where(ContentVersion.status == VersionStatus.PUBLISHED)
        .group_by(ContentVersion.document_id)
        .subquery()
    )
    query = (
        select(ContentVersion)
        .join(
            newest,
            (ContentVersion.document_id == newest.c.document_id)
            & (ContentVersion.number == newest.c.number),
        )
        .join(ContentDocument)
        .options(undefer(ContentVersion.content))
        .order_by(ContentDocument.kind, ContentDocument.key)
    )
    if kind is not None:
        query = query.where(ContentDocument.kind == kind)
    return list(db.session.scalars(query))


def published_objects(*kinds: str) -> list[spec.SpecObject]:
    """Return the newest published scales and frameworks (or other kinds) as spec objects."""
    kinds = kinds or (ContentKind.SCALE, ContentKind.FRAMEWORK)
    return [
        spec.from_data(version.content)
        for kind in kinds
        for version in latest_published_versions(kind)
    ]


def compile_instrument(
    instrument: spec.Instrument, objects: dict[tuple[str, str], spec.SpecObject]
) -> dict:
    """Return the instrument with its framework and scales, as stored on a published version."""
    framework = objects[("framework", instrument.framework)]
    scale_ids = {instrument.levels} | {
        item.body.scale for item in instrument.items if item.type == "likert"
    }
    return {
        "instrument": instrument.to_data(),
        "framework": framework.to_data(),
        "scales": {key: objects[("scale", key)].to_data() for key in sorted(scale_ids)},
    }


@dataclass(frozen=True)
class CompiledInstrument:
    """A published instrument version ready for taking and scoring."""

    version_id: int
    instrument: spec.Instrument
    framework: spec.Framework
    scales: dict

    @classmethod
    def from_compiled(cls, version_id: int, compiled: dict) -> "CompiledInstrument":
        """Rebuild the spec objects stored on a version."""
        return cls(
            version_id,
            spec.Instrument.from_data(compiled["instrument"]),
            spec.Framework.from_data(compiled["framework"]),
            {key: spec.from_data(data) for key, data in compiled["scales"].items()},
        )

    @cached_property
    def scoring_key(self) -> ScoringKey:
        """Return the key that scores attempts on this version."""
        return scoring_key(self.instrument, self.scales)

    @cached_property
    def competences(self) -> dict[str, spec.Competence]:
        """Return the measured competences by id, with their titles and descriptors."""
        every = {c.id: c for area in self.framework.areas for c in area.competences}
        return {key: every[key] for key in self.instrument.competences}

    @cached_property
    def area_of(self) -> dict[str, spec.Area]:
        """Return the framework area of each competence."""
        return {c.id: area for area in self.framework.areas for c in area.competences}

    @property
    def level_scale(self) -> spec.LevelScale:
        """Return the level scale of the instrument."""
        return self.scales[self.instrument.levels]


@lru_cache(maxsize=64)
def _compiled(database: str, version_id: int) -> CompiledInstrument:
    """Load and rebuild one published instrument version (versions never change)."""
    version = db.session.get(ContentVersion, version_id)
    if version is None or not version.is_published or version.document.kind != "instrument":
        raise ValueError("only published instrument versions are compiled")
    return CompiledInstrument.from_compiled(version_id, version.compiled)


def compiled_version(version_id: int) -> CompiledInstrument:
    """Return a published instrument version by id, rebuilt once per process and database."""
    # The database is part of the key: ids repeat across databases (tests, benchmarks).
    return _compiled(db.engine.url.render_as_string(hide_password=True), version_id)


def compiled(version: ContentVersion) -> CompiledInstrument:
    """Return a published instrument version as a CompiledInstrument."""
    return compiled_version(version.id)
