"""status columns: the database refuses a status the code does not know

Orders, listings, payments, issuance requests and methodologies now carry
``CHECK (status IN (...))`` like compensation cases and neutrality claims already did;
the lists are the models' status tuples as of this revision, copied here so the
migration does not change when the code does. SQLite cannot add a constraint to a
table, so there each table is rebuilt (batch mode); none of them has triggers.

Revision ID: 0012
Revises: 0011
"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

STATUSES = {
    'orders': ('pending_payment', 'fulfilled', 'cancelled', 'expired'),
    'listings': ('open', 'closed'),
    'payments': ('applied', 'unmatched'),
    'issuance_requests': ('submitted', 'verified', 'rejected', 'issued'),
    'methodologies': ('draft', 'filed', 'suspended', 'retired'),
}


def _foreign_keys(state):
    # Rebuilding a table drops it while other tables' rows still point at it. SQLite only
    # switches foreign keys off outside a transaction (and not merely deferred: the drop
    # would count as a violation at commit); the rebuilt tables keep the same ids.
    if op.get_bind().dialect.name == 'sqlite':
        with op.get_context().autocommit_block():
            op.execute(f'PRAGMA foreign_keys = {state}')


def upgrade():
    _foreign_keys('OFF')
    for table, statuses in STATUSES.items():
        with op.batch_alter_table(table) as batch:
            batch.create_check_constraint(
                op.f(f'ck_{table}_status_known'),
                f"status IN ({', '.join(repr(s) for s in statuses)})")
    _foreign_keys('ON')


def downgrade():
    _foreign_keys('OFF')
    for table in STATUSES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f'ck_{table}_status_known'), type_='check')
    _foreign_keys('ON')
