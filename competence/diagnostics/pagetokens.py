"""Answers between the attempt page's tokens and the scoring format, at the page's boundary.

The page names options, right-hand entries and ordering elements by per-attempt tokens
(`PageTokens`); what is stored and scored stays in the scoring format (option ids, indices).
A token the attempt never showed is refused, so nothing is saved from a forged request.
"""

import hashlib
import hmac

from flask import current_app
from flask_babel import lazy_gettext as _l

from competence.diagnostics.answers import AnswerError
from competence.diagnostics.models import Attempt
from competence.instruments.itemspec import Item
from competence.instruments.presentation import PageTokens

CHOICE_TYPES = ("single_choice", "situational", "multiple_choice")


def attempt_tokens(attempt: Attempt) -> PageTokens:
    """Return the tokens of an attempt's page."""
    secret = attempt.layout.get("secret")
    if not secret:
        # Attempts started before tokens existed: a secret derived from the portal's key
        # (never shown) keeps their tokens as unguessable and as stable.
        message = f"attempt-tokens:{attempt.id}".encode()
        key = str(current_app.secret_key).encode()
        secret = hmac.new(key, message, hashlib.sha256).hexdigest()
    return PageTokens(secret)


def _values(item: Item) -> tuple[str, list]:
    """Return the kind of token and the values an item's page names by tokens."""
    body = item.body
    if item.type in CHOICE_TYPES:
        return PageTokens.OPTION, [option.id for option in body.options]
    if item.type == "matching":
        return PageTokens.RIGHT, list(range(len(body.pairs) + len(body.distractors)))
    if item.type == "ordering":
        return PageTokens.ELEMENT, list(range(len(body.sequence)))
    return "", []


def token_map(item: Item, tokens: PageTokens) -> dict:
    """Return the item's scoring values by their tokens."""
    kind, values = _values(item)
    return {tokens(item.id, kind, value): value for value in values}


def to_page(item: Item, tokens: PageTokens, value):
    """Return a saved answer as the page names it (values it does not know stay as they are)."""
    kind, values = _values(item)
    if not kind or value is None:
        return value
    named = {v: tokens(item.id, kind, v) for v in values}
    if isinstance(value, list):
        return [named.get(v, v) if isinstance(v, str | int) else v for v in value]
    return named.get(value, value) if isinstance(value, str | int) else value


def from_page(item: Item, tokens: PageTokens, raw):
    """Return an answer sent by the page in the scoring format; refuse unknown tokens."""
    if item.type not in CHOICE_TYPES + ("matching", "ordering"):
        return raw
    if raw is None or raw == "" or raw == []:
        return raw
    known = token_map(item, tokens)
    if item.type == "matching":
        message = _l("There is no such entry on the right.")
        blank = (None, "")
    elif item.type == "ordering":
        message = _l("Give every element its own place, from 1 to %(n)d.", n=len(known))
        blank = ()
    else:
        message = _l("There is no such option in this question.")
        blank = ()
    if item.type == "single_choice" or item.type == "situational":
        if not isinstance(raw, str) or raw not in known:
            raise AnswerError(message)
        return known[raw]
    if not isinstance(raw, list):
        return raw  # the scoring format's check says what shape is expected
    if item.type == "multiple_choice" and not all(isinstance(token, str) for token in raw):
        raise AnswerError(_l("Expected a list of chosen options."))
    decoded = []
    for token in raw:
        if token in blank:
            decoded.append(token)
        elif isinstance(token, str) and token in known:
            decoded.append(known[token])
        else:
            raise AnswerError(message)
    return decoded
