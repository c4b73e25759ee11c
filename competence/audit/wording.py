"""Audit events told in words: people, schools and roles by their names, not by their ids."""

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competence.accounts.models import User
from competence.accounts.reference import ROLE_LABELS
from competence.audit import AuditEvent
from competence.audit.actions import UNKNOWN, action_of
from competence.extensions import db
from competence.schools.labels import MEASURE_STATUS_LABELS, STAGE_LABELS
from competence.schools.models import Municipality, School

OBJECT_TYPES = {
    "user": _l("Account"),
    "certificate": _l("Certificate"),
    "batch": _l("Certificate batch"),
    "improvement_plan": _l("Improvement plan"),
    "school_partnership": _l("Partnership of schools"),
    "indicator_import": _l("Import of indicators"),
    "registry": _l("Register of schools"),
    "module": _l("Catalogue module"),
    "catalog": _l("Module catalogue"),
    "competence": _l("Competence"),
    "scale": _l("Scale"),
    "framework": _l("Framework"),
    "instrument": _l("Instrument"),
    "standard_round": _l("Standard-setting round"),
    "track_module": _l("Module of a development track"),
    "course_group": _l("Course group"),
    "group_application": _l("Application to a course group"),
    "development_track": _l("Development plan"),
    "outbox_message": _l("Letter"),
    "outbox": _l("Outbox"),
    "audit_log": _l("Audit log"),
    "endpoint": _l("Page"),
}

# Objects named by a key written in quotes rather than by a number.
_KEYED_TYPES = {"module", "competence", "scale", "framework", "instrument", "endpoint"}

# Labels of the fields an administrator changes (details of `user_updated`, `place_changed`).
FIELD_LABELS = {
    "role": _l("role"),
    "municipality_id": _l("municipality"),
    "school_id": _l("school"),
    "active": _l("account active"),
    "email_confirmed": _l("address confirmed"),
}

CODE_LABELS = {
    # Certificate kinds.
    "track": _l("for a development track"),
    "diagnostic": _l("for a diagnostic"),
    # Letter kinds.
    "confirm_email": _l("address confirmation"),
    "reset_password": _l("password reset"),
    "password_changed": _l("password changed"),
    "certificate_issued": _l("certificate"),
    "diagnostic_result": _l("diagnostic result"),
    "retake_invitation": _l("invitation to retake"),
    "track_submitted": _l("plan ready for review"),
    "track_approved": _l("plan approved"),
    "evidence_returned": _l("evidence returned"),
    # Reasons of a refused sign-in.
    "wrong_password": _l("wrong e-mail or password"),
    "blocked": _l("account blocked"),
    "unconfirmed": _l("address not confirmed"),
}

_USER_KEYS = {"holder", "user"}
_SCHOOL_CODE_KEYS = {"school", "partner"}


@dataclass(frozen=True)
class ToldEvent:
    """An audit event with its parts in words."""

    event: AuditEvent
    actor: str
    label: str
    sentence: str
    object: str


class Names:
    """Names of the users, schools and municipalities a set of events refers to."""

    def __init__(self, events: Iterable[AuditEvent]):
        users, schools, codes, places = set(), set(), set(), set()
        for event in events:
            users.add(event.actor_id)
            if event.object_type == "user" and (event.object_id or "").isdigit():
                users.add(int(event.object_id))
            for key, value in (event.details or {}).items():
                values = value if isinstance(value, list) else [value]
                target = {
                    "school_id": schools,
                    "municipality_id": places,
                    **dict.fromkeys(_USER_KEYS, users),
                    **dict.fromkeys(_SCHOOL_CODE_KEYS, codes),
                }.get(key)
                if target is not None:
                    target.update(v for v in values if v is not None)
        self.users = self._load(User.id, User.full_name, users)
        self.schools = self._load(School.id, School.name, schools)
        self.school_codes = self._load(School.code, School.name, codes)
        self.places = self._load(Municipality.id, Municipality.name, places)

    @staticmethod
    def _load(key_column, name_column, keys: set) -> dict:
        """Return {key: name} for the keys that exist."""
        keys = sorted({key for key in keys if isinstance(key, int | str)}, key=str)
        names = {}
        # In slices, so an export of many events stays within the database's parameter limit.
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = db.session.execute(select(key_column, name_column).where(key_column.in_(chunk)))
            names.update(rows.all())
        return names

    def user(self, user_id) -> str:
        """Return a user's name, or the number of an account that no longer exists."""
        if user_id is None:
            return _("unknown account")
        return self.users.get(user_id) or _("account No. %(id)s", id=user_id)


