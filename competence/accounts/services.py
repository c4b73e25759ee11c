"""Account operations: registration, confirmation, sign-in, passwords and profile."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from competence import audit
from competence.accounts import consent, sessions, tokens
from competence.accounts.models import (
    PLACE_LOCKED_ROLES,
    REQUIRED_PLACE,
    ConsentDocument,
    Role,
    User,
)
from competence.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from competence.database import utcnow
from competence.extensions import db
from competence.outbox.services import external_url, queue_email
from competence.schools.models import Municipality, School
from competence.staff.moves import request_move


class AccountError(Exception):
    """An account operation refused for a reason the user should read."""

    status = 422

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class EmailTaken(AccountError):
    """The e-mail address belongs to another account."""

    status = 409


class InvalidCredentials(AccountError):
    """Wrong e-mail or password."""

    status = 401


class EmailNotConfirmed(AccountError):
    """The account exists but its address is not confirmed yet."""

    status = 403


@dataclass(frozen=True)
class ProfileData:
    """What a user states about themselves."""

    full_name: str
    position: str
    municipality_id: int | None
    school_id: int | None
    subjects: tuple[str, ...] = field(default_factory=tuple)


def normalize_email(email: str) -> str:
    """Return the form of an address used for storage and lookup."""
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    """Return the account with this address, if any."""
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def _check_place(profile: ProfileData, role: str) -> tuple[Municipality | None, School | None]:
    """Return the chosen municipality and school, refusing a mismatch or a missing one."""
    required = REQUIRED_PLACE.get(role)
    school = db.session.get(School, profile.school_id) if profile.school_id else None
    if profile.school_id and school is None:
        raise AccountError(_l("Choose a school from the list."), field="school")
    if school is None and required == "school":
        raise AccountError(_l("Choose your school."), field="school")
    if school is not None:
        if profile.municipality_id and school.municipality_id != profile.municipality_id:
            raise AccountError(_l("Choose a school of the selected municipality."), field="school")
        return school.municipality, school
    municipality = (
        db.session.get(Municipality, profile.municipality_id) if profile.municipality_id else None
    )
    if profile.municipality_id and municipality is None:
        raise AccountError(_l("Choose a municipality from the list."), field="municipality")
    if municipality is None and required == "municipality":
        raise AccountError(_l("Choose your municipality."), field="municipality")
    return municipality, None


def register(
    email: str,
    password: str,
    profile: ProfileData,
    consent_document: ConsentDocument,
    ip_address: str,
    user_agent: str,
) -> User | None:
    """Create a teacher account, record the consent and send the confirmation e-mail.

    An address that already has an account gets a warning letter instead, and the caller
    answers as for a new account (None here), so the form does not tell who is registered.
    """
    email = normalize_email(email)
    problems = password_problems(password, email)
    if problems:
        raise AccountError(problems[0], field="password")
    _, school = _check_place(profile, Role.TEACHER)
    # Hashed before the lookup, so both answers cost the same.
    password_hash = hash_password(password)
    owner = find_by_email(email)
    if owner is not None:
        _warn_owner_of_registration(owner)
        db.session.commit()
        return None
    user = User(
        email=email,
        password_hash=password_hash,
        full_name=profile.full_name.strip(),
        position=profile.position,
        role=Role.TEACHER,
        municipality_id=school.municipality_id,
        school_id=school.id,
    )
    user.subjects = profile.subjects
    db.session.add(user)
    consent.record_acceptance(user, consent_document, ip_address, user_agent)
    db.session.flush()
    audit.record("user_registered", user, "user", user.id)
    _send_confirmation(user, user.email)
    try:
        db.session.commit()
    except IntegrityError:
        # Two registrations with one address raced; the other one won.
        db.session.rollback()
        owner = find_by_email(email)
        if owner is not None:
            _warn_owner_of_registration(owner)
            db.session.commit()
        return None
    return user


def _warn_owner_of_registration(owner: User) -> None:
    """Queue (not commit) a letter telling the owner someone registered with their address."""
    queue_email(
        "registration_attempt",
        owner.email,
        _l("Someone tried to register with your address"),
        "registration_attempt",
        locale=owner.locale,
        user=owner,
        link=external_url("accounts.forgot_password"),
    )


def _send_confirmation(user: User, address: str) -> None:
    """Queue (not commit) a letter with a link confirming `address` for `user`."""
    token = tokens.issue_token(user, tokens.CONFIRM_EMAIL, email=address)
    queue_email(
        "confirm_email",
        address,
        _l("Confirm your e-mail address"),
        "confirm_email",
        locale=user.locale,
        user=user,
        link=external_url("accounts.confirm_email", token=token),
    )


def confirm_email(signed: str) -> User:
    """Confirm the address behind a confirmation link; raise TokenError if it cannot be used."""
    token = tokens.consume_token(signed, tokens.CONFIRM_EMAIL)
    user = token.user
    if token.email != user.email:
        if find_by_email(token.email) is not None:
            db.session.rollback()
            raise EmailTaken(_l("This address is already used by another account."))
        audit.record("email_changed", user, "user", user.id, old=user.email, new=token.email)
        user.email = token.email
    user.email_confirmed_at = utcnow()
    db.session.commit()
    return user


def resend_confirmation(email: str) -> None:
    """Send a new confirmation letter if an unconfirmed account has this address."""
    user = find_by_email(email)
    if user is not None and not user.email_confirmed and user.active:
        _send_confirmation(user, user.email)
        db.session.commit()


def authenticate(email: str, password: str) -> User:
    """Return the user whose e-mail and password match, or raise an AccountError."""
    user = find_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise InvalidCredentials(_l("Wrong e-mail or password."))
    if not user.active:
        raise InvalidCredentials(_l("The account is blocked. Contact the administrator."))
    if not user.email_confirmed:
        raise EmailNotConfirmed(
            _l("Confirm your e-mail address first: follow the link in the letter we sent.")
        )
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    from competence.accounts import second_factor

    if not second_factor.is_enabled(user):
        # With a second factor the sign-in happens, and is logged, once the code is right.
        record_sign_in(user)
    db.session.commit()
    return user


def record_sign_in(user: User) -> None:
    """Note (not commit) a completed sign-in: its time and the audit entry."""
    user.last_login_at = utcnow()
    audit.record("login_succeeded", user, "user", user.id)


def send_password_reset(email: str) -> None:
    """Send a reset link if an active account has this address (a background job; commits)."""
    user = find_by_email(email)
    if user is None or not user.active:
        return
    token = tokens.issue_token(user, tokens.RESET_PASSWORD)
    queue_email(
        "reset_password",
        user.email,
        _l("Password reset"),
        "reset_password",
        locale=user.locale,
        user=user,
        link=external_url("accounts.reset_password", token=token),
    )
    audit.record("password_reset_requested", None, "user", user.id)
    db.session.commit()


def request_password_reset(email: str) -> None:
    """Hand the reset letter to a background job; the request looks up nothing.

    Whether the address has an account is decided in the job, so the answer (and its time)
    is the same for every address.
    """
    from competence import jobs

    jobs.enqueue("competence.accounts.services:send_password_reset", normalize_email(email))


def end_access(user: User) -> None:
    """Void the user's e-mail links and end all their sessions (not committed), e.g. on a block."""
    user.session_version += 1
    sessions.end_all(user)


