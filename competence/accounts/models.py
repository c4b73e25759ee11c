"""Users, roles, consent to personal-data processing and e-mail tokens."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competence.database import UTCDateTime, utcnow
from competence.extensions import db
from competence.schools.models import Municipality, School


class Role(StrEnum):
    """What a user may do on the portal."""

    TEACHER = "teacher"
    DIRECTOR = "director"
    METHODIST = "methodist"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    # The regional ministry of education: reads the region's figures, changes nothing.
    MINISTRY = "ministry"
    # Staff of the institute or its ЦНППМ: reviews the plans of the teachers assigned to them,
    # confirms their evidence, keeps a log of consultations.
    TUTOR = "tutor"


# Roles whose access depends on the attached school or municipality: only an administrator
# changes the attachment, never the user in the profile.
PLACE_LOCKED_ROLES = frozenset({Role.DIRECTOR, Role.COORDINATOR})
# What a user of each role must be attached to; other roles may leave both empty.
REQUIRED_PLACE = {
    Role.TEACHER: "school",
    Role.DIRECTOR: "school",
    Role.COORDINATOR: "municipality",
}


class UserSubject(db.Model):
    """A subject a user teaches (codes from `competence.accounts.reference.SUBJECTS`)."""

    __tablename__ = "user_subjects"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    subject: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class User(UserMixin, db.Model):
    """A person with an account: teacher, director, methodist, coordinator or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20), default=Role.TEACHER, index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped by every password change, reset and block: e-mail links issued under an older
    # value stop working (see `tokens.py`). Sessions are ended in `UserSession`.
    session_version: Mapped[int] = mapped_column(default=1)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    municipality: Mapped[Municipality | None] = relationship()
    school: Mapped[School | None] = relationship()
    subject_rows: Mapped[list[UserSubject]] = relationship(
        cascade="all, delete-orphan", order_by=UserSubject.subject
    )

    @property
    def is_active(self) -> bool:
        """Tell Flask-Login whether the account may sign in."""
        return self.active

    @property
    def subjects(self) -> list[str]:
        """Return the codes of the subjects the user teaches."""
        return [row.subject for row in self.subject_rows]

    @subjects.setter
    def subjects(self, codes) -> None:
        """Replace the subjects the user teaches."""
        wanted = list(dict.fromkeys(codes))
        # Keep the rows that stay, so the flush does not delete and re-insert the same key.
        kept = [row for row in self.subject_rows if row.subject in wanted]
        have = {row.subject for row in kept}
        self.subject_rows = kept + [
            UserSubject(subject=code) for code in wanted if code not in have
        ]

    def has_role(self, *roles: str) -> bool:
        """Tell whether the user holds one of `roles`."""
        return self.role in roles

    @property
    def email_confirmed(self) -> bool:
        """Tell whether the e-mail address has been confirmed."""
        return self.email_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ConsentDocument(db.Model):
    """A published version of the consent to personal-data processing (152-ФЗ)."""

    __tablename__ = "consent_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConsentRecord(db.Model):
    """A user's acceptance of one consent version: when and from which address."""

    __tablename__ = "consent_records"
    __table_args__ = (UniqueConstraint("user_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("consent_documents.id"))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ip_address: Mapped[str] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()
    document: Mapped[ConsentDocument] = relationship()


class AccountToken(db.Model):
    """A single-use e-mail token (address confirmation or password reset)."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    # For confirmations: the address being confirmed (it may be a new one, from the profile).
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """A signed-in session, ended on the server by sign-out, password change, block or age.

    The browser holds a random token; only its SHA-256 is stored, so a copy of the table
    does not let anyone in.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When this session passed the second factor; a session opened on the password alone
    # (before the user connected an app) never counts as having passed it.
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class SecondFactor(db.Model):
    """A user's authenticator app (TOTP, RFC 6238), asked for after the password."""

    __tablename__ = "second_factors"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # The shared secret (base32). The server must read it to check codes, so it cannot be
    # hashed; backups hold it like they hold password hashes (see docs/second-factor.md).
    secret: Mapped[str] = mapped_column(String(64))
    enabled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The time step of the last accepted code: a code is accepted once, even within its step.
    last_step: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A single-use code that stands in for the authenticator when the device is lost."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the normalised code; a code carries 80 random bits, so no slow hash is needed.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
