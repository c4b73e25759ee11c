"""The result beside the school's, the municipality's and the region's means (issue 12, item 3)."""

import re
from datetime import timedelta

from sqlalchemy import select

from competence.accounts.models import User
from competence.diagnostics.models import Attempt
from competence.extensions import db
from tests.certificates.helpers import finished_attempt, prepare
from tests.diagnostics.helpers import best_answer, worst_answer
from tests.factories import login, make_school, make_user


def comparison_row(page: str, title: str) -> list[str]:
    """Return the cells of one competence in the comparison table."""
    table = re.search(r'<table class="[^"]*comparison-table.*?</table>', page, re.S).group(0)
    row = re.search(rf">{re.escape(title)}</th>(.*?)</tr>", table, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", row, re.S)]


def colleagues(count, school, choose, start=0):
    for n in range(start, start + count):
        finished_attempt(make_user(email=f"c{n}@example.org", school=school), choose)


def test_groups_of_five_are_shown_and_smaller_ones_are_not(client):
    prepare()
    school = make_school()
    neighbour = make_school(code="t-002", name="МБОУ СОШ № 2")  # the same municipality
    far = make_school(code="t-003", name="МБОУ СОШ № 3", municipality="Другой район")
    me = make_user(school=school)
    mine = finished_attempt(me, worst_answer)  # 0 everywhere
    colleagues(4, school, best_answer)  # the school: 5 with me, mean 80
    colleagues(5, neighbour, worst_answer, start=10)  # the municipality: 10, mean 40
    colleagues(3, far, best_answer, start=20)  # the region: 13, 3 more than the municipality
    login(client)
    page = client.get(f"/diagnostics/attempts/{mine.id}/result").get_data(as_text=True)
    assert "Сравнение с коллегами" in page
    assert comparison_row(page, "Коммуникация") == ["0", "80", "40", "мало данных"]
    # Later attempts count, not earlier ones: a colleague retakes with all answers wrong.
    colleague = db.session.scalar(select(User).where(User.email == "c0@example.org"))
    for earlier in db.session.scalars(select(Attempt).where(Attempt.user_id == colleague.id)):
        earlier.submitted_at -= timedelta(days=400)
        earlier.started_at -= timedelta(days=400)
    db.session.commit()
    finished_attempt(colleague, worst_answer)
    page = client.get(f"/diagnostics/attempts/{mine.id}/result").get_data(as_text=True)
    assert comparison_row(page, "Коммуникация") == ["0", "60", "30", "мало данных"]


def test_a_school_of_four_is_hidden_and_its_wider_group_follows_the_rule(client):
    prepare()
    school = make_school()
    me = make_user(school=school)
    mine = finished_attempt(me, best_answer)
    colleagues(3, school, worst_answer)  # the school: 4
    login(client)
    page = client.get(f"/diagnostics/attempts/{mine.id}/result").get_data(as_text=True)
    assert comparison_row(page, "Коммуникация") == ["100"] + ["мало данных"] * 3
    # No average of these four colleagues reaches the page in any form.
    assert "25" not in re.search(r"comparison-table.*?</table>", page, re.S).group(0)
