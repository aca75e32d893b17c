"""interop: pinned peers (INTEROP.md §1) and the double-claim gate's claim scopes (§5)

Revision ID: 0015_interop
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa
import core.models

revision = '0015_interop'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('interop_peers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('did', sa.String(length=300), nullable=False),
    sa.Column('api_base', sa.String(length=300), nullable=False),
    sa.Column('region', sa.String(length=6), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('description', sa.JSON(), nullable=False),
    sa.Column('did_document', sa.JSON(), nullable=False),
    sa.Column('did_keys', sa.JSON(), nullable=False),
    sa.Column('log_public_key', sa.String(length=100), nullable=False),
    sa.Column('witness_public_key', sa.String(length=100), nullable=False),
    sa.Column('pinned_by_id', sa.Integer(), nullable=False),
    sa.Column('pinned_at', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('key_changes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pinned_by_id'], ['organizations.id'], name=op.f('fk_interop_peers_pinned_by_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interop_peers')),
    sa.UniqueConstraint('api_base', name=op.f('uq_interop_peers_api_base')),
    sa.UniqueConstraint('did', name=op.f('uq_interop_peers_did'))
    )


def downgrade():
    op.drop_table('interop_peers')
