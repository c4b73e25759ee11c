"""One development plan a year: school_year on tracks, plan sources, open plans merged

Revision ID: c4e7a1f9d2b6
Revises: 8b3f1d6e2a47
Create Date: 2026-12-04 03:45:00

"""

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import competence.database

# revision identifiers, used by Alembic.
revision = "c4e7a1f9d2b6"
down_revision = "8b3f1d6e2a47"
branch_labels = None
depends_on = None

# The first month of a school year (competence.analytics.campaigns.school_year).
FIRST_MONTH = 9
# Which of two entries of the same catalogue module is kept when plans merge.
ADVANCE = {"done": 2, "postponed": 1, "planned": 1, "declined": 0}

tracks = sa.table(
    "development_tracks",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("source_attempt_id", sa.Integer),
    sa.column("document_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("school_year", sa.Integer),
    sa.column("created_at", competence.database.UTCDateTime(timezone=True)),
    sa.column("invited_at", competence.database.UTCDateTime(timezone=True)),
    sa.column("retake_attempt_id", sa.Integer),
    sa.column("gaps", sa.JSON),
    sa.column("growth", sa.JSON),
    sa.column("review_status", sa.String),
    sa.column("submitted_at", competence.database.UTCDateTime(timezone=True)),
    sa.column("approved_at", competence.database.UTCDateTime(timezone=True)),
    sa.column("approved_by_id", sa.Integer),
)
sources = sa.table(
    "plan_sources",
    sa.column("id", sa.Integer),
    sa.column("track_id", sa.Integer),
    sa.column("attempt_id", sa.Integer),
    sa.column("document_id", sa.Integer),
    sa.column("added_at", competence.database.UTCDateTime(timezone=True)),
    sa.column("retake_attempt_id", sa.Integer),
    sa.column("growth", sa.JSON),
)
entries = sa.table(
    "track_modules",
    sa.column("id", sa.Integer),
    sa.column("track_id", sa.Integer),
    sa.column("module_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("status", sa.String),
    sa.column("confirmed_at", competence.database.UTCDateTime(timezone=True)),
    sa.column("replaced_by_id", sa.Integer),
)
certificates = sa.table(
    "certificates", sa.column("id", sa.Integer), sa.column("track_id", sa.Integer)
)
# Rows that point at a track entry: an entry any of them names is never deleted.
REFERENCES = (
    ("decline_requests", "track_module_id"),
    ("group_applications", "track_module_id"),
    ("evidence_reviews", "track_module_id"),
    ("evidence_files", "track_module_id"),
    ("track_modules", "replaced_by_id"),
)


def _portal_zone():
    """Return the portal's time zone (the app's, when run by Flask-Migrate)."""
    try:
        from flask import current_app

        return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Vladivostok"))
    except RuntimeError:
        return ZoneInfo("Asia/Vladivostok")


def school_year(moment, zone) -> int:
    """Return the year the school year of a UTC moment starts in, by the portal's calendar."""
    local = moment.astimezone(zone)
    return local.year if local.month >= FIRST_MONTH else local.year - 1


def upgrade():
    # Added in place (no copy of the table): on SQLite a copy drops the old table, and with
    # foreign keys on that would cascade to every track's modules. The default only fills the
    # column until the data step below sets it.
    with op.batch_alter_table("development_tracks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("school_year", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "plan_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("added_at", competence.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retake_attempt_id", sa.Integer(), nullable=True),
        sa.Column("growth", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempts.id"], name=op.f("fk_plan_sources_attempt_id_attempts")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["content_documents.id"],
            name=op.f("fk_plan_sources_document_id_content_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["retake_attempt_id"],
            ["attempts.id"],
            name=op.f("fk_plan_sources_retake_attempt_id_attempts"),
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["development_tracks.id"],
            name=op.f("fk_plan_sources_track_id_development_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_sources")),
        sa.UniqueConstraint("attempt_id", name=op.f("uq_plan_sources_attempt_id")),
    )
    with op.batch_alter_table("plan_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_sources_document_id"), ["document_id"])
        batch_op.create_index(batch_op.f("ix_plan_sources_track_id"), ["track_id"])

    merge_open_plans(op.get_bind())

    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("development_tracks", "school_year", server_default=None)
    op.create_index(
        "uq_development_tracks_open_plan",
        "development_tracks",
        ["user_id", "school_year"],
        unique=True,
        sqlite_where=sa.text("status != 'completed'"),
        postgresql_where=sa.text("status != 'completed'"),
    )


def merge_open_plans(connection) -> None:
    """Give every track its school year and source, then merge each year's open tracks.

    For each user and school year the tracks not completed merge into the oldest of them: their
    entries follow its entries (positions renumbered), their sources and certificates move to
    it, and the emptied tracks are deleted. When both have the same catalogue module, the more
    advanced entry (done > planned or postponed > declined; the oldest plan's on a tie) stays
    and the other is deleted, unless anything refers to it (a decline request, an application
    to a course group, an evidence review or file, a replacement, a confirmation): then both
    stay. A merged plan goes back to draft: its changes need the tutor again.
    """
    zone = _portal_zone()
    rows = connection.execute(sa.select(tracks).order_by(tracks.c.created_at, tracks.c.id)).all()
    for row in rows:
        connection.execute(
            tracks.update()
            .where(tracks.c.id == row.id)
            .values(school_year=school_year(row.created_at, zone))
        )
        connection.execute(
            sources.insert().values(
                track_id=row.id,
                attempt_id=row.source_attempt_id,
                document_id=row.document_id,
                added_at=row.created_at,
                retake_attempt_id=row.retake_attempt_id,
                growth=row.growth,
            )
        )
    groups: dict[tuple[int, int], list] = {}
    for row in rows:
        if row.status != "completed":
            groups.setdefault((row.user_id, school_year(row.created_at, zone)), []).append(row)
    for group in groups.values():
        if len(group) > 1:
            _merge(connection, group[0], group[1:])


def _referenced(connection, entry_id: int) -> bool:
    """Tell whether any row refers to this track entry (or it carries a confirmation)."""
    for table, column in REFERENCES:
        found = connection.execute(
            sa.text(f"SELECT 1 FROM {table} WHERE {column} = :id LIMIT 1"), {"id": entry_id}
        ).first()
        if found is not None:
            return True
    confirmed = connection.execute(
        sa.select(entries.c.confirmed_at).where(entries.c.id == entry_id)
    ).scalar()
    return confirmed is not None


def _entries_of(connection, track_id: int) -> list:
    return connection.execute(
        sa.select(entries).where(entries.c.track_id == track_id).order_by(entries.c.position)
    ).all()


def _merge(connection, kept, others) -> None:
    """Merge the open tracks `others` into `kept` (see merge_open_plans)."""
    order = [entry.id for entry in _entries_of(connection, kept.id)]
    by_module = {entry.module_id: entry for entry in _entries_of(connection, kept.id)}
    doomed: list[int] = []
    gaps = list(kept.gaps or [])
    for other in others:
        for entry in _entries_of(connection, other.id):
            twin = by_module.get(entry.module_id)
            if twin is None:
                order.append(entry.id)
                by_module[entry.module_id] = entry
                continue
            if ADVANCE.get(entry.status, 0) > ADVANCE.get(twin.status, 0):
                winner, loser = entry, twin
            else:
                winner, loser = twin, entry
            if _referenced(connection, loser.id):
                # Both stay: the newer one after the plan's entries.
                order.append(entry.id)
                if winner is entry:
                    by_module[entry.module_id] = entry
                continue
            doomed.append(loser.id)
            if winner is entry:
                order[order.index(twin.id)] = entry.id
                by_module[entry.module_id] = entry
        for gap in other.gaps or []:
            if gap not in gaps:
                gaps.append(gap)
        connection.execute(
            sources.update().where(sources.c.track_id == other.id).values(track_id=kept.id)
        )
        connection.execute(
            certificates.update()
            .where(certificates.c.track_id == other.id)
            .values(track_id=kept.id)
        )
    for entry_id in doomed:
        connection.execute(entries.delete().where(entries.c.id == entry_id))
    for position, entry_id in enumerate(order):
        connection.execute(
            entries.update()
            .where(entries.c.id == entry_id)
            .values(track_id=kept.id, position=position)
        )
    for other in others:
        connection.execute(entries.delete().where(entries.c.track_id == other.id))
        connection.execute(tracks.delete().where(tracks.c.id == other.id))
    statuses = {entry.status for entry in _entries_of(connection, kept.id)}
    values = {"gaps": gaps, "review_status": "draft", "submitted_at": None, "approved_at": None}
    values["approved_by_id"] = None
    if statuses & {"planned", "postponed"}:
        values.update(status="active", invited_at=None)
    connection.execute(tracks.update().where(tracks.c.id == kept.id).values(**values))


def downgrade():
    op.drop_index("uq_development_tracks_open_plan", table_name="development_tracks")
    with op.batch_alter_table("plan_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_sources_track_id"))
        batch_op.drop_index(batch_op.f("ix_plan_sources_document_id"))
    op.drop_table("plan_sources")
    if op.get_bind().dialect.name == "sqlite":
        # In place, as upgrade added it (a copy of the table would cascade to its modules).
        op.execute("ALTER TABLE development_tracks DROP COLUMN school_year")
    else:
        op.drop_column("development_tracks", "school_year")
