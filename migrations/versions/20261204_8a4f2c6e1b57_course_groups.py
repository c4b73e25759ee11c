"""Course groups of catalogue modules and the teachers' applications to them

A methodist schedules a module as a group with dates and places; teachers whose tracks hold the
module apply, the school's director releases them from work, the methodist enrols them up to
the places and keeps a waiting list; the result and the удостоверение number are recorded.

Revision ID: 8a4f2c6e1b57
Revises: 5c1e9a7b3d20
Create Date: 2026-12-04 04:00:00

"""

import sqlalchemy as sa
from alembic import op

import competence.database

# revision identifiers, used by Alembic.
revision = "8a4f2c6e1b57"
down_revision = "5c1e9a7b3d20"
branch_labels = None
depends_on = None

UTC = competence.database.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "course_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("online_link", sa.String(length=500), nullable=True),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'running', 'finished', 'cancelled')",
            name=op.f("ck_course_groups_status"),
        ),
        sa.CheckConstraint("places > 0", name=op.f("ck_course_groups_places")),
        sa.CheckConstraint("hours > 0", name=op.f("ck_course_groups_hours")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_course_groups_dates")),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["catalog_modules.id"],
            name=op.f("fk_course_groups_module_id_catalog_modules"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_course_groups_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_groups")),
    )
    with op.batch_alter_table("course_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_groups_module_id"), ["module_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_course_groups_status"), ["status"], unique=False)

    op.create_table(
        "group_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("track_module_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("applied_at", UTC, nullable=False),
        sa.Column("release_decided_at", UTC, nullable=True),
        sa.Column("release_decided_by_id", sa.Integer(), nullable=True),
        sa.Column("release_comment", sa.Text(), nullable=True),
        sa.Column("enrolled_at", UTC, nullable=True),
        sa.Column("waiting_since", UTC, nullable=True),
        sa.Column("withdrawn_at", UTC, nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("result", sa.String(length=10), nullable=True),
        sa.Column("qualification_document", sa.String(length=64), nullable=True),
        sa.Column("result_recorded_at", UTC, nullable=True),
        sa.Column("reminded_at", UTC, nullable=True),
        sa.CheckConstraint(
            "status IN ('awaiting_release', 'released', 'refused', 'enrolled', 'waiting', "
            "'withdrawn')",
            name=op.f("ck_group_applications_status"),
        ),
        sa.CheckConstraint(
            "result IS NULL OR result IN ('passed', 'failed')",
            name=op.f("ck_group_applications_result"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["course_groups.id"],
            name=op.f("fk_group_applications_group_id_course_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_group_applications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_module_id"],
            ["track_modules.id"],
            name=op.f("fk_group_applications_track_module_id_track_modules"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["release_decided_by_id"],
            ["users.id"],
            name=op.f("fk_group_applications_release_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_applications")),
        sa.UniqueConstraint("group_id", "user_id", name=op.f("uq_group_applications_group_id")),
    )
    with op.batch_alter_table("group_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_applications_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_group_applications_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_group_applications_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("group_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_applications_status"))
        batch_op.drop_index(batch_op.f("ix_group_applications_user_id"))
        batch_op.drop_index(batch_op.f("ix_group_applications_group_id"))
    op.drop_table("group_applications")
    with op.batch_alter_table("course_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_groups_status"))
        batch_op.drop_index(batch_op.f("ix_course_groups_module_id"))
    op.drop_table("course_groups")