def _plain(value) -> str:
    """Write a detail value that has no special meaning."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    return str(CODE_LABELS.get(value, value)) if isinstance(value, str) else str(value)


def value_text(key: str, value, names: Names) -> str:
    """Write a detail readably: ids become names, codes become labels."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(value_text(key, item, names) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(k, v, names)}" for k, v in value.items()) or "—"
    if key in _USER_KEYS:
        return names.user(value)
    if key == "school_id":
        return names.schools.get(value) or _("school No. %(id)s", id=value)
    if key == "municipality_id":
        return names.places.get(value) or _("municipality No. %(id)s", id=value)
    if key in _SCHOOL_CODE_KEYS:
        return names.school_codes.get(value) or str(value)
    if key == "role":
        return str(ROLE_LABELS.get(value, value))
    if key == "status":
        return str(MEASURE_STATUS_LABELS.get(value, value))
    if key == "stage":
        return str(STAGE_LABELS.get(value, value))
    if key == "format":
        return str(value).upper()
    return _plain(value)


def object_text(event: AuditEvent, names: Names) -> str:
    """Return the object of an event as a name, «key» or No. N (without its kind)."""
    if event.object_type == "user":
        user_id = int(event.object_id) if (event.object_id or "").isdigit() else None
        return names.user(user_id)
    if event.object_id is None:
        return ""
    if event.object_type in _KEYED_TYPES:
        return f"«{event.object_id}»"
    return _("No. %(id)s", id=event.object_id)


def object_with_kind(event: AuditEvent, names: Names) -> str:
    """Return the object of an event with its kind, for a column of its own."""
    kind = str(OBJECT_TYPES.get(event.object_type, event.object_type))
    return f"{kind} {object_text(event, names)}".strip()


def _changes(details: dict, names: Names) -> str:
    """List the fields of a "before → after" event."""
    parts = []
    for key, value in details.items():
        if isinstance(value, list) and len(value) == 2:
            before, after = (value_text(key, item, names) for item in value)
            parts.append(f"{FIELD_LABELS.get(key, key)}: {before} → {after}")
    return "; ".join(parts) or "—"


class _Values(dict):
    """The values of a sentence; a value the event lacks is written as a dash."""

    def __missing__(self, key):
        return "—"


def sentence(event: AuditEvent, names: Names) -> str:
    """Tell one event in a sentence of the user's language."""
    action = action_of(event.action)
    details = event.details or {}
    values = _Values({key: value_text(key, value, names) for key, value in details.items()})
    values.update(
        object=object_text(event, names) or "—",
        type=str(OBJECT_TYPES.get(event.object_type, event.object_type)).lower(),
        changes=_changes(details, names),
        code=event.action,
    )
    text = str(action.sentence) % values
    clauses = [
        str(clause) % {"value": values[key]}
        for key, clause in action.clauses.items()
        if details.get(key) not in (None, "", [])
    ]
    if action is UNKNOWN and details:
        # An unknown action still shows what it carries, readably.
        clauses.append("; ".join(f"{key}: {values[key]}" for key in details))
    return "; ".join([text, *clauses])


def _actor(event: AuditEvent, names: Names) -> str:
    """Name who did it: a user, a visitor who was not signed in, or the portal itself."""
    if event.actor_id:
        return names.user(event.actor_id)
    # Only events recorded while answering a request carry an address.
    return _("visitor, not signed in") if event.ip_address else _("system")


def tell(events: Iterable[AuditEvent]) -> list[ToldEvent]:
    """Return the events told in words, loading the names they need in a few queries."""
    events = list(events)
    names = Names(events)
    return [
        ToldEvent(
            event=event,
            actor=_actor(event, names),
            label=str(action_of(event.action).label),
            sentence=sentence(event, names),
            object=object_with_kind(event, names),
        )
        for event in events
    ]
