"""Certificate check codes: the public check needs the number and a code printed beside it

Certificates issued before get a random code; their holders and admins see it in the portal.

Revision ID: a7e4c2d9f1b3
Revises: 3c7d9e2a5b10
Create Date: 2026-12-03 14:40:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7e4c2d9f1b3'
down_revision = '3c7d9e2a5b10'
branch_labels = None
depends_on = None

# The same alphabet and length as competence.certificates.verification (kept here: a
# migration must not change when the code does).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_code', sa.String(length=16), nullable=True))
    certificates = sa.table('certificates', sa.column('id', sa.Integer), sa.column('check_code', sa.String))
    connection = op.get_bind()
    for (certificate_id,) in connection.execute(sa.select(certificates.c.id)).all():
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        connection.execute(
            certificates.update().where(certificates.c.id == certificate_id).values(check_code=code)
        )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.alter_column('check_code', existing_type=sa.String(length=16), nullable=False)


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('check_code')
