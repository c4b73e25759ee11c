"""The catalogue in the database: loading the files, listing modules, exporting them."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select

from competence import audit
from competence.analytics.matching import Module
from competence.extensions import db
from competence.instruments.services import published_library_objects
from competence.schools.models import Municipality
from competence.tracks.catalog import content_hash, validate_catalog
from competence.tracks.models import CatalogModule

CATALOG_DIR = Path(__file__).resolve().parent.parent.parent / "instruments" / "catalog"
FIELDS = ("kind", "title", "description", "provider", "format", "hours", "duration_weeks")


class CatalogErrors(Exception):
    """Catalogue files that cannot be loaded; `errors` lists every problem."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} errors")
        self.errors = list(errors)


@dataclass
class CatalogReport:
    """What a load created, changed, retired and left alone."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0


def apply_module(module: CatalogModule, data: dict, source: str) -> None:
    """Copy a module's plain data (the file format) onto its row."""
    for name in FIELDS:
        setattr(module, name, data[name])
    module.audience = {
        "positions": list(data["audience"]["positions"]),
        "subjects": list(data["audience"].get("subjects") or []),
    }
    module.develops = [
        {"framework": e["framework"], "competence": e["competence"], "levels": list(e["levels"])}
        for e in data["develops"]
    ]
    module.url = data.get("url")
    module.source = source
    module.content_hash = content_hash(data)
    module.retired = False


def load_catalog(root: Path = CATALOG_DIR, actor=None) -> CatalogReport:
    """Validate the catalogue files against the published instruments and upsert modules."""
    result = validate_catalog(root, published_library_objects())
    if result.errors:
        raise CatalogErrors(result.errors)
    places = {m.name: m.id for m in db.session.scalars(select(Municipality))}
    unknown = [
        f"модуль «{data['id']}»: муниципалитета «{data['municipality']}» нет в реестре"
        for data in result.modules
        if data.get("municipality") and data["municipality"] not in places
    ]
    if unknown:
        raise CatalogErrors(unknown)
    existing = {m.key: m for m in db.session.scalars(select(CatalogModule))}
    report = CatalogReport()
    for data in result.modules:
        module = existing.pop(data["id"], None)
        if module is None:
            module = CatalogModule(key=data["id"])
            db.session.add(module)
            report.created.append(data["id"])
        elif module.content_hash == content_hash(data) and not module.retired:
            report.unchanged += 1
            continue
        else:
            report.updated.append(data["id"])
        apply_module(module, data, f"file:{root.name}")
        # Where an in-person module is held keeps replacements within a teacher's reach.
        module.municipality_id = places.get(data.get("municipality"))
    for module in existing.values():
        if not module.retired and module.source.startswith("file:"):
            module.retired = True
            report.retired.append(module.key)
    if report.created or report.updated or report.retired:
        audit.record(
            "catalog_loaded",
            actor,
            "catalog",
            created=len(report.created),
            updated=len(report.updated),
            retired=len(report.retired),
        )
    db.session.commit()
    return report


def module_data(module: CatalogModule) -> dict:
    """Return a module in the file format."""
    data = {"id": module.key, **{name: getattr(module, name) for name in FIELDS}}
    audience = {"positions": list(module.audience["positions"])}
    if module.audience.get("subjects"):
        audience["subjects"] = list(module.audience["subjects"])
    data["audience"] = audience
    data["develops"] = module.develops
    if module.url:
        data["url"] = module.url
    if module.municipality is not None:
        data["municipality"] = module.municipality.name
    return data


def export_catalog() -> str:
    """Return every module that is not retired as one catalogue YAML file."""
    modules = db.session.scalars(
        select(CatalogModule).where(CatalogModule.retired.is_(False)).order_by(CatalogModule.key)
    )
    return yaml.safe_dump(
        {"modules": [module_data(m) for m in modules]},
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )


def matching_modules() -> tuple[list[Module], dict[str, CatalogModule]]:
    """Return the modules that may be proposed, for matching, and their rows by key."""
    rows = db.session.scalars(select(CatalogModule).where(CatalogModule.retired.is_(False))).all()
    modules = [
        Module(
            id=row.key,
            kind=row.kind,
            format=row.format,
            hours=row.hours,
            positions=frozenset(row.audience["positions"]),
            subjects=frozenset(row.audience.get("subjects") or ()),
            develops=frozenset(
                (e["framework"], e["competence"], level)
                for e in row.develops
                for level in e["levels"]
            ),
        )
        for row in rows
    ]
    return modules, {row.key: row for row in rows}
