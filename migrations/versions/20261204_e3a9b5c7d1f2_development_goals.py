"""Development goals: a teacher's own goals and interests for a school year

Revision ID: e3a9b5c7d1f2
Revises: c4e7a1f9d2b6
Create Date: 2026-12-04 04:30:00

"""

import sqlalchemy as sa
from alembic import op

import competence.database

# revision identifiers, used by Alembic.
revision = "e3a9b5c7d1f2"
down_revision = "c4e7a1f9d2b6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "development_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("interests", sa.JSON(), nullable=False),
        sa.Column("preferred_format", sa.String(length=20), nullable=True),
        sa.Column("updated_at", competence.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_development_goals_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_goals")),
        sa.UniqueConstraint(
            "user_id", "school_year", name=op.f("uq_development_goals_user_id")
        ),
    )


def downgrade():
    op.drop_table("development_goals")
