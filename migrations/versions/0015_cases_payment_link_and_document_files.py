"""compensation cases keep their working payment link (encrypted) and document PDFs

The authority copies the link from the case page and prints it (as a QR code) on the
payment notice, so the link is kept as a Fernet token beside its SHA-256. Cases opened
before have none until the authority issues a new link. A document of the case file may
carry the document itself as a PDF (bytes, size, SHA-256), kept in the database like
evidence files.

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
    with op.batch_alter_table('compensation_case_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filename', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('content', sa.LargeBinary(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_compensation_case_documents_size_positive'), 'size IS NULL OR size > 0')


def downgrade():
    with op.batch_alter_table('compensation_case_documents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_compensation_case_documents_size_positive'),
                                 type_='check')
        batch_op.drop_column('content')
        batch_op.drop_column('sha256')
        batch_op.drop_column('size')
        batch_op.drop_column('filename')
    with op.batch_alter_table('compensation_cases', schema=None) as batch_op:
        batch_op.drop_column('payment_link_encrypted')
