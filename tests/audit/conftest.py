"""Accounts tests run background jobs at once: reset letters are written by a job."""

import pytest


@pytest.fixture
def app(app_factory):
    """The portal on a fresh database, mail delivery off, jobs run synchronously."""
    return app_factory(JOBS_BACKEND="sync")


@pytest.fixture
def mail_app(app_factory, smtp):
    """The portal delivering its outbox to the loopback SMTP server, jobs run synchronously."""
    return app_factory(
        MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port, MAIL_TIMEOUT=5, JOBS_BACKEND="sync"
    )
