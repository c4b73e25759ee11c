"""Certificates reissued after revocation; batches record their last progress

A revoked certificate may be followed by a new one for the same track or attempt.

Revision ID: 3c7d9e2a5b10
Revises: 9b4e7a2c1f60
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa

import competence.database


# revision identifiers, used by Alembic.
revision = '3c7d9e2a5b10'
down_revision = '9b4e7a2c1f60'
branch_labels = None
depends_on = None

VALID = sa.text('revoked_at IS NULL')


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint('uq_certificates_track_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_certificates_track_id'), ['track_id'], unique=False)
        batch_op.create_index('uq_certificates_valid_track', ['track_id'], unique=True,
                              sqlite_where=VALID, postgresql_where=VALID)
        batch_op.create_index('uq_certificates_valid_attempt', ['attempt_id'], unique=True,
                              sqlite_where=VALID, postgresql_where=VALID)

    with op.batch_alter_table('certificate_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('progressed_at', competence.database.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('certificate_batches', schema=None) as batch_op:
        batch_op.drop_column('progressed_at')

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('uq_certificates_valid_attempt')
        batch_op.drop_index('uq_certificates_valid_track')
        batch_op.drop_index(batch_op.f('ix_certificates_track_id'))
        batch_op.create_unique_constraint('uq_certificates_track_id', ['track_id'])
