"""Column types and helpers shared by the models of every domain."""

import contextlib
import os
from datetime import UTC, datetime

from sqlalchemy import DateTime, update
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An aware UTC timestamp on every database (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Refuse naive datetimes and store everything as UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        """Return aware UTC datetimes."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _unicode_lower(value):
    """Lower-case any script; SQLite's own lower() only knows ASCII."""
    return value.lower() if isinstance(value, str) else value


def configure_sqlite(dbapi_connection, connection_record) -> None:
    """Make an SQLite connection behave like the production database where it matters."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # WAL lets readers and one writer work at once (several gunicorn workers, background jobs).
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.close()
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def create_private_file(path: str | None) -> None:
    """Create an SQLite database file readable by its owner only, unless it exists already.

    SQLite would create it with the process's umask (often world-readable); its -wal and -shm
    files copy the database file's mode.
    """
    if not path or path == ":memory:" or path.startswith("file:") or os.path.exists(path):
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with contextlib.suppress(FileExistsError):  # another worker created it first
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def lock_row(session, instance) -> None:
    """Lock an object's row for the rest of the transaction and read it afresh.

    PostgreSQL locks the row (SELECT ... FOR UPDATE). SQLite has no row locks: a no-op write to
    the row takes the database's one write lock, which the other writers wait for (busy_timeout).
    """
    if session.get_bind().dialect.name == "sqlite":
        model = type(instance)
        session.execute(update(model).where(model.id == instance.id).values(id=model.id))
    session.refresh(instance, with_for_update=True)
