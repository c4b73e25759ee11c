"""Deficit shares of the region, its municipalities and schools, with small groups suppressed.

Implements the small-group rule of issue 15, described in docs/small-groups.md. Teachers' rows
(municipality, school, competence, deficit 0/1) are counted with numpy into three levels of cells,
one matrix per level (units x competences). Per competence the levels form a tree: the region is
the parent of the municipalities, a municipality of its schools. Then:

1. Primary suppression: a cell with fewer than `min_group` teachers is hidden.
2. Complementary suppression, level by level from the top, until nothing changes:
   - a published parent with exactly one hidden child hides its published child with the
     smallest n (ties: the first by name), since parent minus published children = hidden child;
   - ours: a hidden parent with no hidden child hides its published child with the smallest n,
     since otherwise the parent is the sum of its children and is recovered by addition.

Invariant of the result: per competence, every published parent has zero or at least two hidden
children and every hidden parent at least one, so no hidden cell follows from the published ones
by the sums of the tree alone (tests/analytics/test_suppression.py checks it by linear algebra).
"""

from dataclasses import dataclass
from typing import Final

import numpy as np

LEVELS: Final = ("region", "municipality", "school")
# The rounds of complementary suppression; taken top-down, a three-level tree needs at most two
# (the second only confirms), so reaching the cap means a defect, not a hard case.
MAX_ROUNDS: Final = 10


@dataclass(frozen=True)
class LevelCells:
    """The cells of one level: rows are units (the region, municipalities, schools), columns
    competences; a unit with nobody for a competence has n = 0 and no cell there."""

    level: str
    municipality: np.ndarray  # (units,) str; "" for the region
    school: np.ndarray  # (units,) str; "" above the schools
    n: np.ndarray  # (units, competences) int: teachers with a result
    with_deficit: np.ndarray  # (units, competences) int: of them, with a deficit
    share: np.ndarray  # (units, competences) float: with_deficit / n, nan where n = 0
    suppressed: np.ndarray  # (units, competences) bool

    @property
    def exists(self) -> np.ndarray:
        """Return the mask of cells that exist (n > 0)."""
        return self.n > 0


@dataclass(frozen=True)
class DeficitCells:
    """The three levels of cells for the same competences, after suppression."""

    min_group: int
    competences: tuple[str, ...]
    region: LevelCells
    municipalities: LevelCells
    schools: LevelCells

    @property
    def levels(self) -> tuple[LevelCells, LevelCells, LevelCells]:
        """Return the levels from the top."""
        return self.region, self.municipalities, self.schools


def _as_text(values, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=str)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    return array


def _counts(unit: np.ndarray, competence: np.ndarray, n, with_deficit, shape: tuple):
    """Sum teachers and teachers with a deficit per (unit, competence) with bincount."""
    flat = unit * shape[1] + competence
    size = shape[0] * shape[1]
    total = np.bincount(flat, weights=n, minlength=size).reshape(shape)
    deficits = np.bincount(flat, weights=with_deficit, minlength=size).reshape(shape)
    return total.astype(np.int64), deficits.astype(np.int64)


def _complement(n, hidden, parent_of, parent_hidden) -> np.ndarray:
    """Return the children (mask) to hide for one parent level, all competences at once."""
    exists = n > 0
    n_parents, n_competences = parent_hidden.shape
    hidden_children = np.zeros((n_parents, n_competences), dtype=np.int64)
    np.add.at(hidden_children, parent_of, hidden & exists)
    has_children = np.zeros((n_parents, n_competences), dtype=bool)
    np.logical_or.at(has_children, parent_of, exists)
    needy = has_children & np.where(parent_hidden, hidden_children == 0, hidden_children == 1)
    candidate = exists & ~hidden & needy[parent_of]
    # Smallest n first, then the unit's index: units are sorted by name within their parent.
    index = np.arange(len(parent_of))[:, None]
    key = np.where(candidate, n * len(parent_of) + index, np.iinfo(np.int64).max)
    best = np.full((n_parents, n_competences), np.iinfo(np.int64).max)
    np.minimum.at(best, parent_of, key)
    return candidate & (key == best[parent_of])


def _check_min_group(min_group) -> None:
    if isinstance(min_group, bool) or not isinstance(min_group, int | np.integer) or min_group < 1:
        raise ValueError(f"min_group must be a positive integer, got {min_group!r}")


def suppress_deficits(municipality, school, competence, deficit, min_group: int) -> DeficitCells:
    """Count deficits per region, municipality and school and competence; hide small groups.

    Takes one entry per teacher and competence (parallel arrays); a school is identified by its
    municipality and its name together.
    """
    _check_min_group(min_group)
    deficit = np.asarray(deficit)
    if deficit.size and not np.isin(deficit, (0, 1)).all():
        raise ValueError("deficit must be 0 or 1")
    deficit = deficit.astype(np.int64)
    return suppress_counts(
        municipality, school, competence, np.ones(len(deficit), dtype=np.int64), deficit, min_group
    )


