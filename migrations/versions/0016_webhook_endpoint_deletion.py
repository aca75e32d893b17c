"""webhook endpoints can be deleted: ``deleted_at``, and a ``cancelled`` delivery

Deleting an endpoint keeps its row, so the history of the deliveries made to it stays
readable; the deliveries still owed become ``cancelled`` and are never attempted
(interop/webhooks.py ``delete_endpoint``). The status lists are copied here so the
migration does not change when the code does. SQLite cannot change a constraint in
place, so there the deliveries table is rebuilt (batch mode) with foreign keys off, as
in 0012: the attempts point at its rows, which keep their ids.

Revision ID: 0016_unsub
Revises: 0015_perf
"""
from alembic import op
import sqlalchemy as sa

import core.models

revision = '0016_unsub'
down_revision = '0015_perf'
branch_labels = None
depends_on = None

BEFORE = ('pending', 'delivered', 'failed')
AFTER = BEFORE + ('cancelled',)


def _foreign_keys(state):
    if op.get_bind().dialect.name == 'sqlite':
        with op.get_context().autocommit_block():
            op.execute(f'PRAGMA foreign_keys = {state}')


def _statuses(statuses):
    with op.batch_alter_table('interop_webhook_deliveries') as batch:
        batch.drop_constraint(op.f('ck_interop_webhook_deliveries_status_known'), type_='check')
        batch.create_check_constraint(
            op.f('ck_interop_webhook_deliveries_status_known'),
            f"status IN ({', '.join(repr(s) for s in statuses)})")


def upgrade():
    with op.batch_alter_table('interop_webhook_endpoints') as batch:
        batch.add_column(sa.Column('deleted_at', core.models.UTCDateTime(timezone=True),
                                   nullable=True))
    _foreign_keys('OFF')
    _statuses(AFTER)
    _foreign_keys('ON')


def downgrade():
    op.execute("UPDATE interop_webhook_deliveries SET status = 'failed' "
               "WHERE status = 'cancelled'")
    _foreign_keys('OFF')
    _statuses(BEFORE)
    _foreign_keys('ON')
    with op.batch_alter_table('interop_webhook_endpoints') as batch:
        batch.drop_column('deleted_at')
