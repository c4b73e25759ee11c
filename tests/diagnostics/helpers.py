"""Helpers for diagnostics tests: load instruments, know the perfect answers, take attempts."""

from pathlib import Path

from sqlalchemy import select

from competence.diagnostics.models import Attempt, AttemptAnswer
from competence.diagnostics.pagetokens import attempt_tokens, to_page
from competence.diagnostics.sittings import attempt_items
from competence.diagnostics.submission import instrument_of
from competence.extensions import db
from competence.instruments import services
from competence.instruments.library import compiled
from competence.instruments.models import ContentDocument
from tests.factories import csrf_token, post_form

SHIPPED = Path(__file__).parent.parent.parent / "instruments"


def load_instruments():
    services.load_tree(SHIPPED)


def document(key: str) -> ContentDocument:
    return db.session.scalar(
        select(ContentDocument).where(
            ContentDocument.kind == "instrument", ContentDocument.key == key
        )
    )


def instrument(key: str):
    """Return the compiled newest version of a shipped instrument."""
    return compiled(document(key).latest_published)


def best_answer(item, scales):
    """Return the answer that earns an item full credit."""
    body = item.body
    if item.type == "single_choice":
        return next(o.id for o in body.options if o.correct)
    if item.type == "multiple_choice":
        return [o.id for o in body.options if o.correct]
    if item.type == "situational":
        return max(body.options, key=lambda o: o.weight).id
    if item.type == "likert":
        points = [p.value for p in scales[body.scale].points]
        return min(points) if body.reversed else max(points)
    if item.type == "numeric":
        return body.answer
    if item.type == "matching":
        return list(range(len(body.pairs)))
    if item.type == "ordering":
        return list(range(len(body.sequence)))
    raise AssertionError(item.type)


def worst_answer(item, scales):
    """Return an answer that earns an item no credit."""
    body = item.body
    if item.type == "single_choice":
        return next(o.id for o in body.options if not o.correct)
    if item.type == "multiple_choice":
        return [o.id for o in body.options if not o.correct]
    if item.type == "situational":
        return min(body.options, key=lambda o: o.weight).id
    if item.type == "likert":
        points = [p.value for p in scales[body.scale].points]
        return max(points) if body.reversed else min(points)
    if item.type == "numeric":
        return body.answer + body.tolerance + 1000
    if item.type == "matching":
        size = len(body.pairs)
        return [(i + 1) % size for i in range(size)]
    if item.type == "ordering":
        return list(reversed(range(len(body.sequence))))
    raise AssertionError(item.type)


def start(client, key):
    """Start an attempt through the diagnostics page."""
    page = "/diagnostics/"
    response = client.post(
        f"/diagnostics/{key}/start", data={"csrf_token": csrf_token(client, page)}
    )
    return response


def open_attempt(client, key="soft-skills") -> Attempt:
    response = start(client, key)
    assert response.status_code == 302, response.get_data(as_text=True)
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.session.get(Attempt, attempt_id)


def page_answer(attempt, item_id, answer):
    """Return an answer in the scoring format as the attempt's page names it (its tokens)."""
    entry = next((i for i in instrument_of(attempt).instrument.items if i.id == item_id), None)
    return answer if entry is None else to_page(entry, attempt_tokens(attempt), answer)


def save(client, attempt, item, answer, sequence=None, token=None, as_page=True):
    """Save an answer through the page's API; `answer` is in the scoring format unless not
    `as_page` (then it is sent exactly as given)."""
    token = token or csrf_token(client, f"/diagnostics/attempts/{attempt.id}")
    if sequence is None:
        db.session.refresh(attempt)
        sequence = attempt.sequence
    sent = page_answer(attempt, item, answer) if as_page else answer
    return client.post(
        f"/api/attempts/{attempt.id}/answers",
        json={"item": item, "answer": sent, "sequence": sequence},
        headers={"X-CSRFToken": token},
    )


def saved(attempt) -> dict:
    db.session.expire_all()
    rows = db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id))
    return {row.item_id: row.value for row in rows}


def take(client, key, choose, only=None) -> Attempt:
    """Answer (some) items of an instrument with `choose`, then finish; return the attempt."""
    attempt = open_attempt(client, key)
    ready = instrument(key)
    # A banked instrument shows only the sitting's form; others show every item.
    for item in attempt_items(attempt, ready.instrument):
        if only is None or item.id in only:
            response = save(client, attempt, item.id, choose(item, ready.scales))
            assert response.status_code == 200, response.json
    post_form(client, f"/diagnostics/attempts/{attempt.id}/submit", {})
    db.session.refresh(attempt)
    return attempt
