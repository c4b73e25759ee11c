"""Password policy (OWASP ASVS 2.1) and argon2id hashing."""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128
# A list from leaks, and long ones built from patterns (`password_patterns.py`).
COMMON_PASSWORDS_FILES = tuple(
    Path(__file__).with_name(name)
    for name in ("common_passwords.txt", "common_passwords_generated.txt")
)

# A hash of a random password: verifying against it when the e-mail is unknown keeps
# the response time of a failed sign-in independent of whether the account exists.
_DUMMY_PASSWORD = "dummy password that nobody has, used only for timing"


@cache
def common_passwords() -> frozenset[str]:
    """Return the shipped lists of common passwords, lower-cased."""
    lines = [
        line
        for path in COMMON_PASSWORDS_FILES
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problems(password: str, email: str = "") -> list[str]:
    """Return what is wrong with a new password, as messages for the user (empty when fine)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_l("The password must be at least %(n)d characters long.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_l("The password must be at most %(n)d characters long.", n=MAX_LENGTH))
    lowered = password.lower()
    if lowered in common_passwords():
        problems.append(_l("This password is too common: choose another one."))
    elif email and lowered == email.lower():
        problems.append(_l("The password must not be the same as your e-mail address."))
    return problems


def _hasher() -> PasswordHasher:
    """Return the argon2id hasher configured for this app."""
    config = current_app.config
    return _cached_hasher(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"])


@cache
def _cached_hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    """Build one hasher per parameter set."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Tell whether `password` matches the hash; spend the same time when there is no hash."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _dummy_hash(hasher), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether a stored hash uses parameters older than the current ones."""
    return _hasher().check_needs_rehash(password_hash)


_dummy_hashes: dict[tuple, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    """Return a hash made with the same parameters as real ones, for timing."""
    key = (hasher.time_cost, hasher.memory_cost)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash(_DUMMY_PASSWORD)
    return _dummy_hashes[key]
