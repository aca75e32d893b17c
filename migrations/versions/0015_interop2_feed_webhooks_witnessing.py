"""互联互通 part B: the change feed, the webhook outbox, mutual witnessing

The feed is numbered under the single ``interop_feed_head`` row (inserted here), so
cursors stay stable; webhook deliveries and their attempts are the outbox; witnessed
checkpoints (one per log and size: a witness never cosigns two roots for one size),
split views refused, cosignatures collected from peers' witnesses, and this registry's
subscriptions to peers' feeds with what they reported.

Revision ID: 0015_interop2
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa
import core.models


# revision identifiers, used by Alembic.
revision = '0015_interop2'
down_revision = '0015_interop'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('interop_cosignatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('witness_name', sa.String(length=255), nullable=False),
    sa.Column('timestamp', sa.BigInteger(), nullable=False),
    sa.Column('line', sa.Text(), nullable=False),
    sa.Column('received_at', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interop_cosignatures')),
    sa.UniqueConstraint('witness_name', 'tree_size', name='uq_interop_cosignatures_witness_size')
    )
    with op.batch_alter_table('interop_cosignatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interop_cosignatures_tree_size'), ['tree_size'], unique=False)

    op.create_table('interop_feed_events',
    sa.Column('position', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=128), nullable=False),
    sa.Column('time', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_org_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=True),
    sa.Column('ledger_seq', sa.BigInteger(), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.CheckConstraint('position >= 1', name=op.f('ck_interop_feed_events_position_positive')),
    sa.PrimaryKeyConstraint('position', name=op.f('pk_interop_feed_events')),
    sa.UniqueConstraint('event_id', name=op.f('uq_interop_feed_events_event_id'))
    )
    with op.batch_alter_table('interop_feed_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interop_feed_events_type'), ['type'], unique=False)

    op.create_table('interop_feed_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('next_position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interop_feed_head'))
    )
    op.execute("INSERT INTO interop_feed_head (id, next_position) VALUES (1, 1)")
    op.create_table('interop_split_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(length=255), nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('root_hash', sa.LargeBinary(), nullable=False),
    sa.Column('cosigned_root_hash', sa.LargeBinary(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('detected_at', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interop_split_views'))
    )
    with op.batch_alter_table('interop_split_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interop_split_views_origin'), ['origin'], unique=False)

    op.create_table('interop_witnessed_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(length=255), nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('root_hash', sa.LargeBinary(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('cosignature', sa.Text(), nullable=False),
    sa.Column('cosigned_at', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interop_witnessed_checkpoints')),
    sa.UniqueConstraint('origin', 'tree_size', name='uq_interop_witnessed_checkpoints_origin_size')
    )
    op.create_table('interop_webhook_endpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('types', sa.Text(), nullable=False),
    sa.Column('secret', sa.String(length=100), nullable=False),
    sa.Column('created_at', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('leased_until', core.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_interop_webhook_endpoints_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interop_webhook_endpoints'))
    )
    with op.batch_alter_table('interop_webhook_endpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interop_webhook_endpoints_organization_id'), ['organization_id'], unique=False)

    op.create_table('interop_webhook_deliveries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', core.models.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'delivered', 'failed')", name=op.f('ck_interop_webhook_deliveries_status_known')),
    sa.ForeignKeyConstraint(['endpoint_id'], ['interop_webhook_endpoints.id'], name=op.f('fk_interop_webhook_deliveries_endpoint_id_interop_webhook_endpoints')),
    sa.ForeignKeyConstraint(['position'], ['interop_feed_events.position'], name=op.f('fk_interop_webhook_deliveries_position_interop_feed_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interop_webhook_deliveries'))
    )
    with op.batch_alter_table('interop_webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_interop_webhook_deliveries_queue', ['endpoint_id', 'status', 'position'], unique=False)

    op.create_table('interop_webhook_attempts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('delivery_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('attempted_at', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['interop_webhook_deliveries.id'], name=op.f('fk_interop_webhook_attempts_delivery_id_interop_webhook_deliveries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interop_webhook_attempts'))
    )
    with op.batch_alter_table('interop_webhook_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interop_webhook_attempts_delivery_id'), ['delivery_id'], unique=False)
    op.create_table('interop_peer_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('peer_did', sa.String(length=300), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=128), nullable=False),
    sa.Column('time', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ledger_seq', sa.BigInteger(), nullable=True),
    sa.Column('quantity_kg', sa.BigInteger(), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('received_at', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interop_peer_reports')),
    sa.UniqueConstraint('peer_did', 'event_id', name='uq_interop_peer_reports_peer_event')
    )
    with op.batch_alter_table('interop_peer_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interop_peer_reports_peer_did'), ['peer_did'], unique=False)

    op.create_table('interop_peer_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('peer_did', sa.String(length=300), nullable=False),
    sa.Column('inbound_key', sa.String(length=43), nullable=False),
    sa.Column('remote_endpoint_id', sa.Integer(), nullable=False),
    sa.Column('types', sa.Text(), nullable=False),
    sa.Column('secret', sa.String(length=100), nullable=False),
    sa.Column('created_at', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interop_peer_subscriptions')),
    sa.UniqueConstraint('inbound_key', name=op.f('uq_interop_peer_subscriptions_inbound_key'))
    )
    with op.batch_alter_table('interop_peer_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interop_peer_subscriptions_peer_did'), ['peer_did'], unique=False)


def downgrade():
    with op.batch_alter_table('interop_peer_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interop_peer_subscriptions_peer_did'))

    op.drop_table('interop_peer_subscriptions')
    with op.batch_alter_table('interop_peer_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interop_peer_reports_peer_did'))

    op.drop_table('interop_peer_reports')
    with op.batch_alter_table('interop_webhook_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interop_webhook_attempts_delivery_id'))

    op.drop_table('interop_webhook_attempts')
    with op.batch_alter_table('interop_webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_interop_webhook_deliveries_queue')

    op.drop_table('interop_webhook_deliveries')
    with op.batch_alter_table('interop_webhook_endpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interop_webhook_endpoints_organization_id'))

    op.drop_table('interop_webhook_endpoints')
    op.drop_table('interop_witnessed_checkpoints')
    with op.batch_alter_table('interop_split_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interop_split_views_origin'))

    op.drop_table('interop_split_views')
    op.drop_table('interop_feed_head')
    with op.batch_alter_table('interop_feed_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interop_feed_events_type'))

    op.drop_table('interop_feed_events')
    with op.batch_alter_table('interop_cosignatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interop_cosignatures_tree_size'))

    op.drop_table('interop_cosignatures')
