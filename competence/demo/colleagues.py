"""Colleagues of the demo teacher with a history: diagnostics taken, a track, a certificate.

Without them the demo director's staff profile, the school's risk profile and the certificate
check would be empty until somebody took the diagnostics by hand. Their answers are simulated:
each colleague answers every item well with a probability of their own (a fixed seed, so the
demo is the same every time). They cannot sign in: their passwords are random and unknown.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from competence.accounts.models import Role, User
from competence.accounts.passwords import hash_password
from competence.database import utcnow
from competence.diagnostics import services as diagnostics
from competence.extensions import db
from competence.instruments.models import ContentDocument
from competence.schools.models import School
from competence.tracks import services as tracks
from competence.tracks.models import Confirmation, TrackModule

SCHOOL_CODE = "27-01-02"  # the demo director's school


@dataclass(frozen=True)
class Colleague:
    """A simulated colleague: who they are and how well they answer each instrument."""

    email: str
    full_name: str
    position: str
    subjects: tuple[str, ...]
    # instrument key -> probability of answering an item well
    skills: dict
    # instrument key whose whole cycle (track, modules, retake, certificate) they completed
    completed_cycle: str | None = None


COLLEAGUES = (
    Colleague(
        "smirnova@demo.khkiro.ru",
        "Смирнова Анна Игоревна",
        "teacher",
        ("russian", "literature"),
        {"soft-skills": 0.35, "russian-teacher": 0.7, "methodical-teacher": 0.55},
        completed_cycle="soft-skills",
    ),
    Colleague(
        "kuznetsov@demo.khkiro.ru",
        "Кузнецов Дмитрий Олегович",
        "teacher",
        ("mathematics", "physics"),
        {"mathematics-teacher": 0.6, "methodical-teacher": 0.4, "soft-skills": 0.5},
    ),
    Colleague(
        "popova@demo.khkiro.ru",
        "Попова Екатерина Андреевна",
        "primary_teacher",
        ("primary",),
        {"methodical-teacher": 0.45, "soft-skills": 0.7},
    ),
    Colleague(
        "vasiliev@demo.khkiro.ru",
        "Васильев Игорь Семёнович",
        "teacher",
        ("history", "social_studies"),
        {"methodical-teacher": 0.35, "soft-skills": 0.45},
    ),
    Colleague(
        "lee@demo.khkiro.ru",
        "Ли Светлана Викторовна",
        "teacher",
        ("mathematics",),
        {"mathematics-teacher": 0.8, "methodical-teacher": 0.65},
    ),
    Colleague(
        "orlova@demo.khkiro.ru",
        "Орлова Наталья Павловна",
        "deputy_director",
        (),
        {"management-director": 0.5, "methodical-teacher": 0.6, "soft-skills": 0.55},
    ),
)


def simulated_answer(item, scales, skill: float, rng: random.Random):
    """Return an answer to an item: a good one with probability `skill`, else a weaker one."""
    body, good = item.body, rng.random() < skill
    if item.type in ("single_choice", "situational"):
        if item.type == "single_choice":
            best = [o for o in body.options if o.correct]
        else:
            top = max(o.weight for o in body.options)
            best = [o for o in body.options if o.weight == top]
        others = [o for o in body.options if o not in best] or best
        return rng.choice(best if good else others).id
    if item.type == "multiple_choice":
        correct = [o.id for o in body.options if o.correct]
        if good:
            return correct
        wrong = [o.id for o in body.options if not o.correct]
        return correct[: max(1, len(correct) // 2)] + wrong[:1]
    if item.type == "likert":
        points = sorted(p.value for p in scales[body.scale].points)
        high = points[-2:] if good else points[:-2]
        value = rng.choice(high)
        return points[0] + points[-1] - value if body.reversed else value
    if item.type == "numeric":
        return body.answer if good else body.answer + body.tolerance + rng.randint(1, 9)
    if item.type in ("matching", "ordering"):
        size = len(body.pairs if item.type == "matching" else body.sequence)
        order = list(range(size))
        if not good and size > 1:
            order[0], order[1] = order[1], order[0]
        return order
    raise ValueError(f"unknown item type {item.type}")


def _take(user: User, document: ContentDocument, skill: float, rng: random.Random, days_ago=0):
    """Take an instrument to the end with simulated answers; date it `days_ago` days back."""
    attempt = diagnostics.start(user, document)
    ready = diagnostics.instrument_of(attempt)
    for item in diagnostics.attempt_items(attempt, ready.instrument):
        db.session.refresh(attempt)
        answer = simulated_answer(item, ready.scales, skill, rng)
        diagnostics.save_answer(attempt, item.id, answer, attempt.sequence)
    attempt = diagnostics.submit(attempt)
    if days_ago:
        shift = timedelta(days=days_ago)
        attempt.started_at -= shift
        attempt.deadline_at -= shift
        attempt.submitted_at -= shift
        db.session.commit()
    return attempt


def _complete_cycle(user: User, first, skill: float, rng: random.Random) -> None:
    """Build the track of an attempt, do its modules and retake the diagnostic.

    The retake closes the track with its growth, and the certificate is issued automatically.
    The institute's records confirm every module but the last, which stays self-declared: the
    certificate counts the confirmed hours and mentions the rest without them.
    """
    track = tracks.build_track(first)
    entries = [db.session.get(TrackModule, entry.id) for entry in list(track.modules)]
    for entry in entries:
        note = "Модуль пройден, материалы применены на уроках."
        tracks.mark_done(entry, note, "", None)
    for entry in entries[:-1]:
        number = f"ПК-{first.submitted_at.year}-{entry.id:06d}" if entry.kind == "course" else None
        tracks.confirm_module(entry, Confirmation.RECORD, None, number)
    db.session.commit()
    _take(user, first.document, skill, rng)


def load_colleagues() -> list[Colleague]:
    """Create the demo colleagues that do not exist yet, with their history; return them."""
    school = db.session.scalar(select(School).where(School.code == SCHOOL_CODE))
    documents = {
        d.key: d
        for d in db.session.scalars(
            select(ContentDocument).where(ContentDocument.kind == "instrument")
        )
        if d.latest_published is not None
    }
    created = []
    for colleague in COLLEAGUES:
        if school is None or db.session.scalar(
            select(User.id).where(User.email == colleague.email)
        ):
            continue
        user = User(
            email=colleague.email,
            password_hash=hash_password(secrets.token_urlsafe(24)),
            full_name=colleague.full_name,
            role=Role.TEACHER,
            position=colleague.position,
            school=school,
            municipality=school.municipality,
            email_confirmed_at=utcnow(),
        )
        user.subjects = colleague.subjects
        db.session.add(user)
        db.session.commit()
        rng = random.Random(colleague.email)
        for key, skill in colleague.skills.items():
            if key not in documents:
                continue
            first = _take(user, documents[key], skill, rng, days_ago=150)
            if key == colleague.completed_cycle:
                _complete_cycle(user, first, 0.9, rng)
        created.append(colleague)
    return created
