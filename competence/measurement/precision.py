"""The standard error of each competence score of an attempt, read from what the portal knows.

The calibration of a published version (`ScaleStatistics`, written by the item analysis) gives
the SEM once enough attempts stand behind it; until then it is estimated from the number of
items of the competence the teacher actually answered in the sitting. The rules and their
reasons are in `analytics.reliability`; this module only turns rows into plain values.
"""

from sqlalchemy import select

from competence.analytics.reliability import Precision, scale_precision
from competence.diagnostics.models import Attempt
from competence.extensions import db
from competence.instruments.library import compiled_version
from competence.measurement.models import ScaleStatistics


def items_per_competence(attempt: Attempt) -> dict[str, int]:
    """Count the items of each competence in the attempt's sitting.

    A sitting may hold a form drawn from a larger bank, so its layout, not the version, says
    which items were answered; a layout without a list of items had every item of the version.
    """
    instrument = compiled_version(attempt.version_id).instrument
    sat = (attempt.layout or {}).get("items")
    chosen = set(sat) if sat else None
    counts = dict.fromkeys(instrument.competences, 0)
    for item in instrument.items:
        if chosen is not None and item.id not in chosen:
            continue
        for competence, weight in item.competences:
            if weight > 0 and competence in counts:
                counts[competence] += 1
    return counts


def attempt_precision(attempt: Attempt) -> dict[str, Precision]:
    """Return the precision of every competence score of an attempt, by competence."""
    counts = items_per_competence(attempt)
    calibrations = {
        row.competence: row
        for row in db.session.scalars(
            select(ScaleStatistics).where(
                ScaleStatistics.version_id == attempt.version_id,
                ScaleStatistics.competence.in_(list(counts)),
            )
        )
    }
    result = {}
    for competence, n_items in counts.items():
        calibration = calibrations.get(competence)
        result[competence] = (
            scale_precision(n_items, calibration.sem, calibration.n_attempts)
            if calibration is not None
            else scale_precision(n_items)
        )
    return result


def precision(attempt: Attempt, competence: str) -> Precision:
    """Return the SEM of one competence score of an attempt, its source and its item count."""
    return attempt_precision(attempt)[competence]
