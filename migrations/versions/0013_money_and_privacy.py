"""money and privacy: released orders, refunds and disputes, the log's stored origin

* ``orders.released_by_id`` / ``release_reason``: the registry admin may release any
  pending order, with the reason on record (the order becomes ``cancelled``).
* ``payment_reversals``: Stripe refunds and disputes recorded on the order they reverse;
  ``payments.stripe_payment_intent`` is how a refund or dispute finds that order.
* ``tlog_state.origin``: the transparency log's origin, fixed at its first checkpoint.
  An existing log takes it from the first line of its earliest checkpoint.
* Compensation cases of organisation obligors show the organisation's registered name
  (DOMAIN.md §5: organisations are named everywhere), as new cases now store it.

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

import core.models

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _foreign_keys(state):
    # As in 0012: SQLite rebuilds ``orders`` to add a foreign key, which it only allows
    # with foreign keys switched off outside a transaction.
    if op.get_bind().dialect.name == 'sqlite':
        with op.get_context().autocommit_block():
            op.execute(f'PRAGMA foreign_keys = {state}')


def upgrade():
    _foreign_keys('OFF')
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('released_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('release_reason', sa.Text(), nullable=True))
        batch.create_foreign_key(op.f('fk_orders_released_by_id_organizations'),
                                 'organizations', ['released_by_id'], ['id'])
    _foreign_keys('ON')

    op.create_table(
        'payment_reversals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('amount_fen', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('stripe_id', sa.String(length=255), nullable=False),
        sa.Column('charge_id', sa.String(length=255), nullable=True),
        sa.Column('reason', sa.String(length=64), nullable=True),
        sa.Column('event_id', sa.String(length=255), nullable=False),
        sa.Column('occurred_at', core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('recorded_at', core.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('amount_fen >= 0',
                           name=op.f('ck_payment_reversals_amount_non_negative')),
        sa.CheckConstraint("kind IN ('refund', 'dispute')",
                           name=op.f('ck_payment_reversals_kind_known')),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'],
                                name=op.f('fk_payment_reversals_order_id_orders')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_reversals')),
        sa.UniqueConstraint('kind', 'stripe_id', name='uq_payment_reversals_kind_stripe_id'),
    )
    op.create_index(op.f('ix_payment_reversals_order_id'), 'payment_reversals', ['order_id'])
    op.add_column('payments', sa.Column('stripe_payment_intent', sa.String(length=255),
                                        nullable=True))
    op.create_index(op.f('ix_payments_stripe_payment_intent'), 'payments',
                    ['stripe_payment_intent'])

    op.add_column('tlog_state', sa.Column('origin', sa.String(length=255), nullable=True))
    bind = op.get_bind()
    first = bind.execute(sa.text(
        'SELECT note FROM tlog_checkpoints ORDER BY tree_size LIMIT 1')).scalar()
    if first:
        bind.execute(sa.text('UPDATE tlog_state SET origin = :origin WHERE id = 1'),
                     {'origin': first.split('\n', 1)[0]})

    bind.execute(sa.text(
        'UPDATE compensation_cases SET obligor_masked_name = (SELECT name FROM organizations'
        ' WHERE organizations.id = compensation_cases.obligor_organization_id)'
        ' WHERE obligor_organization_id IS NOT NULL'))


def downgrade():
    op.drop_column('tlog_state', 'origin')
    op.drop_index(op.f('ix_payments_stripe_payment_intent'), table_name='payments')
    op.drop_column('payments', 'stripe_payment_intent')
    op.drop_index(op.f('ix_payment_reversals_order_id'), table_name='payment_reversals')
    op.drop_table('payment_reversals')
    _foreign_keys('OFF')
    with op.batch_alter_table('orders') as batch:
        batch.drop_constraint(op.f('fk_orders_released_by_id_organizations'),
                              type_='foreignkey')
        batch.drop_column('release_reason')
        batch.drop_column('released_by_id')
    _foreign_keys('ON')
