"""The public check of a certificate, and its check code: a short secret printed beside the
certificate's number and in its QR code.

Numbers are sequential and readable; the code makes the public check need the certificate in
hand. 8 characters of an alphabet without look-alikes (0/O, 1/I/L) give 31**8, about 8.5e11
codes, far beyond what the per-address limit of checks lets a script try.
"""

import hmac
import re
import secrets

from sqlalchemy import select

from competence.certificates.models import Certificate
from competence.extensions import db

CHECK_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECK_CODE_LENGTH = 8
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]")


def new_check_code() -> str:
    """Return a random check code of CHECK_CODE_LENGTH unambiguous characters."""
    return "".join(secrets.choice(CHECK_CODE_ALPHABET) for _ in range(CHECK_CODE_LENGTH))


def format_check_code(code: str) -> str:
    """Return a check code as people read and type it: ABCD-EFGH."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalize_check_code(text: str | None) -> str:
    """Return a typed check code without case, spaces and hyphens."""
    return _SEPARATORS.sub("", text or "").upper()


def is_check_code(code: str) -> bool:
    """Tell whether a normalized text has the form of a check code."""
    return len(code) == CHECK_CODE_LENGTH and all(c in CHECK_CODE_ALPHABET for c in code)


def find_checked(number: str, code: str | None) -> Certificate | None:
    """Return the certificate with this number if `code` is its check code, else None.

    An unknown number and a wrong code give the same answer, so the check tells nothing about
    a number to someone without its code.
    """
    certificate = db.session.scalar(
        select(Certificate).where(Certificate.number == number.strip().upper())
    )
    typed = normalize_check_code(code).encode()
    expected = (certificate.check_code if certificate else "\0" * CHECK_CODE_LENGTH).encode()
    if not hmac.compare_digest(typed, expected) or certificate is None:
        return None
    return certificate
