"""The whole item analysis of one scale: classical statistics plus Rasch on dichotomous items.

This is the report behind `flask analytics item-stats` (its JSON contract is `analysis_to_json`)
and behind the stored calibrations. Rasch is estimated jointly over the items whose observed
scores are all 0 or 1; items with partial credit get classical statistics only.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from competence.analytics.itemstats import ItemStatistics, ScaleAnalysis, analyse_items
from competence.analytics.rasch import ESTIMATED, METHOD, RaschResult, calibrate, is_dichotomous


@dataclass(frozen=True)
class RaschItem:
    """Rasch estimates of one dichotomous item; nan unless its status is "estimated"."""

    difficulty: float
    se: float
    infit: float
    outfit: float
    status: str


@dataclass(frozen=True)
class ItemReport:
    """Everything known of one item: classical statistics and, if dichotomous, Rasch."""

    item: str
    stats: ItemStatistics
    rasch: RaschItem | None


@dataclass(frozen=True)
class ItemAnalysis:
    """The item analysis of one scale over a persons x items matrix."""

    scale: ScaleAnalysis
    items: tuple[ItemReport, ...]
    rasch: RaschResult | None


def analyse(item_ids: Sequence[str], scores: np.ndarray) -> ItemAnalysis:
    """Return the classical analysis of every item and Rasch estimates of dichotomous ones."""
    matrix = np.asarray(scores, dtype=float)
    if matrix.shape[1] != len(item_ids):
        raise ValueError("one item id per column is needed")
    scale = analyse_items(matrix)
    binary = np.flatnonzero(is_dichotomous(matrix))
    rasch = calibrate(matrix[:, binary]) if binary.size else None
    estimates: dict[int, RaschItem] = {}
    if rasch is not None:
        for position, column in enumerate(binary.tolist()):
            estimates[column] = RaschItem(
                difficulty=float(rasch.difficulty[position]),
                se=float(rasch.difficulty_se[position]),
                infit=float(rasch.infit[position]),
                outfit=float(rasch.outfit[position]),
                status=rasch.item_status[position],
            )
    items = tuple(
        ItemReport(item, scale.items[column], estimates.get(column))
        for column, item in enumerate(item_ids)
    )
    return ItemAnalysis(scale, items, rasch)


def number(value: float) -> float | None:
    """Return a float for JSON: None for nan or an infinity."""
    return float(value) if math.isfinite(value) else None


def analysis_to_json(
    analysis: ItemAnalysis, person_ids: Sequence[str] | None = None
) -> dict[str, Any]:
    """Return the JSON object of `flask analytics item-stats --json` (docs/measurement.md).

    With the persons' ids, the persons left out of the Rasch estimation are listed by id.
    """
    items = []
    for report in analysis.items:
        stats = report.stats
        entry: dict[str, Any] = {
            "item": report.item,
            "n": stats.n,
            "facility": number(stats.facility),
            "discrimination": number(stats.discrimination),
            "upper_lower": number(stats.upper_lower),
            "alpha_if_deleted": number(stats.alpha_if_deleted),
            "flags": list(stats.flags),
        }
        if report.rasch is not None:
            entry["rasch_difficulty"] = number(report.rasch.difficulty)
            entry["rasch_se"] = number(report.rasch.se)
            entry["infit"] = number(report.rasch.infit)
            entry["outfit"] = number(report.rasch.outfit)
            entry["rasch_status"] = report.rasch.status
        items.append(entry)
    scale = analysis.scale
    result = {
        "n_persons": scale.n_persons,
        "alpha": number(scale.alpha),
        "sem": number(scale.sem),
        "n_missing": scale.n_missing,
        "missing": "left out pairwise",
        "rasch_method": METHOD if analysis.rasch is not None else None,
        "items": items,
    }
    if person_ids is not None and analysis.rasch is not None:
        result["rasch_excluded_persons"] = [
            {"person_id": person, "status": status}
            for person, status in zip(person_ids, analysis.rasch.person_status, strict=True)
            if status != ESTIMATED
        ]
    return result
