"""distinct beneficiary names with their own trigram index, for the registry's search

The beneficiary search first finds the matching names among the distinct ones (a few
thousand rows where the retirements are a million), then their retirements by the
ordinary index of ``retirements.beneficiary_name`` (market/beneficiaries.py). Filled here
from the existing retirements; kept by every retirement afterwards.

Revision ID: 0015_perf
Revises: 0015_public
"""
from alembic import op
import sqlalchemy as sa

revision = '0015_perf'
down_revision = '0015_public'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('beneficiary_names',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_beneficiary_names'))
    )
    op.execute("INSERT INTO beneficiary_names (name) "
               "SELECT DISTINCT beneficiary_name FROM retirements")
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_beneficiary_names_trgm ON beneficiary_names "
                   "USING gin (name gin_trgm_ops)")
    else:
        op.execute("CREATE INDEX ix_beneficiary_names_trgm ON beneficiary_names (name)")


def downgrade():
    op.drop_index('ix_beneficiary_names_trgm', table_name='beneficiary_names')
    op.drop_table('beneficiary_names')
