"""Fixtures of the diagnostics tests."""

import pytest

from tests.diagnostics.helpers import load_instruments
from tests.factories import login, make_user


@pytest.fixture
def teacher(client):
    load_instruments()
    make_user(subjects=("mathematics",))
    login(client)
    return client
