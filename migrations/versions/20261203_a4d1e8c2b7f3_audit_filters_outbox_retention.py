"""Audit log filtered by actor and object; outbox letters whose text expired

Indexes for the audit log's filters (who, which object) and the moment a delivered letter's
text was removed after the retention period.

Revision ID: a4d1e8c2b7f3
Revises: 9087d68bdcc5
Create Date: 2026-12-03 15:00:00

"""
from alembic import op
import sqlalchemy as sa

import competence.database


# revision identifiers, used by Alembic.
revision = 'a4d1e8c2b7f3'
down_revision = '9087d68bdcc5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_events_object', ['object_type', 'object_id'], unique=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_purged_at', competence.database.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('body_purged_at')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_object')
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
