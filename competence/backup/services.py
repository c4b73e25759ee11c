"""Back up the portal's database into one file and restore it into an empty database.

SQLite is copied with its online backup API (consistent while the portal keeps writing);
PostgreSQL with `pg_dump --format=custom` and `pg_restore`, whose versions must be at least the
server's. Row counts taken with the backup are checked after the restore.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, column, func, inspect, select, table
from sqlalchemy.engine import URL

from competence.backup.archive import BackupError, Manifest, read, write


def create_backup(engine: Engine, path: Path) -> Manifest:
    """Write a backup of the database behind `engine` to `path`; return its manifest."""
    dialect = _dialect(engine)
    manifest = Manifest(
        dialect=dialect,
        revision=_revision(engine),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        tables=row_counts(engine),
    )
    with tempfile.TemporaryDirectory(prefix="competence-backup-") as folder:
        dump = Path(folder) / "dump"
        if dialect == "sqlite":
            _sqlite_copy(_sqlite_path(engine.url), dump)
        else:
            _pg(
                "pg_dump",
                engine.url,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
            )
        write(path, manifest, dump)
    return manifest


def restore_backup(engine: Engine, path: Path) -> Manifest:
    """Restore the backup at `path` into the empty database behind `engine`; return its manifest."""
    dialect = _dialect(engine)
    with tempfile.TemporaryDirectory(prefix="competence-restore-") as folder:
        manifest, dump = read(path, Path(folder))
        if manifest.dialect != dialect:
            raise BackupError(
                f"the backup is of a {manifest.dialect} database and cannot be restored "
                f"into {dialect}"
            )
        existing = inspect(engine).get_table_names()
        if existing:
            raise BackupError(
                f"the target database is not empty ({len(existing)} tables): restore only "
                "into a new, empty database"
            )
        engine.dispose()
        if dialect == "sqlite":
            target = _sqlite_path(engine.url)
            _sqlite_copy(dump, target)
        else:
            _pg(
                "pg_restore",
                engine.url,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                str(dump),
            )
    found = row_counts(engine)
    wrong = {
        name: (count, found.get(name))
        for name, count in manifest.tables.items()
        if found.get(name) != count
    }
    if wrong:
        details = ", ".join(
            f"{name}: {want} expected, {got} found" for name, (want, got) in wrong.items()
        )
        raise BackupError(f"the restored database differs from the backup: {details}")
    return manifest


def row_counts(engine: Engine) -> dict[str, int]:
    """Return the number of rows of every table of the database."""
    with engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        return {
            name: connection.scalar(select(func.count()).select_from(table(name))) for name in names
        }


def _dialect(engine: Engine) -> str:
    """Return "sqlite" or "postgresql", refusing any other database."""
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {name} databases are not supported")
    return name


def _revision(engine: Engine) -> str | None:
    """Return the Alembic revision the database is at, if it has one."""
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as connection:
        return connection.scalar(
            select(column("version_num")).select_from(table("alembic_version"))
        )


def _sqlite_path(url: URL) -> Path:
    """Return the file of an SQLite database URL."""
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy an SQLite database page by page with its online backup API, owner-readable only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(target, 0o600)  # connecting to check it was empty may have created it world-readable
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _pg(program: str, url: URL, *args: str) -> None:
    """Run pg_dump or pg_restore on the database of `url`; the password goes by environment."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian: apt install postgresql-client)")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = subprocess.run(
        [program, f"--dbname={libpq}", *args], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip() or result.returncode}")
