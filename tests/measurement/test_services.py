"""The item analysis of a published version over real attempts, and what it stores."""

import math
import statistics

from sqlalchemy import func, select

from competence.audit import AuditEvent
from competence.extensions import db
from competence.measurement import services
from competence.measurement.models import WHOLE_INSTRUMENT, ItemCalibration, ScaleStatistics
from tests.diagnostics.helpers import document, load_instruments
from tests.measurement.helpers import KEY, cohort


def version():
    return document(KEY).latest_published


def test_no_attempts_give_an_empty_report(app):
    load_instruments()
    report = services.version_report(version())
    assert report.n_attempts == 0 and report.whole is None and report.items == ()
    assert not report.reliable


def test_the_report_stores_items_and_scales_and_replaces_older_rows(app):
    load_instruments()
    attempts = cohort(12)
    first = services.calibrate_version(version())
    instrument = first.instrument
    assert first.n_attempts == 12
    rows = db.session.scalars(select(ItemCalibration)).all()
    assert {row.item_id for row in rows} == {item.id for item in instrument.items}
    for row in rows:
        assert row.n_attempts == sum(row.item_id in a.item_scores for a in attempts)
        assert row.version_id == version().id
    single = next(i for i in instrument.items if i.type == "single_choice")
    stored = next(row for row in rows if row.item_id == single.id)
    report = next(r for r in first.items if r.item == single.id)
    assert stored.facility == report.stats.facility
    assert stored.rasch_difficulty is None or math.isfinite(stored.rasch_difficulty)
    scales = {row.competence: row for row in db.session.scalars(select(ScaleStatistics))}
    assert set(scales) == {WHOLE_INSTRUMENT, *instrument.competences}
    whole = scales[WHOLE_INSTRUMENT]
    assert whole.n_items == len(instrument.items) and whole.n_attempts == 12
    assert 0 < whole.alpha < 1 and 0 < whole.sem < whole.sd < 100

    again = services.calibrate_version(version())
    assert again.n_attempts == 12
    assert db.session.scalar(select(func.count()).select_from(ItemCalibration)) == len(rows)
    assert db.session.scalar(select(func.count()).select_from(ScaleStatistics)) == len(scales)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "item_analysis_computed")
    ).all()
    assert len(events) == 2 and events[0].details == {"number": 1, "attempts": 12}


def test_items_outside_a_sitting_are_missing_not_wrong(app):
    load_instruments()
    attempts = cohort(6)
    dropped = attempts[0].layout["items"][0]
    shown = [a for a in attempts if dropped in a.layout["items"]]
    # A sitting drawn from a bank lists only its items in the layout: take the item out of the
    # first sitting's layout, as if it had not been drawn.
    first = shown[0]
    first.layout = {**first.layout, "items": [i for i in first.layout["items"] if i != dropped]}
    db.session.commit()
    report = services.version_report(version())
    item = next(r for r in report.items if r.item == dropped)
    # That sitting still has a score for the item (it was submitted first); it is not counted.
    assert dropped in first.item_scores
    assert item.stats.n == len(shown) - 1
    sizes = [len(a.layout["items"]) for a in attempts]
    assert report.whole.form_length == round(statistics.median(sizes))


def test_distractors_of_choice_items(app):
    load_instruments()
    from tests.diagnostics.helpers import instrument

    ready = instrument(KEY)
    single = next(i for i in ready.instrument.items if i.type == "single_choice")
    wrong = [o.id for o in single.body.options if not o.correct]

    def special(item, scales, ability):
        if item.id != single.id:
            return "default"
        # The strongest teachers fall for the first wrong option, the weakest for the second.
        return wrong[0] if ability > 0.6 else wrong[1] if ability < 0.3 else None

    attempts = cohort(20, special=special)
    report = services.version_report(version())
    analysis = report.distractors[single.id]
    shares = {o.option: o for o in analysis.options}
    assert shares[wrong[0]].flagged and shares[wrong[0]].share_upper > shares[wrong[0]].share_lower
    assert not shares[wrong[1]].flagged
    # Teacher i has ability (i + 0.5) / 20; those between 0.3 and 0.6 chose nothing.
    given = [i for i, a in enumerate(attempts) if single.id in a.item_scores]
    assert analysis.n == len(given)
    assert analysis.omitted == sum(0.3 <= (i + 0.5) / 20 <= 0.6 for i in given) / len(given)
    assert "distractor_upper" in report.flags(single.id)
    assert {i.id for i in ready.instrument.items if i.type in services.CHOICE_TYPES} == set(
        report.distractors
    )


def test_the_command_calibrates_the_latest_versions(app, runner):
    load_instruments()
    cohort(5)
    result = runner.invoke(args=["analytics", "calibrate", KEY])
    assert result.exit_code == 0, result.output
    assert f"{KEY} v1: attempts 5" in result.output
    assert db.session.scalar(select(func.count()).select_from(ItemCalibration)) > 0
    missing = runner.invoke(args=["analytics", "calibrate", "no-such"])
    assert missing.exit_code == 1 and "no-such" in missing.output
    every = runner.invoke(args=["analytics", "calibrate"])
    assert every.exit_code == 0 and "soft-skills v1: attempts 0" in every.output


def test_latest_item_statistics_of_a_document(app):
    load_instruments()
    assert services.latest_item_statistics(document(KEY)) == (None, {})
    cohort(4)
    services.calibrate_version(version())
    found, rows = services.latest_item_statistics(document(KEY))
    assert found.id == version().id and len(rows) == len(services.version_report(found).items)
