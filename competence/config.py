"""Settings read from the environment, in one place."""

import os
import secrets
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def load_secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, else one generated once into the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Create with owner-only permissions: the key signs sessions and e-mail tokens.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping for an app whose instance folder is `instance_path`."""
    default_db = "sqlite:///" + str(Path(instance_path) / "competence.sqlite3")
    database_url = os.environ.get("DATABASE_URL") or default_db
    if database_url.startswith("postgres://"):
        # Heroku-style URLs name the old dialect; SQLAlchemy 2 wants the driver spelled out.
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")

    mail_server = os.environ.get("MAIL_SERVER", "")
    redis_url = os.environ.get("REDIS_URL", "")
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # The portal's public address, used in links inside e-mails and on certificates.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "ХКИРО: платформа компетенций <noreply@khkiro.example>"
        ),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 20),
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 6),
        # Days the text of a delivered letter is kept in the outbox (links and personal data),
        # then removed by `flask mail purge` or the mail worker; the envelope stays.
        "OUTBOX_BODY_RETENTION_DAYS": _int("OUTBOX_BODY_RETENTION_DAYS", 30),
        # Outbox delivery is off when no SMTP server is configured: messages wait in the outbox.
        "MAIL_DELIVERY_ENABLED": bool(mail_server),
        # Flask-Mail would otherwise swallow messages in testing; the outbox decides instead.
        "MAIL_SUPPRESS_SEND": False,
        "REDIS_URL": redis_url,
        # Trusted reverse proxies in front of the portal: how many X-Forwarded-For entries
        # to believe (0: none, the connection's address is the client's).
        "PROXY_FIX_X_FOR": _int("PROXY_FIX_X_FOR", 0),
        # Brute-force protection of sign-in, registration and the letters sent on request.
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # Counters in the process's memory unless Redis is there to share them between workers.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI")
        or redis_url
        or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Attempts per client address and, separately, per e-mail address typed in.
        "AUTH_RATE_LIMIT": os.environ.get("AUTH_RATE_LIMIT", "10/minute"),
        # Public certificate checks per client address: enough for people, slow for a script
        # stepping through the numbers to collect the holders' names.
        "VERIFY_RATE_LIMIT": os.environ.get("VERIFY_RATE_LIMIT", "30/minute"),
        # "inline" runs background jobs in a thread of the web process; "rq" hands them to workers.
        "JOBS_BACKEND": os.environ.get(
            "JOBS_BACKEND", "rq" if os.environ.get("REDIS_URL") else "inline"
        ),
        # Parallel jobs a certificate batch is split into (RQ: one per worker process).
        "CERTIFICATE_BATCH_SHARDS": _int("CERTIFICATE_BATCH_SHARDS", 2),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE"),
        # Server-side sessions (competence/accounts/sessions.py) end after this much inactivity,
        # and in any case this many hours after sign-in; "remember me" lasts no longer.
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 30),
        "SESSION_MAX_HOURS": _int("SESSION_MAX_HOURS", 12),
        # Roles that must sign in with a second factor (an authenticator app); others may.
        "SECOND_FACTOR_ROLES": tuple(
            role.strip()
            for role in os.environ.get(
                "SECOND_FACTOR_ROLES", "admin,methodist,coordinator,ministry,tutor"
            ).split(",")
            if role.strip()
        ),
        # Codes tried per account: with a million codes and three valid at a time, 30 an hour
        # make guessing one take years.
        "SECOND_FACTOR_RATE_LIMIT": os.environ.get("SECOND_FACTOR_RATE_LIMIT", "5/minute;30/hour"),
        # The name shown in the authenticator app next to the account.
        "SECOND_FACTOR_ISSUER": os.environ.get("SECOND_FACTOR_ISSUER", "ХКИРО"),
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # CSRF tokens live as long as the session, so a long form is not lost to a timeout.
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "ru",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("PORTAL_TIMEZONE", "Asia/Vladivostok"),
        "LANGUAGES": ("ru", "en"),
        "MAX_CONTENT_LENGTH": _int("MAX_UPLOAD_MB", 20) * 1024 * 1024,
        # Retention of what the portal keeps about people (`flask privacy cleanup`), in days.
        "AUDIT_RETENTION_DAYS": _int("AUDIT_RETENTION_DAYS", 3 * 365),
        "OUTBOX_RETENTION_DAYS": _int("OUTBOX_RETENTION_DAYS", 365),
        "EVIDENCE_RETENTION_DAYS": _int("EVIDENCE_RETENTION_DAYS", 3 * 365),
        "PASSWORD_RESET_MAX_AGE": 30 * 60,
        "EMAIL_CONFIRM_MAX_AGE": 3 * 24 * 3600,
        # Smallest group of teachers whose deficit figures are shown above the own school:
        # smaller cells read «недостаточно данных» (docs/small-groups.md).
        "ANALYTICS_MIN_GROUP": _int("ANALYTICS_MIN_GROUP", 5),
        # Seconds a built regional or municipal analytics page is served without checking its
        # data (competence/deficits/snapshots.py); 0 checks on every request.
        "ANALYTICS_CACHE_SECONDS": _int("ANALYTICS_CACHE_SECONDS", 120),
        # Teachers in one course group when the institute plans its year (/analytics/demand);
        # methodists and administrators may try another size on the page.
        "COURSE_GROUP_SIZE": _int("COURSE_GROUP_SIZE", 25),
        "ARGON2_MEMORY_KIB": _int("ARGON2_MEMORY_KIB", 19 * 1024),
        "ARGON2_TIME_COST": _int("ARGON2_TIME_COST", 2),
    }
