"""Items of instruments and the part specific to each item type, as frozen dataclasses.

Each item type names the YAML fields it adds to the common ones (`required`, `optional`);
validation checks items against them.
"""

from dataclasses import dataclass
from typing import ClassVar

Weights = tuple[tuple[str, float], ...]


def clean_text(value: str) -> str:
    """Return a text as stored: outer spaces and the newline a block scalar ends with dropped."""
    return value.strip()


def plain_number(value: float) -> int | float:
    """Return a number for YAML: an integer when it is one, as a methodist would type it."""
    return int(value) if float(value).is_integer() else value


def read_weights(data: dict | None) -> Weights:
    """Return a mapping id -> number as (id, float) pairs in their written order."""
    return tuple((key, float(value)) for key, value in (data or {}).items())


def write_weights(weights: Weights) -> dict[str, int | float]:
    """Return (id, number) pairs as a mapping for YAML."""
    return {key: plain_number(value) for key, value in weights}


@dataclass(frozen=True)
class Option:
    """An option of a single or multiple choice item."""

    id: str
    text: str
    correct: bool = False


@dataclass(frozen=True)
class WeightedOption:
    """An option of a situational item with the credit it earns."""

    id: str
    text: str
    weight: float


def _options(data: dict) -> tuple[Option, ...]:
    return tuple(
        Option(o["id"], clean_text(o["text"]), o.get("correct", False)) for o in data["options"]
    )


def _options_data(options: tuple[Option, ...]) -> list[dict]:
    return [
        {"id": o.id, "text": o.text, **({"correct": True} if o.correct else {})} for o in options
    ]


@dataclass(frozen=True)
class SingleChoice:
    """Exactly one correct option."""

    type: ClassVar[str] = "single_choice"
    required: ClassVar[tuple[str, ...]] = ("options",)
    optional: ClassVar[tuple[str, ...]] = ()
    options: tuple[Option, ...]

    @classmethod
    def from_data(cls, data: dict) -> "SingleChoice":
        """Build the type-specific part of an item from validated plain data."""
        return cls(_options(data))

    def to_data(self) -> dict:
        """Return the type-specific fields of the item."""
        return {"options": _options_data(self.options)}


@dataclass(frozen=True)
class MultipleChoice:
    """Several correct options, scored `partial` or `all_or_nothing`."""

    type: ClassVar[str] = "multiple_choice"
    required: ClassVar[tuple[str, ...]] = ("options",)
    optional: ClassVar[tuple[str, ...]] = ("scoring",)
    options: tuple[Option, ...]
    scoring: str = "partial"

    @classmethod
    def from_data(cls, data: dict) -> "MultipleChoice":
        """Build the type-specific part of an item from validated plain data."""
        return cls(_options(data), data.get("scoring", "partial"))

    def to_data(self) -> dict:
        """Return the type-specific fields of the item."""
        scoring = {} if self.scoring == "partial" else {"scoring": self.scoring}
        return {"options": _options_data(self.options), **scoring}


@dataclass(frozen=True)
class LikertStatement:
    """A statement rated on a Likert scale, optionally reverse-keyed."""

    type: ClassVar[str] = "likert"
    required: ClassVar[tuple[str, ...]] = ("scale",)
    optional: ClassVar[tuple[str, ...]] = ("reversed",)
    scale: str
    reversed: bool = False

    @classmethod
    def from_data(cls, data: dict) -> "LikertStatement":
        """Build the type-specific part of an item from validated plain data."""
        return cls(data["scale"], data.get("reversed", False))

    def to_data(self) -> dict:
        """Return the type-specific fields of the item."""
        return {"scale": self.scale, **({"reversed": True} if self.reversed else {})}


@dataclass(frozen=True)
class Situational:
    """A situation whose options earn graded credit."""

    type: ClassVar[str] = "situational"
    required: ClassVar[tuple[str, ...]] = ("options",)
    optional: ClassVar[tuple[str, ...]] = ()
    options: tuple[WeightedOption, ...]

    @classmethod
    def from_data(cls, data: dict) -> "Situational":
        """Build the type-specific part of an item from validated plain data."""
        return cls(
            tuple(
                WeightedOption(o["id"], clean_text(o["text"]), float(o["weight"]))
                for o in data["options"]
            )
        )

    def to_data(self) -> dict:
        """Return the type-specific fields of the item."""
        options = [
            {"id": o.id, "text": o.text, "weight": plain_number(o.weight)} for o in self.options
        ]
        return {"options": options}