def _set_password(
    user: User, new_password: str, keep_session: int | None = None, end_others: bool = True
) -> None:
    """Replace the password, void e-mail links, end the other sessions and tell the owner."""
    problems = password_problems(new_password, user.email)
    if problems:
        raise AccountError(problems[0], field="password")
    user.password_hash = hash_password(new_password)
    # A reset or confirmation link sent before the change must not work after it.
    user.session_version += 1
    if end_others:
        sessions.end_all(user, keep=keep_session)
    queue_email(
        "password_changed",
        user.email,
        _l("Your password has been changed"),
        "password_changed",
        locale=user.locale,
        user=user,
        others_ended=end_others,
        link=external_url("accounts.forgot_password"),
    )


def reset_password(signed: str, new_password: str) -> User:
    """Set a new password through a reset link; raise TokenError or AccountError."""
    token = tokens.consume_token(signed, tokens.RESET_PASSWORD)
    user = token.user
    try:
        _set_password(user, new_password)
    except AccountError:
        db.session.rollback()  # the link stays usable for a better password
        raise
    # Following the link proves the mailbox belongs to the user.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    audit.record("password_reset_completed", user, "user", user.id)
    db.session.commit()
    return user


def change_password(
    user: User,
    current_password: str,
    new_password: str,
    current_session: int | None,
    end_others: bool,
) -> None:
    """Change the password of a signed-in user who knows the current one.

    The current session always goes on; the others end when `end_others` is true.
    """
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_l("The current password is wrong."), field="current_password")
    _set_password(user, new_password, keep_session=current_session, end_others=end_others)
    audit.record("password_changed", user, "user", user.id)
    db.session.commit()


def update_profile(user: User, profile: ProfileData, email: str) -> bool:
    """Save the profile; a new e-mail waits for confirmation. Return whether one was sent.

    Directors and coordinators keep their school and municipality whatever the form says:
    those decide whose data they see, so only an administrator changes them.
    """
    if user.role not in PLACE_LOCKED_ROLES:
        municipality, school = _check_place(profile, user.role)
        place = {
            "municipality_id": municipality.id if municipality else None,
            "school_id": school.id if school else None,
        }
        moved = {
            key: [getattr(user, key), value]
            for key, value in place.items()
            if getattr(user, key) != value
        }
        if user.role == Role.TEACHER:
            # A teacher's school decides which director sees the teacher's results: another
            # school is a request its director approves; until then the teacher stays.
            request_move(user, school)
        elif moved:
            audit.record("place_changed", user, "user", user.id, **moved)
            user.municipality_id, user.school_id = place["municipality_id"], place["school_id"]
    user.full_name = profile.full_name.strip()
    user.position = profile.position
    user.subjects = profile.subjects
    new_email = normalize_email(email)
    confirmation_sent = False
    if new_email != user.email:
        owner = find_by_email(new_email)
        if owner is None:
            _send_confirmation(user, new_email)
        else:
            # The same answer as for a free address, or the form would tell anyone signed in
            # which addresses have accounts; the address's owner hears of the attempt instead.
            queue_email(
                "address_claimed",
                owner.email,
                _l("Someone tried to use your address for another account"),
                "address_claimed",
                locale=owner.locale,
                user=owner,
                link=external_url("accounts.forgot_password"),
            )
        confirmation_sent = True
    db.session.commit()
    return confirmation_sent
