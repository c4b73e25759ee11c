"""The answer review of a submitted attempt: whether it is open, whether the key shows, its rows.

The review is built from the stored answers (scoring format) and the items of the version the
attempt was taken on; the credit of each item is the one stored when the attempt was scored.
Two rules keep the key (right answers and the methodists' comments, which often state the
answer) from helping anyone score: the instrument's `review` policy decides when the review
opens, and the key shows only to a taker who has no retake left (docs/instrument-format.md).
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import to_user_timezone

from competence.database import utcnow
from competence.diagnostics.models import Attempt
from competence.diagnostics.rules import attempts_left, attempts_of
from competence.diagnostics.sittings import attempt_items
from competence.diagnostics.submission import answers_of, instrument_of
from competence.instruments import spec
from competence.instruments.itemspec import Item
from competence.instruments.library import compiled

# Stored credits are floats; full credit may come out a hair under 1 (partial choices).
FULL_CREDIT = 1 - 1e-9

# What the review says of an item's credit.
RIGHT, PARTLY, WRONG, UNANSWERED = "right", "partly", "wrong", "unanswered"


@dataclass(frozen=True)
class ReviewAccess:
    """Whether the review of an attempt is open now, from when, and whether the key shows."""

    policy: str
    opens_on: date | None
    is_open: bool
    key_shown: bool
    attempts_left: int
    in_progress: bool


@dataclass(frozen=True)
class Choice:
    """An option of a choice item as reviewed: chosen by the taker, right (when shown)."""

    text: str
    chosen: bool
    right: bool


@dataclass(frozen=True)
class Match:
    """A left entry of a matching item, the right entry the taker gave and the right one."""

    left: str
    given: str | None
    right: str | None


@dataclass(frozen=True)
class ReviewRow:
    """One question of the review; the fields that do not apply to its type stay empty."""

    number: int
    item: Item
    verdict: str | None  # None for Likert statements, which have no right answer
    credit: float | None
    choices: tuple[Choice, ...] = ()
    given: object = None  # a Likert label or a number as answered
    expected: float | None = None  # the right number of a numeric item
    matches: tuple[Match, ...] = ()
    order: tuple[str, ...] = ()
    right_order: tuple[str, ...] = ()
    comment: str | None = None


def in_force(attempt: Attempt) -> spec.Instrument:
    """Return the newest published version of the instrument (its rules apply now)."""
    version = attempt.document.latest_published
    return compiled(version).instrument if version else instrument_of(attempt).instrument


def review_access(attempt: Attempt) -> ReviewAccess:
    """Decide whether the taker may review a submitted attempt now and see its key."""
    instrument = in_force(attempt)
    policy = instrument.review
    opens_on = spec.review_date(policy)
    today = to_user_timezone(utcnow()).date()
    is_open = attempt.is_submitted and (
        policy == spec.REVIEW_IMMEDIATELY or (opens_on is not None and today >= opens_on)
    )
    attempts = attempts_of(attempt.user, attempt.document_id)
    left = attempts_left(instrument, attempts)
    in_progress = any(not other.is_submitted for other in attempts)
    key_shown = is_open and not left and not in_progress
    return ReviewAccess(policy, opens_on, is_open, key_shown, left, in_progress)


def review_rows(attempt: Attempt, key_shown: bool) -> list[ReviewRow]:
    """Return the questions of an attempt (its form, if drawn) in written order with answers."""
    ready = instrument_of(attempt)
    answers = answers_of(attempt)
    credits = attempt.item_scores or {}
    return [
        _row(number, item, answers.get(item.id), credits.get(item.id), ready.scales, key_shown)
        for number, item in enumerate(attempt_items(attempt, ready.instrument), start=1)
    ]


def _verdict(answer, credit: float | None) -> str:
    if answer is None:
        return UNANSWERED
    if credit is not None and credit >= FULL_CREDIT:
        return RIGHT
    return PARTLY if credit else WRONG


def _row(number, item, answer, credit, scales, key_shown) -> ReviewRow:
    body = item.body
    head = {"number": number, "item": item, "verdict": _verdict(answer, credit), "credit": credit}
    if key_shown:
        head["comment"] = item.comment
    match item.type:
        case "single_choice" | "multiple_choice":
            chosen = set(answer or ()) if item.type == "multiple_choice" else {answer}
            choices = tuple(
                Choice(o.text, o.id in chosen, key_shown and o.correct) for o in body.options
            )
            return ReviewRow(**head, choices=choices)
        case "situational":
            best = max(option.weight for option in body.options)
            choices = tuple(
                Choice(o.text, o.id == answer, key_shown and o.weight == best) for o in body.options
            )
            return ReviewRow(**head, choices=choices)
        case "likert":
            labels = {point.value: point.label for point in scales[body.scale].points}
            # A self-assessment has no right answer: no verdict and no key. Its comment is a
            # note to methodists (why its weight is low, why it is reversed), not for the taker.
            verdict = None if answer is not None else UNANSWERED
            head |= {"verdict": verdict, "credit": None, "comment": None}
            return ReviewRow(**head, given=labels.get(answer))
        case "numeric":
            return ReviewRow(**head, given=answer, expected=body.answer if key_shown else None)
        case "matching":
            rights = [pair.right for pair in body.pairs] + list(body.distractors)
            picks = answer or [None] * len(body.pairs)
            matches = tuple(
                Match(
                    pair.left,
                    None if pick is None else rights[pick],
                    pair.right if key_shown else None,
                )
                for pair, pick in zip(body.pairs, picks, strict=True)
            )
            return ReviewRow(**head, matches=matches)
        case "ordering":
            order = tuple(body.sequence[index] for index in answer or ())
            return ReviewRow(**head, order=order, right_order=body.sequence if key_shown else ())
    raise TypeError(f"unknown item type {item.type}")
