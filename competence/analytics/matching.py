"""Match a teacher's deficits to development modules of the catalogue (docs/catalog-format.md).

Deficits are handled deepest first. For each, the modules that develop that competence at the
teacher's level and are open to the teacher are ranked by: the preferred format first, then the
kind order (different for soft skills and for professional qualification), fewer hours, id. The
first becomes mandatory and the next optional; a module already proposed that also develops the
deficit counts for it instead of a new one. No module is proposed twice. A deficit that no module
addresses is returned as a gap of the catalogue.

`merge_plan` builds one plan from the deficits of several instruments (subject, methodical, soft
skills, management), a greedy set cover weighted by depth:
1. Deficits are pooled and put in one canonical order (deepest first, then framework, competence,
   level, instrument), so the plan does not depend on the order of the instruments or modules.
   Equal deficits are one; the same competence found by two instruments stays two deficits, and
   one module can cover both.
2. While some deficit that a module open to the teacher addresses is uncovered, the module whose
   uncovered deficits weigh most (the sum of their depths) becomes mandatory and covers them.
   Ties go to the module covering more of them, then to the teacher's goals (more of the
   competences they are interested in, then their preferred kinds in their order), then to the
   rules of `rank` for the deepest deficit it covers (preferred format, kind order, fewer hours,
   id). A module covering three deficits thus beats three modules covering one each.
3. Then, deficit by deficit in the canonical order, optional modules are offered until the
   deficit has `optional_per_deficit` optional modules addressing it (one optional module counts
   for every deficit it addresses); candidates in `rank` order, never a module proposed already.
4. Proposals come mandatory first (in the order chosen), then optional; no module twice. Each
   mandatory proposal lists the deficits it was chosen to cover (each deficit is covered by one);
   an optional one lists every deficit it addresses. Deficits nothing open to the teacher
   addresses are the gaps.
"""

from collections.abc import Iterable
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
    # The instrument that found it, when deficits of several instruments are merged.
    instrument: str = ""


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
    return sorted(candidates, key=lambda module: _rank_key(module, deficit, taker))


def _rank_key(module: Module, deficit: Deficit, taker: Taker) -> tuple:
    """Return the sort key of `rank`: preferred format, kind order, fewer hours, id."""
    kinds = SOFT_SKILL_KINDS if deficit.soft_skill else QUALIFICATION_KINDS
    preferred = 0 if taker.preferred_format in (None, module.format) else 1
    kind = kinds.index(module.kind) if module.kind in kinds else len(kinds)
    return (preferred, kind, module.hours, module.id)


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


@dataclass(frozen=True)
class Goals:
    """What the teacher wants besides closing deficits; it only breaks ties between modules."""

    # Kinds of module the teacher prefers, most preferred first.
    kinds: tuple[str, ...] = ()
    # Competences the teacher wants to develop: (framework, competence).
    interests: frozenset[tuple[str, str]] = frozenset()


# Depth sums are rounded before they are compared: a sum is exact whatever the order it is
# taken in only up to float rounding, and the plan must not depend on that order.
WEIGHT_DIGITS = 9


def merge_plan(
    deficit_sets: Iterable[Iterable[Deficit]],
    modules: list[Module],
    taker: Taker,
    goals: Goals = Goals(),
    optional_per_deficit: int = OPTIONAL_PER_DEFICIT,
) -> Match:
    """Merge the deficits of several instruments into one plan; see the module docstring."""
    deficits = sorted(
        {deficit for group in deficit_sets for deficit in group},
        key=lambda d: (-d.depth, d.framework, d.competence, d.level, d.instrument, d.soft_skill),
    )
    open_modules = sorted((m for m in modules if m.open_to(taker)), key=lambda m: m.id)
    addressed = {
        m.id: [i for i, deficit in enumerate(deficits) if m.addresses(deficit)]
        for m in open_modules
    }
    coverable = {i for covered in addressed.values() for i in covered}
    gaps = tuple(d for i, d in enumerate(deficits) if i not in coverable)

    def choice_key(module: Module, uncovered: set[int]) -> tuple:
        covered = [i for i in addressed[module.id] if i in uncovered]
        weight = round(sum(deficits[i].depth for i in covered), WEIGHT_DIGITS)
        interests = len(_develops(module) & goals.interests)
        kind = goals.kinds.index(module.kind) if module.kind in goals.kinds else len(goals.kinds)
        deepest = deficits[covered[0]]
        return (-weight, -len(covered), -interests, kind, _rank_key(module, deepest, taker))

    mandatory: list[Proposal] = []
    chosen: set[str] = set()
    uncovered = set(coverable)
    while uncovered:
        candidates = [
            m
            for m in open_modules
            if m.id not in chosen and any(i in uncovered for i in addressed[m.id])
        ]
        best = min(candidates, key=lambda m: choice_key(m, uncovered))
        covered = [i for i in addressed[best.id] if i in uncovered]
        mandatory.append(Proposal(best.id, True, [deficits[i] for i in covered]))
        chosen.add(best.id)
        uncovered -= set(covered)

    optional: list[Proposal] = []
    for i, deficit in enumerate(deficits):
        if i not in coverable:
            continue
        offered = sum(i in addressed[p.module] for p in optional)
        fresh = [m for m in open_modules if m.id not in chosen and i in addressed[m.id]]
        for module in rank(fresh, deficit, taker)[: max(0, optional_per_deficit - offered)]:
            optional.append(Proposal(module.id, False, [deficits[j] for j in addressed[module.id]]))
            chosen.add(module.id)
    return Match(tuple(mandatory + optional), gaps)


def _develops(module: Module) -> set[tuple[str, str]]:
    """Return the competences a module develops, at any level: (framework, competence)."""
    return {(framework, competence) for framework, competence, _level in module.develops}
