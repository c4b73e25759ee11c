"""`flask backup` and `flask restore`: every row and every uploaded file comes back."""

import os
import stat
import tarfile
import uuid

import pytest
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.engine import make_url

from competence import create_app
from competence.extensions import db
from competence.tracks.models import EvidenceFile, TrackModule
from tests.conftest import BASE_CONFIG, POSTGRES_URL, PostgresDatabases


@pytest.fixture
def empty_database(tmp_path):
    """Return the URL of a new, empty database of the kind the suite runs on."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    server = PostgresDatabases(POSTGRES_URL)
    name = f"competence_restore_{uuid.uuid4().hex[:12]}"
    server._execute(f'CREATE DATABASE "{name}"')
    yield server.url(name)
    server._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.admin.dispose()


def all_rows(url: str) -> dict[str, list[tuple]]:
    """Return every row of every table, in primary-key order."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                name: [tuple(row) for row in connection.execute(select(t).order_by(*t.primary_key))]
                for name, t in metadata.tables.items()
            }
    finally:
        engine.dispose()


def test_backup_restores_every_row_and_file_into_an_empty_database(
    app, runner, tmp_path, empty_database
):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    module = db.session.scalars(select(TrackModule).limit(1)).one()
    evidence = os.urandom(4096)
    db.session.add(
        EvidenceFile(
            track_module=module,
            filename="отчёт.pdf",
            content_type="application/pdf",
            size=len(evidence),
            data=evidence,
        )
    )
    db.session.commit()
    source_url = app.config["SQLALCHEMY_DATABASE_URI"]
    before = all_rows(source_url)

    archive = tmp_path / "portal.backup"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        assert "manifest.json" in tar.getnames()

    # The test's own app context is the source's: the target's must be the current one.
    target = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database})
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(archive)])
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "every table's row count matches" in result.output

    after = all_rows(empty_database)
    assert after.keys() == before.keys()
    assert after == before
    files = [row for row in after["evidence_files"] if evidence in row]
    assert len(files) == 1
    assert sum(len(rows) for rows in after.values()) > 100
    if empty_database.startswith("sqlite"):
        path = make_url(empty_database).database
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_restore_refuses_a_database_that_is_not_empty(app, runner, tmp_path):
    archive = tmp_path / "portal.backup"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code == 1
    assert "not empty" in result.output


def test_restore_refuses_a_file_that_is_not_a_backup(app, runner, tmp_path):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    result = runner.invoke(args=["restore", str(junk)])
    assert result.exit_code == 1
    assert "not a readable backup" in result.output


def test_a_backup_overwrites_an_existing_file_as_owner_only(app, runner, tmp_path):
    archive = tmp_path / "portal.backup"
    archive.write_text("old")
    archive.chmod(0o644)
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
