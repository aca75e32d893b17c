"""interop: pinned peers (INTEROP.md §1), the register of issued claim scopes, the
double-claim gate's records and the issuance request's declared claim scope (§5)

Revision ID: 0015_interop
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa
import core.models

revision = '0015_interop'
down_revision = "0015_mail"
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
    op.create_table('interop_claim_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('overridden_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("outcome IN ('clear', 'incomplete', 'overridden')", name=op.f('ck_interop_claim_checks_outcome_known')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_interop_claim_checks_lot_id_lots')),
    sa.ForeignKeyConstraint(['overridden_by_id'], ['organizations.id'], name=op.f('fk_interop_claim_checks_overridden_by_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interop_claim_checks')),
    sa.UniqueConstraint('lot_id', name=op.f('uq_interop_claim_checks_lot_id'))
    )
    op.create_table('interop_claim_scopes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('lot_code', sa.String(length=64), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('operator_credit_code', sa.String(length=18), nullable=True),
    sa.Column('methodology_code', sa.String(length=32), nullable=False),
    sa.Column('scenario', sa.String(length=16), nullable=False),
    sa.Column('regions', sa.JSON(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('records_root', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_interop_claim_scopes_lot_id_lots')),
    sa.ForeignKeyConstraint(['seller_id'], ['organizations.id'], name=op.f('fk_interop_claim_scopes_seller_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interop_claim_scopes')),
    sa.UniqueConstraint('lot_id', name=op.f('uq_interop_claim_scopes_lot_id'))
    )
    with op.batch_alter_table('interop_claim_scopes', schema=None) as batch_op:
        batch_op.create_index('ix_interop_claim_scopes_operator', ['operator_credit_code', 'scenario'], unique=False)
        batch_op.create_index(batch_op.f('ix_interop_claim_scopes_records_root'), ['records_root'], unique=False)
        batch_op.create_index('ix_interop_claim_scopes_seller', ['seller_id', 'scenario'], unique=False)

    op.create_table('interop_scope_record_hashes',
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('record_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['scope_id'], ['interop_claim_scopes.id'], name=op.f('fk_interop_scope_record_hashes_scope_id_interop_claim_scopes')),
    sa.PrimaryKeyConstraint('scope_id', 'record_hash', name=op.f('pk_interop_scope_record_hashes'))
    )
    with op.batch_alter_table('interop_scope_record_hashes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interop_scope_record_hashes_record_hash'), ['record_hash'], unique=False)

    with op.batch_alter_table('issuance_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_scope', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('issuance_requests', schema=None) as batch_op:
        batch_op.drop_column('claim_scope')

    with op.batch_alter_table('interop_scope_record_hashes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interop_scope_record_hashes_record_hash'))

    op.drop_table('interop_scope_record_hashes')
    with op.batch_alter_table('interop_claim_scopes', schema=None) as batch_op:
        batch_op.drop_index('ix_interop_claim_scopes_seller')
        batch_op.drop_index(batch_op.f('ix_interop_claim_scopes_records_root'))
        batch_op.drop_index('ix_interop_claim_scopes_operator')

    op.drop_table('interop_claim_scopes')
    op.drop_table('interop_claim_checks')
    op.drop_table('interop_peers')
