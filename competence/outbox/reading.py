"""Reading the outbox as an administrator: lists by state and recipient, letters with masked links.

A letter may carry a live password-reset or confirmation link. The administrator sees where it
leads, never the token itself: anyone reading the page could otherwise take over the account.
"""

import re

from sqlalchemy import Select, func, select

from competence.outbox.models import MessageStatus, OutboxMessage

MASK = "«…»"

# A web address inside a letter, up to the first space, quote or angle bracket.
_URL = re.compile(r"https?://[^\s\"'<>]+")
# A part of an address long and random enough to be a secret (signed tokens are 25+ characters).
_SECRET = re.compile(r"[A-Za-z0-9_\-.~=%]{20,}")

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50


def _mask_url(match: re.Match) -> str:
    """Replace the secret-looking parts of an address's path and query."""
    url = match.group(0)
    scheme, _, rest = url.partition("://")
    host, slash, tail = rest.partition("/")
    return f"{scheme}://{host}{slash}{_SECRET.sub(MASK, tail)}"


def mask_links(text: str) -> str:
    """Return the text with the tokens of its links replaced by «…»."""
    return _URL.sub(_mask_url, text or "")


def messages_query(status: str = "", recipient: str = "") -> Select:
    """Return the letters in a state and to recipients matching a search, newest first."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in set(MessageStatus):
        query = query.where(OutboxMessage.status == status)
    if recipient.strip():
        pattern = f"%{recipient.strip().lower()}%"
        query = query.where(func.lower(OutboxMessage.recipient).like(pattern))
    return query


def page_size(value: str | None) -> int:
    """Return a page size from a request argument, within the offered ones."""
    return int(value) if value in {str(size) for size in PAGE_SIZES} else DEFAULT_PAGE_SIZE
