"""The schema is made by migrations alone, and they match the models."""

import json
from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from competence.extensions import db
from competence.tracks.models import CatalogModule
from tests.certificates.helpers import finished_attempt, prepare
from tests.diagnostics.helpers import best_answer, worst_answer
from tests.factories import make_user


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, db.metadata) == []


def test_migrations_go_down_and_up_again(app):
    downgrade(revision="base")
    with db.engine.connect() as connection:
        tables = set(db.inspect(connection).get_table_names())
    assert tables <= {"alembic_version"}
    upgrade()
    with db.engine.connect() as connection:
        assert "users" in db.inspect(connection).get_table_names()


def _json(value):
    """Return a JSON column's value: SQLite gives the text, PostgreSQL the decoded value."""
    return json.loads(value) if isinstance(value, str) else value


def _insert(connection, table: str, **values) -> None:
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)


def _track(connection, id, attempt, status, created, review="draft", growth=None):
    _insert(
        connection,
        "development_tracks",
        id=id,
        user_id=1,
        source_attempt_id=attempt[0],
        document_id=attempt[1],
        status=status,
        created_at=created,
        gaps=json.dumps([{"competence": f"gap-{id}"}]),
        growth=json.dumps(growth) if growth else None,
        review_status=review,
    )


def _entry(connection, id, track, module, position, status):
    _insert(
        connection,
        "track_modules",
        id=id,
        track_id=track,
        module_id=module,
        position=position,
        mandatory=True,
        deficits="[]",
        title=f"Модуль {module}",
        kind="course",
        hours=16,
        status=status,
        due_date="2026-12-01",
    )


def test_open_tracks_of_a_school_year_merge_into_the_oldest(app):
    """The data step of c4e7a1f9d2b6 on a hand-made database of the revision before it."""
    prepare()
    user = make_user()
    soft = finished_attempt(user, worst_answer, "soft-skills")
    soft.submitted_at -= timedelta(days=400)
    soft.started_at -= timedelta(days=400)
    db.session.commit()
    again = finished_attempt(user, best_answer, "soft-skills")
    methodical = finished_attempt(user, worst_answer, "methodical-teacher")
    maths = finished_attempt(user, worst_answer, "mathematics-teacher")
    m1, m2, m3 = db.session.scalars(select(CatalogModule.id).limit(3)).all()
    assert user.id == 1
    soft, again, methodical, maths = (
        (attempt.id, attempt.document_id) for attempt in (soft, again, methodical, maths)
    )
    db.session.commit()
    db.session.remove()
    downgrade(revision="8b3f1d6e2a47")
    with db.engine.begin() as connection:
        # 2026/27: A (oldest, approved) and B open, C completed; D open in 2025/26.
        _track(connection, 1, soft, "active", "2026-10-01 02:00:00", "approved")
        _track(connection, 2, methodical, "active", "2026-11-01 02:00:00")
        growth = {"communication": {"before": 10.0, "after": 80.0}}
        _track(
            connection,
            3,
            again,
            "completed",
            "2026-10-15 02:00:00",
            "draft",
            growth,
        )
        _track(connection, 4, maths, "active", "2026-03-01 02:00:00")
        _entry(connection, 11, 1, m1, 0, "planned")
        _entry(connection, 12, 1, m2, 1, "done")
        _entry(connection, 21, 2, m2, 0, "planned")  # twin of 12, a decline request names it
        _entry(connection, 22, 2, m3, 1, "planned")
        _entry(connection, 23, 2, m1, 2, "done")  # more advanced than 11, which goes
        _entry(connection, 31, 3, m1, 0, "done")
        _entry(connection, 41, 4, m1, 0, "planned")
        _insert(
            connection,
            "decline_requests",
            track_module_id=21,
            reason="Не подходит",
            status="pending",
            created_at="2026-11-02 02:00:00",
        )
    upgrade()
    with db.engine.connect() as connection:
        tracks = connection.execute(
            text("SELECT id, school_year, status, review_status, gaps FROM development_tracks")
        ).all()
        entries = connection.execute(
            text("SELECT id, track_id, position FROM track_modules ORDER BY track_id, position")
        ).all()
        sources = connection.execute(
            text("SELECT track_id, attempt_id, growth FROM plan_sources ORDER BY id")
        ).all()
    by_id = {row.id: row for row in tracks}
    assert sorted(by_id) == [1, 3, 4]
    assert [by_id[i].school_year for i in (1, 3, 4)] == [2026, 2026, 2025]
    assert by_id[1].review_status == "draft", "a merged plan needs the tutor again"
    assert by_id[1].status == "active"
    assert [gap["competence"] for gap in _json(by_id[1].gaps)] == ["gap-1", "gap-2"]
    assert [(row.id, row.track_id, row.position) for row in entries] == [
        (23, 1, 0),
        (12, 1, 1),
        (21, 1, 2),
        (22, 1, 3),
        (31, 3, 0),
        (41, 4, 0),
    ]
    assert sorted((row.track_id, row.attempt_id) for row in sources) == sorted(
        [(1, soft[0]), (1, methodical[0]), (3, again[0]), (4, maths[0])]
    )
    assert _json(next(r.growth for r in sources if r.track_id == 3)) == growth
