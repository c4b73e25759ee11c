"""An attempt in progress stays on the version it was started on when a new one is published."""

from sqlalchemy import select

from competence.diagnostics.models import Attempt, CompetenceScore
from competence.extensions import db
from competence.instruments import services
from tests.diagnostics.helpers import best_answer, instrument, load_instruments, page_answer
from tests.factories import csrf_token, login, make_user
from tests.instruments.helpers import document, published


def start(client, key="soft-skills") -> Attempt:
    response = client.post(
        f"/diagnostics/{key}/start", data={"csrf_token": csrf_token(client, "/diagnostics/")}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.get(Attempt, int(response.headers["Location"].rsplit("/", 1)[1]))


def publish_new_version(key="soft-skills"):
    """Publish v2 with a reworded first item and one item fewer, as a methodist would."""
    draft = services.start_draft(document("instrument", key), None)
    content = dict(draft.content)
    items = [dict(item) for item in content["items"]]
    items[0]["stem"] = "Новая формулировка первого утверждения."
    removed = items.pop()
    services.save_draft(draft, {**content, "items": items})
    services.publish_draft(draft, None)
    return removed["id"]


def test_an_attempt_in_progress_keeps_its_version(app):
    load_instruments()
    make_user(email="first@example.org")
    first = app.test_client()
    login(first, "first@example.org")
    attempt = start(first)
    v1 = attempt.version
    ready = instrument("soft-skills")
    old_stem = ready.instrument.items[0].stem
    removed = publish_new_version()
    assert [v.number for v in published("instrument", "soft-skills")] == [1, 2]

    # The page and the answers still follow version 1, including the item v2 dropped.
    page = first.get(f"/diagnostics/attempts/{attempt.id}").get_data(as_text=True)
    assert old_stem in page and "Новая формулировка" not in page
    assert f'name="a-{removed}"' in page
    by_id = {item.id: item for item in ready.instrument.items}
    saved = first.post(
        f"/api/attempts/{attempt.id}/answers",
        json={
            "item": removed,
            "answer": page_answer(attempt, removed, best_answer(by_id[removed], ready.scales)),
            "sequence": 0,
        },
        headers={"X-CSRFToken": csrf_token(first, f"/diagnostics/attempts/{attempt.id}")},
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    url = f"/diagnostics/attempts/{attempt.id}/submit"
    assert first.post(url, data={"csrf_token": csrf_token(first, url)}).status_code == 302
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.version_id == v1.id and attempt.is_submitted
    scores = db.session.scalars(
        select(CompetenceScore).where(CompetenceScore.attempt_id == attempt.id)
    ).all()
    assert len(scores) == 6

    # A new attempt starts on version 2.
    make_user(email="second@example.org")
    second = app.test_client()
    login(second, "second@example.org")
    assert start(second).version.number == 2
