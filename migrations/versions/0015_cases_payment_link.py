"""compensation cases keep their working payment link, encrypted

The authority copies the link from the case page and prints it (as a QR code) on the
payment notice, so the link is kept as a Fernet token beside its SHA-256. Cases opened
before have none until the authority issues a new link.

Revision ID: 0015_cases
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

revision = '0015_cases'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('compensation_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_link_encrypted', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('compensation_cases', schema=None) as batch_op:
        batch_op.drop_column('payment_link_encrypted')
