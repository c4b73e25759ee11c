"""The practical limit for answer saves: a bare Flask endpoint doing one similar database write.

No sessions, CSRF, validation or ORM: it bumps the attempt's sequence and upserts one answer row
in the portal's own tables, in one transaction. Served by gunicorn exactly like the portal:

    DATABASE_URL=... gunicorn -w 2 benchmarks.bare_save_app:app
"""

import json
import os

from flask import Flask, request
from sqlalchemy import create_engine, event, text

from competence.database import configure_sqlite

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
if engine.dialect.name == "sqlite":
    event.listen(engine, "connect", configure_sqlite)

UPSERT = text(
    "INSERT INTO attempt_answers (attempt_id, item_id, value, saved_at) "
    "VALUES (:attempt, :item, :value, CURRENT_TIMESTAMP) "
    "ON CONFLICT (attempt_id, item_id) DO UPDATE SET value = excluded.value, "
    "saved_at = excluded.saved_at"
)
BUMP = text("UPDATE attempts SET sequence = sequence + 1 WHERE id = :attempt RETURNING sequence")


@app.post("/save/<int:attempt_id>")
def save(attempt_id: int):
    """Save one answer and return the new sequence number."""
    data = request.get_json()
    with engine.begin() as connection:
        sequence = connection.execute(BUMP, {"attempt": attempt_id}).scalar_one()
        connection.execute(
            UPSERT,
            {"attempt": attempt_id, "item": data["item"], "value": json.dumps(data["answer"])},
        )
    return {"sequence": sequence}
