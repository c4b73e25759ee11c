"""Item analysis of a published instrument version over its submitted attempts.

`version_report` builds the persons x items matrix (an item outside an attempt's sitting is
missing, as a sitting may draw a form from a larger bank) and analyses the whole instrument and
each competence scale; `calibrate_version` also stores the result, replacing the version's older
rows of ItemCalibration and ScaleStatistics. Scale reliability is given for the form a sitting
actually has (docs/measurement.md, "Reliability of a sitting").
"""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy import delete, select

from competence import audit
from competence.analytics.itemanalysis import ItemAnalysis, ItemReport, analyse
from competence.analytics.itemstats import (
    DistractorAnalysis,
    analyse_distractors,
    form_reliability,
    person_totals,
)
from competence.database import utcnow
from competence.diagnostics.models import Attempt, AttemptAnswer, AttemptStatus
from competence.extensions import db
from competence.instruments import spec
from competence.instruments.library import compiled, latest_published_versions
from competence.instruments.models import ContentDocument, ContentKind, ContentVersion
from competence.measurement.models import WHOLE_INSTRUMENT, ItemCalibration, ScaleStatistics

# Fewer submitted attempts than this and the report warns that its figures are not reliable yet.
MIN_RELIABLE_ATTEMPTS = 30
CHOICE_TYPES = ("single_choice", "multiple_choice", "situational")


@dataclass(frozen=True)
class ScaleReport:
    """The analysis of one scale (a competence or the whole instrument) and its reliability.

    `form_length` is the typical number of the scale's items in one sitting; `alpha`, `sd` and
    `sem` refer to a score over such a form, `sd` and `sem` in points of the 0..100 score.
    """

    competence: str
    title: str
    item_ids: tuple[str, ...]
    analysis: ItemAnalysis
    form_length: int
    alpha: float
    sd: float
    sem: float


@dataclass(frozen=True)
class VersionReport:
    """Everything the item analysis of one published version found."""

    version_id: int
    instrument: spec.Instrument
    n_attempts: int
    whole: ScaleReport | None
    scales: tuple[ScaleReport, ...]
    distractors: dict[str, DistractorAnalysis] = field(default_factory=dict)

    @property
    def reliable(self) -> bool:
        """Tell whether there are enough attempts for the figures to be trusted."""
        return self.n_attempts >= MIN_RELIABLE_ATTEMPTS

    @property
    def items(self) -> tuple[ItemReport, ...]:
        """Return the whole instrument's item reports, in the instrument's order."""
        return self.whole.analysis.items if self.whole else ()

    def flags(self, item_id: str) -> tuple[str, ...]:
        """Return an item's flags: its statistics' and its distractors'."""
        own = next((r.stats.flags for r in self.items if r.item == item_id), ())
        distractors = self.distractors.get(item_id)
        return own + (distractors.flags if distractors else ())


def submitted_attempts(version: ContentVersion) -> list[Attempt]:
    """Return the submitted attempts at a version, oldest first."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.version_id == version.id, Attempt.status == AttemptStatus.SUBMITTED)
            .order_by(Attempt.id)
        )
    )


def score_matrix(attempts: Sequence[Attempt], item_ids: Sequence[str]) -> np.ndarray:
    """Return attempts x items scores, nan for an item outside the attempt's sitting."""
    matrix = np.full((len(attempts), len(item_ids)), np.nan)
    column = {item: index for index, item in enumerate(item_ids)}
    for row, attempt in enumerate(attempts):
        sitting = (attempt.layout or {}).get("items")
        for item, score in (attempt.item_scores or {}).items():
            if item in column and score is not None and (sitting is None or item in sitting):
                matrix[row, column[item]] = float(score)
    return matrix


def _scale(competence: str, title: str, item_ids: Sequence[str], scores: np.ndarray) -> ScaleReport:
    """Analyse the columns of one scale and its reliability over a sitting's form."""
    analysis = analyse(item_ids, scores)
    answered = (~np.isnan(scores)).sum(axis=1)
    answered = answered[answered > 0]
    length = int(round(statistics.median(answered.tolist()))) if answered.size else 0
    alpha, sd_total = form_reliability(analysis.scale.covariance, length)
    # A score is the mean of the form's item scores times 100.
    sd = sd_total / length * 100 if length else math.nan
    sem = sd * math.sqrt(1 - alpha) if alpha <= 1 else math.nan
    return ScaleReport(competence, title, tuple(item_ids), analysis, length, alpha, sd, sem)


def _choices(answer) -> str | list | None:
    """Return the chosen option id(s) of a saved answer, or None."""
    if isinstance(answer, str) or (
        isinstance(answer, list) and all(isinstance(a, str) for a in answer)
    ):
        return answer
    return None


