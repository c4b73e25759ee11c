"""Improvement plans are submitted for approval and may come back returned for changes

A plan goes draft → submitted (by the director) → approved or returned (by a reviewer); the
discussion records the submission as an entry of its own.

Revision ID: 5e2a9c7b41d3
Revises: a4d1e8c2b7f3
Create Date: 2026-12-03 15:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e2a9c7b41d3'
down_revision = 'a4d1e8c2b7f3'
branch_labels = None
depends_on = None

STATUSES_NEW = "status IN ('draft', 'submitted', 'approved', 'returned')"
STATUSES_OLD = "status IN ('draft', 'approved')"
KINDS_NEW = "kind IN ('comment', 'submitted', 'approved', 'reopened')"
KINDS_OLD = "kind IN ('comment', 'approved', 'reopened')"


def _replace(table: str, column: str, condition: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
        batch_op.create_check_constraint(op.f(f'ck_{table}_{column}'), condition)


def upgrade():
    _replace('improvement_plans', 'status', STATUSES_NEW)
    _replace('plan_comments', 'kind', KINDS_NEW)


def downgrade():
    # A plan under review or returned goes back to being a draft; its submission entries go.
    op.execute("UPDATE improvement_plans SET status = 'draft' WHERE status IN ('submitted', 'returned')")
    op.execute("DELETE FROM plan_comments WHERE kind = 'submitted'")
    _replace('improvement_plans', 'status', STATUSES_OLD)
    _replace('plan_comments', 'kind', KINDS_OLD)
