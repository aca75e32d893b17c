"""transparency log: stored nodes and checkpoints are append-only

A stored subtree hash never changes and a signed checkpoint is never rewritten; the
database now refuses UPDATE and DELETE of either, as it does for ledger entries. (The
tree's size row, tlog_state, moves on with every append and is not guarded.)

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TABLES = ('tlog_nodes', 'tlog_checkpoints')


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("""
            CREATE FUNCTION tlog_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
            END $$ LANGUAGE plpgsql""")
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION tlog_append_only()")
    else:
        for table in TABLES:
            for statement in ('UPDATE', 'DELETE'):
                op.execute(f"CREATE TRIGGER {table}_no_{statement.lower()} BEFORE {statement} "
                           f"ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS tlog_append_only()")
    else:
        for table in TABLES:
            for statement in ('update', 'delete'):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{statement}")
