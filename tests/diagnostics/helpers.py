"""Helpers for diagnostics tests: load instruments, know the perfect answers."""

from pathlib import Path

from sqlalchemy import select

from competence.extensions import db
from competence.instruments import services
from competence.instruments.library import compiled
from competence.instruments.models import ContentDocument

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
