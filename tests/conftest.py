"""Fixtures: an app with a freshly migrated database per test, a client, a CLI runner, SMTP.

Test code (factories, assertions on rows) runs inside the app context of a twin instance of the
app on the same database. Requests through the client therefore get an app context of their own,
as in production: nothing leaks between test code and requests through `g` or the session.
"""

import os
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from competence import create_app
from competence.extensions import db
from tests.smtp import SMTPServer

# The PostgreSQL server to test against, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test.
# Without it the suite runs on SQLite files.
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-of-sufficient-length",
    "PUBLIC_URL": "http://localhost",
    "MAIL_SERVER": "",
    "MAIL_DEFAULT_SENDER": "ХКИРО <noreply@khkiro.test>",
    "JOBS_BACKEND": "inline",
    # Tests sign in many times a minute; tests/accounts/test_rate_limits.py turns it on.
    "RATELIMIT_ENABLED": False,
    "RATELIMIT_STORAGE_URI": "memory://",
    # Most tests sign in as administrators and methodists without a phone; the second factor
    # is required in tests/accounts/test_second_factor.py and in the browser tests.
    "SECOND_FACTOR_ROLES": (),
    # Analytics pages check their data on every request (snapshots: exact, never a minute old).
    "ANALYTICS_CACHE_SECONDS": 0,
}


class SQLiteDatabases:
    """Migrate one SQLite file, then hand each test its own copy."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.template = directory / "template.sqlite3"

    def url(self, path: Path) -> str:
        return f"sqlite:///{path}"

    def create_template(self) -> str:
        return self.url(self.template)

    def fresh(self) -> str:
        path = self.directory / f"test-{uuid.uuid4().hex}.sqlite3"
        shutil.copyfile(self.template, path)
        return self.url(path)

    def drop(self, url: str) -> None:
        Path(make_url(url).database).unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresDatabases:
    """Migrate one PostgreSQL database, then clone it (CREATE DATABASE ... TEMPLATE) per test.

    Cloning and dropping wait on the server's disk, so a background thread clones the next
    test's database while a test runs and drops the last one's after it: the suite does not
    wait for either.
    """

    def __init__(self, server_url: str):
        self.server = make_url(server_url)
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT", poolclass=None)
        self.prefix = f"competence_test_{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_template"
        self.worker = ThreadPoolExecutor(max_workers=1)
        self.next = None

    def url(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(statement))

    def create_template(self) -> str:
        self._execute(f'CREATE DATABASE "{self.template}"')
        return self.url(self.template)

    def _clone(self) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.url(name)

    def fresh(self) -> str:
        # The template is complete before the first clone: the session fixture migrates it.
        current = self.next or self.worker.submit(self._clone)
        self.next = self.worker.submit(self._clone)
        return current.result()

    def drop(self, url: str) -> None:
        name = make_url(url).database
        self.worker.submit(self._execute, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self.next is not None:
            self.drop(self.next.result())
        self.worker.shutdown(wait=True)
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    """Create the migrated template database once per test session."""
    from flask_migrate import upgrade

    if POSTGRES_URL:
        manager = PostgresDatabases(POSTGRES_URL)
    else:
        manager = SQLiteDatabases(tmp_path_factory.mktemp("db"))
    url = manager.create_template()
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield manager
    manager.close()


@pytest.fixture
def app_factory(databases):
    """Return a function that builds an app on a fresh database and enters its twin's context."""
    created = []

    def build(**config):
        url = databases.fresh()
        full_config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **config}
        app, twin = create_app(full_config), create_app(full_config)
        context = twin.app_context()
        context.push()
        created.append((app, twin, context, url))
        return app

    yield build
    for app, twin, context, url in reversed(created):
        db.session.remove()
        context.pop()
        for instance in (app, twin):
            with instance.app_context():
                db.engine.dispose()
        databases.drop(url)


@pytest.fixture
def app(app_factory):
    """The portal on a fresh database, with mail delivery off."""
    return app_factory()


@pytest.fixture
def client(app):
    """A test client of `app`."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of `app`."""
    return app.test_cli_runner()


@pytest.fixture
def smtp():
    """A real SMTP server on loopback that keeps every message it receives."""
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app_factory, smtp):
    """The portal delivering its outbox to the loopback SMTP server."""
    return app_factory(MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port, MAIL_TIMEOUT=5)


@pytest.fixture
def mail_client(mail_app):
    """A test client of `mail_app`."""
    return mail_app.test_client()


def pytest_sessionfinish(session, exitstatus):
    """Under CI=true a skipped test fails the run: nothing may be skipped silently."""
    if os.environ.get("CI", "").lower() != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"CI=true: {len(skipped)} test(s) were skipped; failing the run", red=True
        )
        session.exitstatus = 1
