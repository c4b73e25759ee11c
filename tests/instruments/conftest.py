"""Fixtures of the instrument tests."""

import pytest

from competence.accounts.models import Role
from competence.instruments import services
from tests.factories import login, make_user
from tests.instruments.helpers import SHIPPED


@pytest.fixture
def methodist(client):
    """A signed-in methodist with the shipped scales and frameworks loaded."""
    services.load_tree(SHIPPED)
    make_user(email="methodist@example.org", role=Role.METHODIST, position="other")
    login(client, "methodist@example.org")
    return client
