"""`flask analytics generate`: a small region with staff, results over campaigns and tracks.

Loading the shipped instruments and catalogue takes most of a run, so the small region is
generated once into a SQLite file and each test that only reads it gets a copy.
"""

import shutil
from collections import Counter
from datetime import UTC, datetime

import numpy as np
import pytest
from flask import current_app
from sqlalchemy import func, select

from competence import create_app
from competence.accounts.models import Role, User
from competence.deficits.generator import (
    FLAGSHIP_STAFF,
    allocate,
    generate_region,
    identification_categories,
    staff_sizes,
)
from competence.deficits.generator_people import SOFT_SKILLS, generate_people, subject_instrument
from competence.deficits.generator_staff import (
    InstrumentProfile,
    instrument_profiles,
    school_effect,
    school_year_windows,
    simulate,
)
from competence.diagnostics.models import Attempt, CompetenceScore
from competence.extensions import db
from competence.instruments.models import ContentDocument
from competence.schools.models import School, SchoolIndicators
from competence.tracks.models import CatalogModule, DevelopmentTrack, PlanSource, TrackModule
from tests.conftest import BASE_CONFIG
from tests.deficits.helpers import level_of

SMALL = ["analytics", "generate", "--schools", "12", "--teachers", "96", "--campaigns", "2"]


@pytest.fixture(scope="module")
def small_region(tmp_path_factory):
    """Generate the small region once, through the command; return its file and the output."""
    from flask_migrate import upgrade

    path = tmp_path_factory.mktemp("generated") / "region.sqlite3"
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=SMALL)
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    return path, result.output


@pytest.fixture
def region(app_factory, small_region, tmp_path):
    """An app on a copy of the small region; return the command's output."""
    path, output = small_region
    copy = tmp_path / "region.sqlite3"
    shutil.copyfile(path, copy)
    app_factory(SQLALCHEMY_DATABASE_URI=f"sqlite:///{copy}")
    return output


def _school_year(moment: datetime) -> int:
    return moment.year if moment.month >= 9 else moment.year - 1


def test_generate_makes_schools_staff_and_a_result_per_campaign(region):
    output = region
    assert "schools: 12" in output and "staff: 108" in output
    schools = db.session.scalars(select(School)).all()
    assert len(schools) == 12 and all(s.code.startswith("gen-") for s in schools)
    indicator_years = set(db.session.scalars(select(SchoolIndicators.year)))
    assert len(indicator_years) >= 3
    users = db.session.scalars(select(User)).all()
    assert len(users) == 108
    directors = Counter(u.school_id for u in users if u.role == Role.DIRECTOR)
    assert directors == {s.id: 1 for s in schools}
    assert all(u.municipality_id == u.school.municipality_id for u in users)

    keys = {d.id: d.key for d in db.session.scalars(select(ContentDocument))}
    taken = Counter(
        (a.user_id, keys[a.document_id]) for a in db.session.scalars(select(Attempt)).all()
    )
    expected = {}
    for user in users:
        expected[user.id, SOFT_SKILLS] = 2
        other = subject_instrument(user.position, user.subjects)
        if other:
            expected[user.id, other] = 2
    assert taken == expected
    assert f"attempts: {sum(expected.values())} over 2 campaign(s)" in output


def test_every_result_has_a_consistent_score_per_competence(region):
    profiles = {p.version_id: p for p in instrument_profiles().values()}
    attempts = db.session.scalars(select(Attempt)).all()
    assert attempts and all(a.is_submitted for a in attempts)
    for attempt in attempts:
        rows = attempt.competence_scores
        assert tuple(r.competence for r in rows) == profiles[attempt.version_id].competences
        assert attempt.total_score == pytest.approx(
            sum(r.score for r in rows) / len(rows), abs=0.01
        )
    scores = db.session.scalars(select(CompetenceScore)).all()
    assert {s.threshold for s in scores} == {65.0, 75.0}  # russian-teacher raises two
    for s in scores:
        assert s.deficit == (s.score < s.threshold)
        assert s.depth == pytest.approx(s.threshold - s.score if s.deficit else 0.0)
        assert s.level == level_of(s.score)
    assert any(s.deficit for s in scores) and not all(s.deficit for s in scores)


def test_one_result_per_school_year_the_latest_in_the_current_one(region):
    now = datetime.now(UTC)
    by_person = {}
    for attempt in db.session.scalars(select(Attempt)):
        by_person.setdefault((attempt.user_id, attempt.document_id), []).append(attempt)
    current = _school_year(now)
    for attempts in by_person.values():
        years = sorted(_school_year(a.submitted_at) for a in attempts)
        assert years == [current - 1, current]
        newest = max(attempts, key=lambda a: a.submitted_at)
        assert _school_year(newest.submitted_at) == current and newest.submitted_at <= now
        assert all(a.started_at < a.submitted_at <= a.deadline_at for a in attempts)


