"""Indexes for the analytics: each teacher's newest attempt of an instrument, scores by attempt and competence

Revision ID: 6d2f4b8a1c93
Revises: 3844c3e3e806
Create Date: 2026-12-03 21:45:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "6d2f4b8a1c93"
down_revision = "3844c3e3e806"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attempts_document_status_user",
            ["document_id", "status", "user_id", "submitted_at"],
            unique=False,
        )
    with op.batch_alter_table("competence_scores", schema=None) as batch_op:
        batch_op.create_index(
            "ix_competence_scores_attempt_competence", ["attempt_id", "competence"], unique=False
        )


def downgrade():
    with op.batch_alter_table("competence_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_competence_scores_attempt_competence")
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_attempts_document_status_user")
