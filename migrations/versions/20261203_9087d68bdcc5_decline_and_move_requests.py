"""Requests to decline a mandatory module and to move to another school; module venues

A mandatory module is declined only once the school's director approves; a teacher joins
another school's staff only once its director (or an administrator) approves. An in-person
module may name the municipality where it is held, so replacements stay within reach.

Revision ID: 9087d68bdcc5
Revises: d2b6e8f0a4c1
Create Date: 2026-12-03 14:13:14.189222

"""
from alembic import op
import sqlalchemy as sa

import competence.database


# revision identifiers, used by Alembic.
revision = '9087d68bdcc5'
down_revision = 'd2b6e8f0a4c1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('school_move_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('from_school_id', sa.Integer(), nullable=True),
    sa.Column('to_school_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', competence.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', competence.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'approved', 'refused', 'withdrawn')", name=op.f('ck_school_move_requests_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_school_move_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['from_school_id'], ['schools.id'], name=op.f('fk_school_move_requests_from_school_id_schools')),
    sa.ForeignKeyConstraint(['to_school_id'], ['schools.id'], name=op.f('fk_school_move_requests_to_school_id_schools')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_school_move_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_move_requests'))
    )
    with op.batch_alter_table('school_move_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_move_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_school_move_requests_to_school_id'), ['to_school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_school_move_requests_user_id'), ['user_id'], unique=False)

    op.create_table('decline_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_module_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', competence.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', competence.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'approved', 'refused', 'withdrawn')", name=op.f('ck_decline_requests_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_decline_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['track_module_id'], ['track_modules.id'], name=op.f('fk_decline_requests_track_module_id_track_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decline_requests'))
    )
    with op.batch_alter_table('decline_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decline_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_decline_requests_track_module_id'), ['track_module_id'], unique=False)

    with op.batch_alter_table('catalog_modules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('municipality_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_catalog_modules_municipality_id_municipalities'), 'municipalities', ['municipality_id'], ['id'])



def downgrade():
    with op.batch_alter_table('catalog_modules', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_catalog_modules_municipality_id_municipalities'), type_='foreignkey')
        batch_op.drop_column('municipality_id')

    with op.batch_alter_table('decline_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decline_requests_track_module_id'))
        batch_op.drop_index(batch_op.f('ix_decline_requests_status'))

    op.drop_table('decline_requests')
    with op.batch_alter_table('school_move_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_move_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_school_move_requests_to_school_id'))
        batch_op.drop_index(batch_op.f('ix_school_move_requests_status'))

    op.drop_table('school_move_requests')
