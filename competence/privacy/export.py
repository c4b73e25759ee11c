"""Everything the portal holds about a person, as plain data for JSON and the readable PDF.

The rows are found through the schema, not a hand-kept list: every table with a foreign key to
`users.id` gives the rows that point at the person, and the tables a person owns (attempts,
tracks) bring their children along. A table added later is exported without a change here.
Secrets (password and token hashes) are never part of the copy.
"""

import base64
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Table, or_, select

from competence.audit import AuditEvent
from competence.extensions import db
from competence.outbox.models import OutboxMessage

# Children exported with a person's own rows: (parent table, child table).
OWNED_CHILDREN = {
    "attempts": ("attempt_answers", "competence_scores"),
    "development_tracks": ("track_modules",),
    "track_modules": ("evidence_files", "evidence_reviews"),
}
# Handled on their own below: the audit log (actor or object), letters (by address, no bodies).
SEPARATE = {"audit_events", "outbox_messages", "outbox_attachments"}


def is_secret(column_name: str) -> bool:
    """Tell whether a column holds a secret that no export shows (hashes of passwords, tokens)."""
    name = column_name.lower()
    return name != "pdf_sha256" and any(part in name for part in ("hash", "secret", "token"))


def plain(value):
    """Return a value as JSON can carry it; binary data goes as base64 with its size."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        raw = bytes(value)
        return {"size": len(raw), "base64": base64.b64encode(raw).decode("ascii")}
    return value


def _rows(table: Table, condition) -> list[dict]:
    """Return the rows of `table` matching `condition`, secrets left out."""
    columns = [c for c in table.columns if not is_secret(c.name)]
    query = select(*columns).where(condition).order_by(*table.primary_key.columns)
    return [{k: plain(v) for k, v in row._mapping.items()} for row in db.session.execute(query)]


def _user_references(table: Table):
    """Return the columns of `table` that refer to users.id."""
    return [fk.parent for fk in table.foreign_keys if fk.column.table.name == "users"]


def _children(tables: dict[str, Table], parent: str, ids: list, out: dict) -> None:
    """Add the rows of the owned children of `parent` rows `ids` to `out`, recursively."""
    for child_name in OWNED_CHILDREN.get(parent, ()):
        child = tables[child_name]
        links = [fk.parent for fk in child.foreign_keys if fk.column.table.name == parent]
        if not links or not ids:
            continue
        rows = _rows(child, or_(*(link.in_(ids) for link in links)))
        if rows:
            out.setdefault(child_name, []).extend(rows)
            key = next(iter(child.primary_key.columns)).name
            _children(tables, child_name, [r[key] for r in rows if key in r], out)


def personal_data(user) -> dict:
    """Return everything the portal holds about `user`, table by table."""
    tables = db.metadata.tables
    data: dict[str, list[dict]] = {"users": _rows(tables["users"], tables["users"].c.id == user.id)}
    for name, table in sorted(tables.items()):
        if name in SEPARATE or name == "users":
            continue
        references = _user_references(table)
        if not references:
            continue
        rows = _rows(table, or_(*(column == user.id for column in references)))
        if not rows:
            continue
        data.setdefault(name, []).extend(rows)
        if name in OWNED_CHILDREN:
            key = next(iter(table.primary_key.columns)).name
            _children(tables, name, [row[key] for row in rows], data)
    audit = AuditEvent.__table__
    events = _rows(
        audit,
        or_(
            audit.c.actor_id == user.id,
            (audit.c.object_type == "user") & (audit.c.object_id == str(user.id)),
        ),
    )
    if events:
        data["audit_events"] = events
    letters = OutboxMessage.__table__
    # Letters are listed without their text: it may hold sign-in and reset links.
    sent = [
        {
            k: v
            for k, v in row.items()
            if k in ("id", "kind", "subject", "status", "created_at", "sent_at")
        }
        for row in _rows(letters, letters.c.recipient == user.email)
    ]
    if sent:
        data["outbox_messages"] = sent
    return data
