"""Fixtures of the standard-setting tests: the shipped instruments and a panel of methodists."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from competence.accounts.models import Role
from competence.instruments import services
from tests.factories import login, make_user, post_form
from tests.instruments.helpers import SHIPPED

INSTRUMENT = "methodical-teacher"
COMPETENCE = "fgos-planning"


@dataclass
class Panel:
    """The owner of a round, a second panellist, a methodist left out, a teacher; signed in."""

    owner: object
    second: object
    outsider: object
    teacher: object
    clients: dict


@pytest.fixture
def panel(app):
    """Load the shipped content and sign in three methodists and a teacher."""
    services.load_tree(SHIPPED)
    people = {
        "owner": make_user("owner@example.org", Role.METHODIST, "other", full_name="Орлова Ольга"),
        "second": make_user("second@example.org", Role.METHODIST, "other", full_name="Белов Борис"),
        "outsider": make_user(
            "outsider@example.org", Role.METHODIST, "other", full_name="Сторонний Семён"
        ),
        "teacher": make_user("teacher@example.org"),
    }
    clients = {}
    for name, person in people.items():
        clients[name] = app.test_client()
        assert login(clients[name], person.email).status_code == 302
    return Panel(**people, clients=clients)


def open_round(panel, competence=COMPETENCE, panellists=None):
    """Open a round through the form as the owner; return the response."""
    ids = panellists or [panel.owner.id, panel.second.id]
    return post_form(
        panel.clients["owner"],
        f"/standards/new/{INSTRUMENT}",
        {
            "competence": competence,
            "title": "Порог планирования",
            "deadline": (date.today() + timedelta(days=7)).isoformat(),
            "panellists": ids,
        },
    )
