"""Draw a sitting's form from an instrument's item bank (docs/instrument-format.md).

An instrument with `form: {items_per_competence: k}` holds more items than one sitting shows.
Each sitting draws, per competence, k of the items linked to it, matched in difficulty to the
bank: the competence's items, sorted by difficulty, are cut into k strata of (nearly) equal
size and one item is drawn from each, so a form spans the bank's range of difficulty and its
mean difficulty stays close to the bank's. Items the teacher has seen before are avoided as
long as the bank has unseen ones. Only the standard library: the caller turns rows into
`BankItem`s and passes its own random generator, so a seed gives the same form every time.
"""

import random
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from competence.analytics.scoring import ScoringKey

# The methodist's stated difficulty on the logit scale of Rasch difficulties: a bank that is
# not yet calibrated is stratified on these, an easy item one logit below a medium one.
STATED_LOGITS = {"easy": -1.0, "medium": 0.0, "hard": 1.0}


@dataclass(frozen=True)
class BankItem:
    """An item of the bank: its id, linked competences, stated and calibrated difficulty."""

    id: str
    competences: tuple[str, ...]
    stated: str = "medium"
    # The Rasch difficulty in logits from the latest calibration; None when not calibrated.
    calibrated: float | None = None


def difficulties(bank: Sequence[BankItem], competence: str) -> dict[str, float]:
    """Return the difficulty of each item of a competence on one scale.

    Rasch difficulties are used only when every item of the competence has one: mixing them
    with stated difficulties would put two scales into one ordering.
    """
    items = [item for item in bank if competence in item.competences]
    if items and all(item.calibrated is not None for item in items):
        return {item.id: float(item.calibrated) for item in items}
    return {item.id: STATED_LOGITS.get(item.stated, 0.0) for item in items}


def strata(ordered: Sequence[str], k: int) -> list[list[str]]:
    """Cut items sorted by difficulty into k consecutive strata, sizes differing by one at most."""
    n = len(ordered)
    return [list(ordered[j * n // k : (j + 1) * n // k]) for j in range(k)]


def draw_form(
    bank: Sequence[BankItem], per_competence: int, seen: Collection[str], rng: random.Random
) -> tuple[str, ...]:
    """Return the ids of the items drawn for one sitting, in the bank's order.

    Competences are served in the order they first appear in the bank. For each, the items
    already drawn for an earlier competence that are linked to it count towards its k and fill
    their strata; the rest of its k are drawn one per empty stratum (a random choice of strata
    when earlier draws left more empty ones than needed). A stratum draws an unseen item of its
    own; a stratum with none takes the unseen item nearest to its mean difficulty from the rest
    of the competence's bank; only when no unseen item is left does it draw a seen one of its
    own. Among equally good candidates, items that would push another competence past k are
    avoided, then the choice is random. A competence never gets fewer than k items (or all of
    its items, if it has fewer) and gets more only through items shared with another one.
    """
    position = {item.id: n for n, item in enumerate(bank)}
    links = {item.id: item.competences for item in bank}
    competences = list(dict.fromkeys(c for item in bank for c in item.competences))
    seen = set(seen)
    chosen: set[str] = set()
    count: Counter[str] = Counter()

    def take(item_id: str) -> None:
        chosen.add(item_id)
        count.update(links[item_id])

    def pick(candidates: list[str], competence: str) -> str:
        light = [
            i
            for i in candidates
            if all(count[c] < per_competence for c in links[i] if c != competence)
        ]
        return rng.choice(light or candidates)

    for competence in competences:
        scale = difficulties(bank, competence)
        pool = sorted(scale, key=lambda i: (scale[i], position[i]))
        k = min(per_competence, len(pool))
        needed = k - count[competence]
        if needed <= 0:
            continue
        empty = [layer for layer in strata(pool, k) if chosen.isdisjoint(layer)]
        if len(empty) > needed:
            empty = [empty[j] for j in sorted(rng.sample(range(len(empty)), needed))]
        pending = []
        for layer in empty:
            fresh = [i for i in layer if i not in seen]
            if fresh:
                take(pick(fresh, competence))
            else:
                pending.append(layer)
        for layer in pending:
            spare = [i for i in pool if i not in chosen and i not in seen]
            if not spare:
                take(pick(layer, competence))
                continue
            centre = sum(scale[i] for i in layer) / len(layer)
            nearest = min(abs(scale[i] - centre) for i in spare)
            take(pick([i for i in spare if abs(scale[i] - centre) == nearest], competence))
    return tuple(sorted(chosen, key=position.__getitem__))


def form_key(key: ScoringKey, drawn: Collection[str]) -> ScoringKey:
    """Return the scoring key of a sitting: only the drawn items, so the others do not count."""
    drawn = set(drawn)
    rows = [n for n, item in enumerate(key.items) if item.id in drawn]
    return replace(
        key,
        items=tuple(key.items[n] for n in rows),
        weights=tuple(key.weights[n] for n in rows),
    )


def sitting_size(links: Sequence[Sequence[str]], per_competence: int | None) -> tuple[int, bool]:
    """Return how many items a sitting shows at most and whether that is exact.

    `links` holds the competences of each item of the bank. Without a form every item is shown.
    With one, each competence adds at most k items; items shared between competences may fill
    two at once, so the count is then an upper bound.
    """
    if per_competence is None:
        return len(links), True
    sizes = Counter(c for competences in links for c in competences)
    most = sum(min(per_competence, n) for n in sizes.values())
    shared = any(len(competences) > 1 for competences in links)
    return min(most, len(links)), not shared
