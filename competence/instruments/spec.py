"""Validated instrument content as frozen dataclasses, convertible to and from plain YAML data.

Items and the parts specific to each item type are in itemspec. `from_data` expects data that
passed validation (competence.instruments.validation); `to_data` gives the documented YAML shape,
leaving out optional fields that hold their default. Texts are stripped and numbers that may be
fractional are floats, so formatting choices such as `|` versus `|-` or `1` versus `1.0` change
neither an object nor its content hash.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from competence.instruments.itemspec import (
    Item,
    Weights,
    clean_text,
    plain_number,
    read_weights,
    write_weights,
)


@dataclass(frozen=True)
class Level:
    """A level of competence and the percent score where it begins (`from`)."""

    id: str
    title: str
    start: float


@dataclass(frozen=True)
class LevelScale:
    """Levels of competence with their default cut scores."""

    kind: ClassVar[str] = "levels"
    id: str
    title: str
    levels: tuple[Level, ...]

    @property
    def level_ids(self) -> tuple[str, ...]:
        """Return the level ids from the lowest level up."""
        return tuple(level.id for level in self.levels)

    @classmethod
    def from_data(cls, data: dict) -> "LevelScale":
        """Build the scale from validated plain data."""
        levels = tuple(
            Level(level["id"], clean_text(level["title"]), float(level["from"]))
            for level in data["levels"]
        )
        return cls(data["scale"], clean_text(data["title"]), levels)

    def to_data(self) -> dict:
        """Return the scale in the documented YAML shape."""
        levels = [
            {"id": lv.id, "title": lv.title, "from": plain_number(lv.start)} for lv in self.levels
        ]
        return {"scale": self.id, "kind": self.kind, "title": self.title, "levels": levels}


@dataclass(frozen=True)
class LikertPoint:
    """A point of a Likert scale."""

    value: int
    label: str


@dataclass(frozen=True)
class LikertScale:
    """Answer points of Likert items, consecutive integers in ascending order."""

    kind: ClassVar[str] = "likert"
    id: str
    title: str
    points: tuple[LikertPoint, ...]

    @classmethod
    def from_data(cls, data: dict) -> "LikertScale":
        """Build the scale from validated plain data."""
        points = tuple(LikertPoint(p["value"], clean_text(p["label"])) for p in data["points"])
        return cls(data["scale"], clean_text(data["title"]), points)

    def to_data(self) -> dict:
        """Return the scale in the documented YAML shape."""
        points = [{"value": point.value, "label": point.label} for point in self.points]
        return {"scale": self.id, "kind": self.kind, "title": self.title, "points": points}


@dataclass(frozen=True)
class Competence:
    """A competence with a descriptor per level, as (level id, text) pairs in written order."""

    id: str
    title: str
    description: str
    descriptors: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Area:
    """An area of a framework grouping competences."""

    id: str
    title: str
    competences: tuple[Competence, ...]


@dataclass(frozen=True)
class Framework:
    """A competence framework: areas, competences and their level descriptors."""

    id: str
    title: str
    levels: str
    areas: tuple[Area, ...]

    @property
    def competence_ids(self) -> frozenset[str]:
        """Return the ids of all competences of the framework."""
        return frozenset(c.id for area in self.areas for c in area.competences)

    @classmethod
    def from_data(cls, data: dict) -> "Framework":
        """Build the framework from validated plain data."""
        areas = tuple(
            Area(
                area["id"],
                clean_text(area["title"]),
                tuple(
                    Competence(
                        c["id"],
                        clean_text(c["title"]),
                        clean_text(c["description"]),
                        tuple(
                            (level, clean_text(text)) for level, text in c["descriptors"].items()
                        ),
                    )
                    for c in area["competences"]
                ),
            )
            for area in data["areas"]
        )
        return cls(data["framework"], clean_text(data["title"]), data["levels"], areas)

    def to_data(self) -> dict:
        """Return the framework in the documented YAML shape."""
        areas = [
            {
                "id": area.id,
                "title": area.title,
                "competences": [
                    {
                        "id": c.id,
                        "title": c.title,
                        "description": c.description,
                        "descriptors": dict(c.descriptors),
                    }
                    for c in area.competences
                ],
            }
            for area in self.areas
        ]
        return {"framework": self.id, "title": self.title, "levels": self.levels, "areas": areas}


@dataclass(frozen=True)
class Audience:
    """Who is offered an instrument: position codes and, if any, subject codes."""

    positions: tuple[str, ...]
    subjects: tuple[str, ...] = ()


@dataclass(frozen=True)
class Retake:
    """How often an instrument may be taken again."""

    cooldown_days: int
    attempts_per_year: int


# When a taker may review their answers (docs/instrument-format.md, "Answer review"): right after
# submitting, never, or from a date written as YYYY-MM-DD.
REVIEW_IMMEDIATELY = "immediately"
REVIEW_NEVER = "never"


def review_date(review: str) -> date | None:
    """Return the date a review policy opens on, or None for `immediately` and `never`."""
    if review in (REVIEW_IMMEDIATELY, REVIEW_NEVER):
        return None
    return date.fromisoformat(review)


@dataclass(frozen=True)
class Instrument:
    """A diagnostic instrument: its audience, rules, competences and items."""

    id: str
    title: str
    description: str
    framework: str
    audience: Audience
    time_limit_minutes: int
    retake: Retake
    levels: str
    deficit_threshold: float
    competences: tuple[str, ...]
    items: tuple[Item, ...]
    cut_scores: Weights = ()
    thresholds: Weights = ()
    review: str = REVIEW_IMMEDIATELY
    # Items per competence drawn for one sitting from a larger bank; None: every item, every time.
    items_per_competence: int | None = None

    def threshold(self, competence: str) -> float:
        """Return the deficit threshold of a competence."""
        return dict(self.thresholds).get(competence, self.deficit_threshold)

    @classmethod
    def from_data(cls, data: dict) -> "Instrument":
        """Build the instrument from validated plain data."""
        audience = data["audience"]
        return cls(
            id=data["instrument"],
            title=clean_text(data["title"]),
            description=clean_text(data["description"]),
            framework=data["framework"],
            audience=Audience(tuple(audience["positions"]), tuple(audience.get("subjects") or ())),
            time_limit_minutes=data["time_limit_minutes"],
            retake=Retake(data["retake"]["cooldown_days"], data["retake"]["attempts_per_year"]),
            levels=data["levels"],
            deficit_threshold=float(data["deficit_threshold"]),
            competences=tuple(data["competences"]),
            items=tuple(Item.from_data(item) for item in data["items"]),
            cut_scores=read_weights(data.get("cut_scores")),
            thresholds=read_weights(data.get("thresholds")),
            # YAML timestamps are read as their text, so a date arrives as "2027-06-01".
            review=str(data.get("review", REVIEW_IMMEDIATELY)),
            items_per_competence=(data.get("form") or {}).get("items_per_competence"),
        )

    def to_data(self) -> dict:
        """Return the instrument in the documented YAML shape."""
        audience: dict[str, list[str]] = {"positions": list(self.audience.positions)}
        if self.audience.subjects:
            audience["subjects"] = list(self.audience.subjects)
        data = {
            "instrument": self.id,
            "title": self.title,
            "description": self.description,
            "framework": self.framework,
            "audience": audience,
            "time_limit_minutes": self.time_limit_minutes,
            "retake": {
                "cooldown_days": self.retake.cooldown_days,
                "attempts_per_year": self.retake.attempts_per_year,
            },
        }
        if self.review != REVIEW_IMMEDIATELY:
            data["review"] = self.review
        data["levels"] = self.levels
        if self.cut_scores:
            data["cut_scores"] = write_weights(self.cut_scores)
        data["deficit_threshold"] = plain_number(self.deficit_threshold)
        if self.thresholds:
            data["thresholds"] = write_weights(self.thresholds)
        data["competences"] = list(self.competences)
        if self.items_per_competence is not None:
            data["form"] = {"items_per_competence": self.items_per_competence}
        data["items"] = [item.to_data() for item in self.items]
        return data


SpecObject = LevelScale | LikertScale | Framework | Instrument
Scale = LevelScale | LikertScale


def from_data(data: dict) -> SpecObject:
    """Build a scale, framework or instrument, named by the first key, from validated data."""
    kind = next(iter(data))
    if kind == "scale":
        return (
            LevelScale.from_data(data) if data["kind"] == "levels" else LikertScale.from_data(data)
        )
    return Framework.from_data(data) if kind == "framework" else Instrument.from_data(data)


def content_hash(obj: SpecObject) -> str:
    """Return the sha256 of the object's canonical JSON, which changes only with its content."""
    canonical = json.dumps(obj.to_data(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def kind_of(obj: SpecObject) -> str:
    """Return the YAML key naming the kind of the object: scale, framework or instrument."""
    return {Framework: "framework", Instrument: "instrument"}.get(type(obj), "scale")
