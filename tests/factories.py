"""Small factories for tests: regions, schools, users; and helpers for forms with CSRF."""

import re
from functools import cache

from competence.accounts import consent
from competence.accounts.models import Role, User
from competence.accounts.passwords import hash_password
from competence.database import utcnow
from competence.extensions import db
from competence.schools.models import Municipality, School

PASSWORD = "correct horse battery staple"


@cache
def _password_hash() -> str:
    """Hash the shared test password once per session (argon2 is deliberately slow)."""
    return hash_password(PASSWORD)


def make_school(
    code="t-001", name="МБОУ СОШ № 1", municipality="Тестовый район", group="secondary"
):
    """Return a school, creating it and its municipality when needed."""
    school = db.session.scalar(db.select(School).where(School.code == code))
    if school:
        return school
    place = db.session.scalar(db.select(Municipality).where(Municipality.name == municipality))
    if place is None:
        place = Municipality(name=municipality)
        db.session.add(place)
    school = School(code=code, name=name, municipality=place, school_group=group)
    db.session.add(school)
    db.session.commit()
    return school


def make_user(
    email="teacher@example.org",
    role=Role.TEACHER,
    position="teacher",
    school=None,
    municipality=None,
    confirmed=True,
    subjects=("mathematics",),
    full_name="Тестова Анна Ивановна",
    password=None,
    consented=True,
) -> User:
    """Create a user (confirmed, with consent given) whose password is PASSWORD unless given."""
    school = school if school is not None else make_school()
    user = User(
        email=email,
        password_hash=hash_password(password) if password else _password_hash(),
        full_name=full_name,
        role=role,
        position=position,
        school=school if role != Role.COORDINATOR else None,
        municipality=municipality or school.municipality,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    user.subjects = subjects
    db.session.add(user)
    if consented:
        consent.record_acceptance(user, consent.current_document(), "127.0.0.1", "factory")
    db.session.commit()
    return user


def csrf_token(client, url: str) -> str:
    """Open a page and return the CSRF token of its form."""
    page = client.get(url).get_data(as_text=True)
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page)
    assert tag, f"no CSRF token on {url}"
    return re.search(r'value="([^"]+)"', tag.group(0)).group(1)


def post_form(client, url: str, data: dict, page: str | None = None, **kwargs):
    """Submit a form the way a browser does: open the page, then post with its CSRF token."""
    token = csrf_token(client, page or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def login(client, email="teacher@example.org", password=PASSWORD):
    """Sign in through the login form and return the response."""
    return post_form(client, "/login", {"email": email, "password": password})


def enable_second_factor(user: User) -> tuple[str, list[str]]:
    """Connect an authenticator to the user; return its secret and the ten recovery codes."""
    import pyotp

    from competence.accounts import second_factor

    secret = pyotp.random_base32(32)
    codes = second_factor.enable(user, secret, pyotp.TOTP(secret).now())
    return secret, codes


def next_code(secret: str) -> str:
    """Return the authenticator's code of the next time step (the current one may be spent)."""
    import time

    import pyotp

    return pyotp.TOTP(secret).at(time.time() + 30)


def login_with_code(client, secret: str, email: str, password=PASSWORD):
    """Sign in with the password, then the next authenticator code; return the response."""
    login(client, email, password)
    return post_form(client, "/login/code", {"code": next_code(secret)})
