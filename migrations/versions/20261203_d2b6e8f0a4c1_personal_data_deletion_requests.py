"""Personal data: requests to withdraw consent and delete the account

Revision ID: d2b6e8f0a4c1
Revises: a7e4c2d9f1b3
Create Date: 2026-12-03 15:10:00

"""
from alembic import op
import sqlalchemy as sa

import competence.database


# revision identifiers, used by Alembic.
revision = 'd2b6e8f0a4c1'
down_revision = 'a7e4c2d9f1b3'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade():
    op.create_table(
        'deletion_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('requested_at', competence.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_at', competence.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'done', 'refused', 'cancelled')",
            name=op.f('ck_deletion_requests_deletion_status'),
        ),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_deletion_requests_decided_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_deletion_requests_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deletion_requests')),
    )
    with op.batch_alter_table('deletion_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deletion_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_deletion_requests_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_deletion_requests_pending', ['user_id'], unique=True,
                              sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade():
    op.drop_table('deletion_requests')