def _distractors(
    instrument: spec.Instrument, attempts: Sequence[Attempt], scores: np.ndarray
) -> dict[str, DistractorAnalysis]:
    """Analyse the options of choice items over the attempts whose sitting had them."""
    totals = person_totals(scores)
    ids = [attempt.id for attempt in attempts]
    saved: dict[tuple[int, str], object] = {}
    for chunk in range(0, len(ids), 500):
        rows = db.session.execute(
            select(AttemptAnswer.attempt_id, AttemptAnswer.item_id, AttemptAnswer.value).where(
                AttemptAnswer.attempt_id.in_(ids[chunk : chunk + 500])
            )
        )
        saved.update({(attempt_id, item): value for attempt_id, item, value in rows})
    found = {}
    for column, item in enumerate(instrument.items):
        if item.type not in CHOICE_TYPES:
            continue
        given = np.flatnonzero(~np.isnan(scores[:, column]))
        if not given.size:
            continue
        options = item.body.options
        if item.type == "situational":
            best = max(option.weight for option in options)
            correct = {option.id for option in options if option.weight == best}
        else:
            correct = {option.id for option in options if option.correct}
        choices = [_choices(saved.get((ids[row], item.id))) for row in given.tolist()]
        found[item.id] = analyse_distractors(
            choices, totals[given], [option.id for option in options], correct
        )
    return found


def version_report(version: ContentVersion) -> VersionReport:
    """Analyse a published instrument version over its submitted attempts (nothing stored)."""
    ready = compiled(version)
    instrument = ready.instrument
    attempts = submitted_attempts(version)
    if not attempts:
        return VersionReport(version.id, instrument, 0, None, ())
    item_ids = [item.id for item in instrument.items]
    scores = score_matrix(attempts, item_ids)
    whole = _scale(WHOLE_INSTRUMENT, instrument.title, item_ids, scores)
    scales = []
    for competence in instrument.competences:
        columns = [
            index
            for index, item in enumerate(instrument.items)
            if dict(item.competences).get(competence, 0) > 0
        ]
        if not columns:
            continue
        title = ready.competences[competence].title
        ids = [item_ids[index] for index in columns]
        scales.append(_scale(competence, title, ids, scores[:, columns]))
    distractors = _distractors(instrument, attempts, scores)
    return VersionReport(version.id, instrument, len(attempts), whole, tuple(scales), distractors)


def _number(value: float) -> float | None:
    """Return a float to store: None for nan."""
    return float(value) if value is not None and math.isfinite(value) else None


def calibrate_version(version: ContentVersion, actor=None) -> VersionReport:
    """Analyse a version and store its item calibrations and scale statistics, replacing older."""
    report = version_report(version)
    now = utcnow()
    db.session.execute(delete(ItemCalibration).where(ItemCalibration.version_id == version.id))
    db.session.execute(delete(ScaleStatistics).where(ScaleStatistics.version_id == version.id))
    for item in report.items:
        stats, rasch = item.stats, item.rasch
        db.session.add(
            ItemCalibration(
                document_id=version.document_id,
                version_id=version.id,
                item_id=item.item,
                n_attempts=stats.n,
                facility=_number(stats.facility),
                discrimination=_number(stats.discrimination),
                upper_lower=_number(stats.upper_lower),
                rasch_difficulty=_number(rasch.difficulty) if rasch else None,
                rasch_se=_number(rasch.se) if rasch else None,
                infit=_number(rasch.infit) if rasch else None,
                outfit=_number(rasch.outfit) if rasch else None,
                flags=list(report.flags(item.item)),
                computed_at=now,
            )
        )
    for scale in (report.whole, *report.scales) if report.whole else ():
        db.session.add(
            ScaleStatistics(
                version_id=version.id,
                competence=scale.competence,
                n_attempts=report.n_attempts,
                n_items=len(scale.item_ids),
                alpha=_number(scale.alpha),
                sd=_number(scale.sd),
                sem=_number(scale.sem),
                computed_at=now,
            )
        )
    audit.record(
        "item_analysis_computed",
        actor,
        ContentKind.INSTRUMENT,
        version.document.key,
        number=version.number,
        attempts=report.n_attempts,
    )
    db.session.commit()
    return report


def calibrate_latest(
    key: str | None = None, actor=None
) -> list[tuple[ContentVersion, VersionReport]]:
    """Calibrate the latest published version of every instrument (or of the one named)."""
    versions = latest_published_versions(ContentKind.INSTRUMENT)
    if key is not None:
        versions = [v for v in versions if v.document.key == key]
        if not versions:
            raise LookupError(key)
    return [(version, calibrate_version(version, actor)) for version in versions]


def stored_scales(version: ContentVersion) -> dict[str, ScaleStatistics]:
    """Return the stored scale statistics of a version by competence (WHOLE_INSTRUMENT too)."""
    rows = db.session.scalars(
        select(ScaleStatistics).where(ScaleStatistics.version_id == version.id)
    )
    return {row.competence: row for row in rows}


def stored_computed_at(version: ContentVersion) -> datetime | None:
    """Return when the version's statistics were last stored, if ever."""
    row = stored_scales(version).get(WHOLE_INSTRUMENT)
    return row.computed_at if row else None


def latest_item_statistics(document: ContentDocument) -> tuple[ContentVersion | None, dict]:
    """Return the newest version of a document with stored calibrations and them by item id."""
    version_id = db.session.scalar(
        select(ItemCalibration.version_id)
        .where(ItemCalibration.document_id == document.id)
        .order_by(ItemCalibration.version_id.desc())
        .limit(1)
    )
    if version_id is None:
        return None, {}
    rows = db.session.scalars(
        select(ItemCalibration).where(ItemCalibration.version_id == version_id)
    )
    return db.session.get(ContentVersion, version_id), {row.item_id: row for row in rows}
