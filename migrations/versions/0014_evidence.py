"""evidence files: an issuance request's PDF, XLSX or CSV files, kept in the database

Stored as bytes in the database (not under the instance folder) so that a backup, which
copies the database and the keys only, holds them whole.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa
import core.models

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evidence_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_evidence_files_size_positive')),
    sa.CheckConstraint("kind IN ('pdf', 'xlsx', 'csv')", name=op.f('ck_evidence_files_kind_known')),
    sa.ForeignKeyConstraint(['request_id'], ['issuance_requests.id'], name=op.f('fk_evidence_files_request_id_issuance_requests')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['organizations.id'], name=op.f('fk_evidence_files_uploaded_by_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_files'))
    )
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_files_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_files_request_id'))
    op.drop_table('evidence_files')
