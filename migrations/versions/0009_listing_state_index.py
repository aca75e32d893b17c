"""serial blocks: index listing_id with state

A listing's reserved pieces (one per pending order) keep its listing_id; carving the
listing for the next order wants only its listed blocks. With an index on listing_id
alone, every carve scanned all pending pieces of the listing.

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_serial_blocks_listing_state', 'serial_blocks', ['listing_id', 'state'])
    op.drop_index('ix_serial_blocks_listing_id', table_name='serial_blocks')


def downgrade():
    op.create_index('ix_serial_blocks_listing_id', 'serial_blocks', ['listing_id'])
    op.drop_index('ix_serial_blocks_listing_state', table_name='serial_blocks')
