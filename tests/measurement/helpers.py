"""Submitted attempts of many teachers, with answers drawn from their simulated ability."""

import random

from competence.diagnostics import services as diagnostics
from competence.diagnostics.models import AttemptAnswer
from competence.extensions import db
from tests.diagnostics.helpers import best_answer, document, instrument, worst_answer
from tests.factories import make_user

KEY = "mathematics-teacher"


def take(user, choose, key=KEY):
    """Start an attempt, store an answer per item from `choose(item, scales)` and submit it."""
    attempt = diagnostics.start(user, document(key))
    ready = instrument(key)
    # A sitting drawn from an item bank shows only its form: answer only what it shows.
    sitting = set(attempt.layout["items"])
    for item in ready.instrument.items:
        if item.id not in sitting:
            continue
        answer = choose(item, ready.scales)
        if answer is not None:
            db.session.add(AttemptAnswer(attempt_id=attempt.id, item_id=item.id, value=answer))
    db.session.commit()
    return diagnostics.submit(attempt)


def cohort(count, seed=1, key=KEY, special=None):
    """Submit `count` attempts by new teachers of rising ability; return them.

    A teacher of ability a answers an item right with probability a (items vary a little);
    `special(item, scales, ability)` may answer some items itself (None: not answered).
    """
    rng = random.Random(seed)
    attempts = []
    for person in range(count):
        ability = (person + 0.5) / count
        user = make_user(email=f"t{person}@example.org", full_name=f"Учитель {person}")

        def choose(item, scales, ability=ability):
            if special is not None:
                answer = special(item, scales, ability)
                if answer != "default":
                    return answer
            right = rng.random() < min(0.97, max(0.03, ability + rng.uniform(-0.2, 0.2)))
            return best_answer(item, scales) if right else worst_answer(item, scales)

        attempts.append(take(user, choose, key))
    return attempts
