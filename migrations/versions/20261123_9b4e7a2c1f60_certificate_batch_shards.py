"""Certificate batches run in parallel shards; their errors get a table of their own

Revision ID: 9b4e7a2c1f60
Revises: 7f3c2b1a9d04
Create Date: 2026-11-23 15:00:00

"""
from alembic import op
import sqlalchemy as sa

import competence.database


# revision identifiers, used by Alembic.
revision = '9b4e7a2c1f60'
down_revision = '7f3c2b1a9d04'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_batch_errors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', competence.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['certificate_batches.id'], name=op.f('fk_certificate_batch_errors_batch_id_certificate_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_batch_errors'))
    )
    with op.batch_alter_table('certificate_batch_errors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_batch_errors_batch_id'), ['batch_id'], unique=False)

    with op.batch_alter_table('certificate_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shards', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('shards_done', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_column('errors')


def downgrade():
    with op.batch_alter_table('certificate_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('errors', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.drop_column('shards_done')
        batch_op.drop_column('shards')

    with op.batch_alter_table('certificate_batch_errors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_batch_errors_batch_id'))

    op.drop_table('certificate_batch_errors')
