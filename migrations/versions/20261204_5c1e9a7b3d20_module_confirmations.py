"""Confirmation of a module done: by the teacher's tutor or by an institute record

Only confirmed modules count on a certificate (issue 16); a record carries the number of the
удостоверение о повышении квалификации.

Revision ID: 5c1e9a7b3d20
Revises: 6d2f4b8a1c93
Create Date: 2026-12-04 03:00:00

"""

import sqlalchemy as sa
from alembic import op

import competence.database

# revision identifiers, used by Alembic.
revision = "5c1e9a7b3d20"
down_revision = "6d2f4b8a1c93"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("track_modules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("confirmed_at", competence.database.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_via", sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column("qualification_document", sa.String(length=64), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_track_modules_confirmed_by_id_users"),
            "users",
            ["confirmed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_track_modules_confirmed_via"),
            "confirmed_via IS NULL OR confirmed_via IN ('tutor', 'record')",
        )


def downgrade():
    with op.batch_alter_table("track_modules", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_track_modules_confirmed_via"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_track_modules_confirmed_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("qualification_document")
        batch_op.drop_column("confirmed_via")
        batch_op.drop_column("confirmed_by_id")
        batch_op.drop_column("confirmed_at")
