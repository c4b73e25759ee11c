"""The one check of every redirect target taken from a request (`next=`)."""

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import redirect, request

# Decoding rounds: "%25252F" needs three to show what a browser may end up seeing.
_DECODE_ROUNDS = 4


def _looks_local(path: str) -> bool:
    """Tell whether one (possibly decoded) form of a target is a path on this site."""
    if not path.startswith("/") or path.startswith("//"):
        return False
    if any(char != " " and unicodedata.category(char)[0] in "CZ" for char in path):
        # Control, format (zero-width, bidi) and separator characters, including the tab,
        # CR and LF that browsers strip ("/\t/evil" becomes "//evil"). A plain space inside
        # a path is harmless (a search query typed by a user).
        return False
    if "\\" in path:  # browsers read "/\evil" as "//evil"
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc


def safe_target(target: object, default: str) -> str:
    """Return `target` if it is a path on this site in every decoded form, else `default`."""
    if not isinstance(target, str) or not target or len(target) > 2000:
        return default
    current = target
    for _ in range(_DECODE_ROUNDS):
        if not _looks_local(current):
            return default
        decoded = unquote(current)
        if decoded == current:
            return target
        current = decoded
    return default  # still changing after several rounds: nobody needs that


def redirect_back(default: str, field: str = "next"):
    """Redirect to the request's `next` (query or form) if it is safe, else to `default`."""
    return redirect(safe_target(request.values.get(field), default))
