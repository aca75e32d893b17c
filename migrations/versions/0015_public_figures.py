"""public figures kept incrementally; the registry's beneficiary search index

``retired_by_month`` (Beijing month × purpose) and ``scenario_totals`` (issued and
retired kg per scenario) are filled here from the existing retirements and lots, then
kept up to date by every issuance and retirement (market/stats.py). On PostgreSQL the
beneficiary search gets a trigram index (pg_trgm) so a rare name is found without
reading every retirement.

Revision ID: 0015_public
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

revision = '0015_public'
down_revision = '0015_interop2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retired_by_month',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('retired_kg', sa.BigInteger(), nullable=False),
    sa.Column('retirement_count', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('retired_kg >= 0 AND retirement_count >= 0', name=op.f('ck_retired_by_month_non_negative')),
    sa.PrimaryKeyConstraint('month', 'purpose', name=op.f('pk_retired_by_month'))
    )
    op.create_table('scenario_totals',
    sa.Column('scenario', sa.String(length=16), nullable=False),
    sa.Column('issued_kg', sa.BigInteger(), nullable=False),
    sa.Column('retired_kg', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('issued_kg >= 0 AND retired_kg >= 0', name=op.f('ck_scenario_totals_non_negative')),
    sa.PrimaryKeyConstraint('scenario', name=op.f('pk_scenario_totals'))
    )
    postgresql = op.get_bind().dialect.name == 'postgresql'
    month = ("to_char(retired_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')" if postgresql
             else "strftime('%Y-%m', retired_at, '+8 hours')")
    op.execute(f"INSERT INTO retired_by_month (month, purpose, retired_kg, retirement_count) "
               f"SELECT {month}, purpose, SUM(quantity_kg), COUNT(*) FROM retirements "
               f"GROUP BY {month}, purpose")
    op.execute("INSERT INTO scenario_totals (scenario, issued_kg, retired_kg) "
               "SELECT scenario, SUM(issued_kg), SUM(retired_kg) FROM lots GROUP BY scenario")
    if postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_retirements_beneficiary_trgm ON retirements "
                   "USING gin (beneficiary_name gin_trgm_ops)")
    else:
        op.execute("CREATE INDEX ix_retirements_beneficiary_trgm ON retirements "
                   "(beneficiary_name)")


def downgrade():
    op.drop_index('ix_retirements_beneficiary_trgm', table_name='retirements')
    op.drop_table('scenario_totals')
    op.drop_table('retired_by_month')
