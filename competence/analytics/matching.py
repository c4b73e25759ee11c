"""Match a teacher's deficits to development modules of the catalogue (docs/catalog-format.md).

Deficits are handled deepest first. For each, the modules that develop that competence at the
teacher's level and are open to the teacher are ranked by: the preferred format first, then the
kind order (different for soft skills and for professional qualification), fewer hours, id. The
first becomes mandatory and the next optional; a module already proposed that also develops the
deficit counts for it instead of a new one. No module is proposed twice. A deficit that no module
addresses is returned as a gap of the catalogue.
"""

from dataclasses import dataclass, field

# Kinds in the order they are preferred.
QUALIFICATION_KINDS = (
    "course",
    "internship",
    "mentoring",
    "community",
    "seminar",
    "webinar",
    "self_study",
    "exercise",
)
SOFT_SKILL_KINDS = (
    "exercise",
    "seminar",
    "webinar",
    "community",
    "mentoring",
    "course",
    "internship",
    "self_study",
)
# How many optional modules are proposed per deficit, besides the mandatory one.
OPTIONAL_PER_DEFICIT = 1


@dataclass(frozen=True)
class Deficit:
    """A competence below its threshold: where, how deep, at which level."""

    framework: str
    competence: str
    level: str
    depth: float
    soft_skill: bool = False


@dataclass(frozen=True)
class Module:
    """A catalogue module as matching sees it."""

    id: str
    kind: str
    format: str
    hours: int
    positions: frozenset[str]
    subjects: frozenset[str]
    develops: frozenset[tuple[str, str, str]]  # (framework, competence, level)

    def open_to(self, taker: "Taker") -> bool:
        """Tell whether the taker's position and subjects fit the module's audience."""
        if taker.position not in self.positions:
            return False
        return not self.subjects or bool(self.subjects & taker.subjects)

    def addresses(self, deficit: Deficit) -> bool:
        """Tell whether the module develops this competence at this level."""
        return (deficit.framework, deficit.competence, deficit.level) in self.develops


@dataclass(frozen=True)
class Taker:
    """Who the track is for."""

    position: str
    subjects: frozenset[str] = frozenset()
    preferred_format: str | None = None


@dataclass
class Proposal:
    """A module proposed for one or more deficits."""

    module: str
    mandatory: bool
    deficits: list[Deficit] = field(default_factory=list)


@dataclass(frozen=True)
class Match:
    """Proposals in track order (deepest deficits first) and the deficits nothing addresses."""

    proposals: tuple[Proposal, ...]
    gaps: tuple[Deficit, ...]


def rank(candidates: list[Module], deficit: Deficit, taker: Taker) -> list[Module]:
    """Order candidate modules for one deficit by the stated rules."""
    kinds = SOFT_SKILL_KINDS if deficit.soft_skill else QUALIFICATION_KINDS

    def key(module: Module):
        preferred = 0 if taker.preferred_format in (None, module.format) else 1
        kind = kinds.index(module.kind) if module.kind in kinds else len(kinds)
        return (preferred, kind, module.hours, module.id)

    return sorted(candidates, key=key)


def match_modules(
    deficits: list[Deficit],
    modules: list[Module],
    taker: Taker,
    optional_per_deficit: int = OPTIONAL_PER_DEFICIT,
) -> Match:
    """Propose modules for the deficits; see the module docstring for the order."""
    open_modules = [module for module in modules if module.open_to(taker)]
    proposals: list[Proposal] = []
    by_module: dict[str, Proposal] = {}
    gaps: list[Deficit] = []
    for deficit in sorted(deficits, key=lambda d: (-d.depth, d.framework, d.competence)):
        covering = [
            proposal
            for proposal in proposals
            if proposal.mandatory and _find(open_modules, proposal.module).addresses(deficit)
        ]
        candidates = rank([m for m in open_modules if m.addresses(deficit)], deficit, taker)
        if not candidates:
            gaps.append(deficit)
            continue
        fresh = [module for module in candidates if module.id not in by_module]
        if covering:
            covering[0].deficits.append(deficit)
        elif fresh:
            _propose(fresh.pop(0), True, deficit, proposals, by_module)
        else:
            # Every suitable module is already optional elsewhere: promote the best one.
            promoted = by_module[candidates[0].id]
            promoted.mandatory = True
            promoted.deficits.append(deficit)
        for module in fresh[:optional_per_deficit]:
            _propose(module, False, deficit, proposals, by_module)
    return Match(tuple(proposals), tuple(gaps))


def _find(modules: list[Module], module_id: str) -> Module:
    """Return the module with this id."""
    return next(module for module in modules if module.id == module_id)


def _propose(module, mandatory, deficit, proposals, by_module) -> None:
    """Add a proposal of `module` for `deficit`."""
    proposal = Proposal(module.id, mandatory, [deficit])
    proposals.append(proposal)
    by_module[module.id] = proposal