@dataclass(frozen=True)
class Numeric:
    """A number to enter, correct within an absolute tolerance."""

    type: ClassVar[str] = "numeric"
    required: ClassVar[tuple[str, ...]] = ("answer", "tolerance")
    optional: ClassVar[tuple[str, ...]] = ("unit",)
    answer: float
    tolerance: float
    unit: str | None = None

    @classmethod
    def from_data(cls, data: dict) -> "Numeric":
        """Build the type-specific part of an item from validated plain data."""
        unit = data.get("unit")
        return cls(float(data["answer"]), float(data["tolerance"]), unit and clean_text(unit))

    def to_data(self) -> dict:
        """Return the type-specific fields of the item."""
        unit = {"unit": self.unit} if self.unit else {}
        return {
            "answer": plain_number(self.answer),
            "tolerance": plain_number(self.tolerance),
            **unit,
        }


@dataclass(frozen=True)
class Pair:
    """A left entry and the right entry it matches."""

    left: str
    right: str


@dataclass(frozen=True)
class Matching:
    """Left entries to match with right entries; distractors are extra right entries."""

    type: ClassVar[str] = "matching"
    required: ClassVar[tuple[str, ...]] = ("pairs",)
    optional: ClassVar[tuple[str, ...]] = ("distractors",)
    pairs: tuple[Pair, ...]
    distractors: tuple[str, ...] = ()

    @classmethod
    def from_data(cls, data: dict) -> "Matching":
        """Build the type-specific part of an item from validated plain data."""
        pairs = tuple(Pair(clean_text(p["left"]), clean_text(p["right"])) for p in data["pairs"])
        return cls(pairs, tuple(clean_text(text) for text in data.get("distractors") or ()))

    def to_data(self) -> dict:
        """Return the type-specific fields of the item."""
        pairs = [{"left": pair.left, "right": pair.right} for pair in self.pairs]
        distractors = {"distractors": list(self.distractors)} if self.distractors else {}
        return {"pairs": pairs, **distractors}


@dataclass(frozen=True)
class Ordering:
    """Elements to put in order, listed in the correct order."""

    type: ClassVar[str] = "ordering"
    required: ClassVar[tuple[str, ...]] = ("sequence",)
    optional: ClassVar[tuple[str, ...]] = ()
    sequence: tuple[str, ...]

    @classmethod
    def from_data(cls, data: dict) -> "Ordering":
        """Build the type-specific part of an item from validated plain data."""
        return cls(tuple(clean_text(text) for text in data["sequence"]))

    def to_data(self) -> dict:
        """Return the type-specific fields of the item."""
        return {"sequence": list(self.sequence)}


ItemBody = (
    SingleChoice | MultipleChoice | LikertStatement | Situational | Numeric | Matching | Ordering
)
ITEM_BODIES: dict[str, type[ItemBody]] = {
    body.type: body
    for body in (
        SingleChoice,
        MultipleChoice,
        LikertStatement,
        Situational,
        Numeric,
        Matching,
        Ordering,
    )
}


# The methodist's stated difficulty of an item; forms are matched on it until the bank is
# calibrated (Rasch difficulties replace it then). Absent means medium.
DIFFICULTIES = ("easy", "medium", "hard")
DEFAULT_DIFFICULTY = "medium"


@dataclass(frozen=True)
class Item:
    """An item: fields common to all types plus the type-specific body."""

    id: str
    competences: Weights
    stem: str
    body: ItemBody
    comment: str | None = None
    difficulty: str | None = None

    @property
    def stated_difficulty(self) -> str:
        """Return the stated difficulty, medium when the methodist gave none."""
        return self.difficulty or DEFAULT_DIFFICULTY

    @property
    def type(self) -> str:
        """Return the item type as written in YAML."""
        return self.body.type

    @classmethod
    def from_data(cls, data: dict) -> "Item":
        """Build the item from validated plain data."""
        body = ITEM_BODIES[data["type"]].from_data(data)
        comment = data.get("comment")
        return cls(
            data["id"],
            read_weights(data["competences"]),
            clean_text(data["stem"]),
            body,
            comment and clean_text(comment),
            data.get("difficulty"),
        )

    def to_data(self) -> dict:
        """Return the item in the documented YAML shape."""
        head = {"id": self.id, "type": self.type, "competences": write_weights(self.competences)}
        comment = {"comment": self.comment} if self.comment else {}
        difficulty = {"difficulty": self.difficulty} if self.difficulty else {}
        return {**head, "stem": self.stem, **self.body.to_data(), **comment, **difficulty}