def suppress_counts(
    municipality, school, competence, n, with_deficit, min_group: int
) -> DeficitCells:
    """The same as `suppress_deficits` for counts already grouped (by SQL): one entry per school
    and competence with its number of teachers and of them with a deficit."""
    _check_min_group(min_group)
    municipality = _as_text(municipality, "municipality")
    school = _as_text(school, "school")
    competence = _as_text(competence, "competence")
    named = {"municipality": municipality, "school": school, "competence": competence}
    for name, values in named.items():
        if (values == "").any():
            raise ValueError(f"{name} must not be empty")
    n = np.asarray(n, dtype=np.int64)
    with_deficit = np.asarray(with_deficit, dtype=np.int64)
    if not len(municipality) == len(school) == len(competence) == len(n) == len(with_deficit):
        raise ValueError("municipality, school, competence and the counts differ in length")
    if ((n < 0) | (with_deficit < 0) | (with_deficit > n)).any():
        raise ValueError("counts must satisfy 0 <= with_deficit <= n")

    competences, competence_index = np.unique(competence, return_inverse=True)
    municipalities, municipality_index = np.unique(municipality, return_inverse=True)
    school_names, name_index = np.unique(school, return_inverse=True)
    pairs, school_index = np.unique(
        municipality_index * len(school_names) + name_index, return_inverse=True
    )
    school_municipality = pairs // max(len(school_names), 1)
    n_c = len(competences)

    school_n, school_d = _counts(school_index, competence_index, n, with_deficit, (len(pairs), n_c))
    municipality_n, municipality_d = _counts(
        municipality_index, competence_index, n, with_deficit, (len(municipalities), n_c)
    )
    region_n, region_d = school_n.sum(axis=0)[None, :], school_d.sum(axis=0)[None, :]

    counts = ((region_n, region_d), (municipality_n, municipality_d), (school_n, school_d))
    hidden = [(n > 0) & (n < min_group) for n, _ in counts]
    parent_of = (np.zeros(len(municipalities), dtype=np.int64), school_municipality)
    for _ in range(MAX_ROUNDS):
        changed = False
        for child in (1, 2):  # top-down: a parent's state is settled before its children's
            parent = child - 1
            more = _complement(counts[child][0], hidden[child], parent_of[parent], hidden[parent])
            if more.any():
                hidden[child] = hidden[child] | more
                changed = True
        if not changed:
            break
    else:  # pragma: no cover - the rule only ever hides, so it settles within the tree's depth
        raise RuntimeError("complementary suppression did not settle")

    names = (
        (np.array([""]), np.array([""])),
        (municipalities, np.full(len(municipalities), "")),
        (municipalities[school_municipality], school_names[pairs % max(len(school_names), 1)]),
    )
    levels = []
    for level, (total, deficits), mask, (m_names, s_names) in zip(
        LEVELS, counts, hidden, names, strict=True
    ):
        share = np.where(total > 0, deficits / np.maximum(total, 1), np.nan)
        levels.append(
            LevelCells(level, m_names, s_names, total, deficits, share, mask & (total > 0))
        )
    return DeficitCells(int(min_group), tuple(competences.tolist()), *levels)


def suppress_table(n, min_group: int) -> tuple[np.ndarray, np.ndarray]:
    """Hide small groups of a table whose rows are groups of one population and whose parent is
    the table's total row (a cross-table: school categories, subjects x competences).

    `n` is (groups, competences) teachers; the total is its column sum. Returns the
    hidden mask of the rows and of the total (competences,), by the same two rules as the tree.
    """
    _check_min_group(min_group)
    n = np.atleast_2d(np.asarray(n, dtype=np.int64))
    total = n.sum(axis=0)[None, :]
    total_hidden = (total > 0) & (total < min_group)
    hidden = (n > 0) & (n < min_group)
    parent_of = np.zeros(n.shape[0], dtype=np.int64)
    for _ in range(MAX_ROUNDS):
        more = _complement(n, hidden, parent_of, total_hidden)
        if not more.any():
            break
        hidden = hidden | more
    return hidden, total_hidden[0]


def cells_to_json(cells: DeficitCells) -> dict:
    """Return the JSON object of `flask analytics deficits --json` (suppressed figures null)."""
    out = []
    for level in cells.levels:
        units, competences = np.nonzero(level.exists)
        for unit, column in zip(units.tolist(), competences.tolist(), strict=True):
            hidden = bool(level.suppressed[unit, column])
            out.append(
                {
                    "level": level.level,
                    "municipality": str(level.municipality[unit]) or None,
                    "school": str(level.school[unit]) or None,
                    "competence": cells.competences[column],
                    "n": None if hidden else int(level.n[unit, column]),
                    "with_deficit": None if hidden else int(level.with_deficit[unit, column]),
                    "share": None if hidden else float(level.share[unit, column]),
                    "suppressed": hidden,
                }
            )
    return {"min_group": cells.min_group, "cells": out}