def test_tracks_follow_the_deficits_of_the_results(region):
    tracks = db.session.scalars(select(DevelopmentTrack)).all()
    assert tracks
    latest = {}
    for attempt in db.session.scalars(select(Attempt)):
        key = (attempt.user_id, attempt.document_id)
        if key not in latest or attempt.submitted_at > latest[key].submitted_at:
            latest[key] = attempt
    with_deficits = {a.id for a in latest.values() if any(s.deficit for s in a.competence_scores)}
    # A plan merges the open results of a school year: each is one of its sources.
    sources = set(db.session.scalars(select(PlanSource.attempt_id)))
    # Every latest result with deficits has its track (the catalogue covers every competence).
    assert with_deficits <= sources
    modules = {m.id: m for m in db.session.scalars(select(CatalogModule))}
    for track in tracks:
        source = track.source_attempt
        assert track.user_id == source.user_id and track.document_id == source.document_id
        deficits = {
            s.competence
            for plan_source in track.sources
            for s in plan_source.attempt.competence_scores
            if s.deficit
        }
        assert track.modules and track.modules[0].mandatory
        for entry in track.modules:
            assert entry.module_id in modules and entry.title == modules[entry.module_id].title
            assert {d["competence"] for d in entry.deficits} <= deficits
        done = [m.status == "done" for m in track.modules]
        if track.status == "completed":
            retake = track.retake_attempt
            assert all(done) and retake.submitted_at > source.submitted_at
            assert (retake.user_id, retake.document_id) == (source.user_id, source.document_id)
            assert set(track.growth) == {s.competence for s in retake.competence_scores}
        else:
            assert source.id in with_deficits
            assert (track.status == "awaiting_retake") == all(done)
    assert db.session.scalar(select(func.count(TrackModule.id))) == sum(
        len(t.modules) for t in tracks
    )


def test_a_second_run_into_the_same_database_is_refused(region):
    again = current_app.test_cli_runner().invoke(args=SMALL)
    assert again.exit_code == 1
    assert "already holds a generated region (12 schools" in again.output
    assert db.session.scalar(select(func.count(School.id))) == 12


def test_the_identification_finds_categories_and_scores_follow_them(region):
    categories = identification_categories()
    assert len(categories) == 12
    found = Counter(category for category, _ in categories.values())
    assert found["low_results"] and found["stable_high"]
    assert Counter(social for _, social in categories.values())["unfavourable"]
    codes = dict(db.session.execute(select(School.id, School.code)).all())
    means = {}
    for school_id, score in db.session.execute(
        select(User.school_id, CompetenceScore.score)
        .join(Attempt, Attempt.user_id == User.id)
        .join(CompetenceScore, CompetenceScore.attempt_id == Attempt.id)
    ):
        means.setdefault(categories[codes[school_id]][0], []).append(score)
    assert np.mean(means["low_results"]) < np.mean(means["stable_high"])


def test_simulated_scores_are_lower_in_low_result_schools_and_grow_over_campaigns():
    profile = InstrumentProfile(
        key="soft-skills",
        document_id=1,
        version_id=1,
        framework="soft-skills",
        time_limit=50,
        competences=("a", "b", "c", "d"),
        titles=("A", "B", "C", "D"),
        soft=(True,) * 4,
        thresholds=np.full(4, 65.0),
        levels=("low", "basic", "sufficient", "high"),
        cut_scores=np.array([0.0, 50.0, 70.0, 85.0]),
    )
    rng = np.random.default_rng(3)
    effects = np.array(
        [school_effect("low_results", None, 0.0)] * 2000
        + [school_effect("stable_high", None, 0.0)] * 2000
    )
    scores, completed = simulate(rng, profile, rng.normal(size=4000), effects, 3)
    low, high = scores[:2000].mean(), scores[2000:].mean()
    assert 9 < high - low < 13
    by_campaign = scores.mean(axis=(0, 2))
    assert by_campaign[0] < by_campaign[1] < by_campaign[2]
    # Some results of the earlier campaigns have completed tracks, none of the latest.
    assert completed[:, :2].any() and not completed[:, 2].any()
    # Scores of one person hang together across competences and campaigns.
    people = scores.mean(axis=2)
    assert np.corrcoef(people[:, 0], people[:, 2])[0, 1] > 0.6


def _snapshot():
    people = db.session.execute(
        select(User.email, User.full_name, User.position, School.code)
        .join(School, School.id == User.school_id)
        .order_by(User.id)
    ).all()
    scores = db.session.execute(
        select(
            CompetenceScore.attempt_id, CompetenceScore.competence, CompetenceScore.score
        ).order_by(CompetenceScore.id)
    ).all()
    attempts = db.session.execute(select(Attempt.submitted_at).order_by(Attempt.id)).all()
    tracks = db.session.execute(
        select(TrackModule.track_id, TrackModule.module_id, TrackModule.status).order_by(
            TrackModule.id
        )
    ).all()
    return people, scores, attempts, tracks


def test_a_seed_gives_the_same_region(app_factory):
    from competence.deficits.generator import ensure_content

    now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    snapshots = []
    for _ in range(2):
        app_factory()
        ensure_content()
        generate_region(3, 30, 2, 7, now=now)
        db.session.commit()
        snapshots.append(_snapshot())
    assert snapshots[0] == snapshots[1]
    names = [generate_people(np.random.default_rng(s), [30], [True]).names for s in (7, 8)]
    assert names[0] != names[1]


def test_staff_sizes_give_the_first_school_150_and_share_out_the_rest():
    schools = [{"students": 900, "city": True}] + [
        {"students": 100 + 50 * i, "city": i % 3 == 0} for i in range(449)
    ]
    sizes = staff_sizes(schools, 15_000)
    assert sizes.sum() == 15_000 and sizes[0] == FLAGSHIP_STAFF - 1
    assert sizes[1:].max() < FLAGSHIP_STAFF - 1
    assert list(allocate(10, [1, 1, 2])) == [3, 2, 5]
    assert allocate(7, [1, 1, 1]).sum() == 7


def test_campaign_windows_keep_inside_their_school_years():
    early = datetime(2026, 9, 3, 12, tzinfo=UTC)
    windows = school_year_windows(early, 3)
    assert [w[0].year for w in windows] == [2024, 2025, 2026]
    assert all(start < end for start, end in windows)
    assert windows[-1][1] <= early and windows[-1][0] >= datetime(2026, 9, 1, tzinfo=UTC)
    spring = school_year_windows(datetime(2027, 3, 1, tzinfo=UTC), 1)
    assert spring[0][0].year == 2026 and spring[0][1] == datetime(2027, 3, 1, tzinfo=UTC)
