"""mail: the e-mail outbox, each user's language, an optional e-mail for a case's obligor

Revision ID: 0015_mail
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa
import core.models

revision = '0015_mail'
down_revision = '0015_cases'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outgoing_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=2), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('once_key', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', core.models.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'delivered', 'failed')", name=op.f('ck_outgoing_messages_status_known')),
    sa.CheckConstraint("locale IN ('zh', 'en')", name=op.f('ck_outgoing_messages_locale_known')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outgoing_messages_attempts_non_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_messages')),
    sa.UniqueConstraint('once_key', name=op.f('uq_outgoing_messages_once_key'))
    )
    with op.batch_alter_table('outgoing_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outgoing_messages_due', ['status', 'next_attempt_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=2), server_default='zh', nullable=False))
        batch_op.create_check_constraint(op.f('ck_users_locale_known'), "locale IN ('zh', 'en')")

    with op.batch_alter_table('compensation_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('obligor_email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('compensation_cases', schema=None) as batch_op:
        batch_op.drop_column('obligor_email')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_locale_known'), type_='check')
        batch_op.drop_column('locale')
    with op.batch_alter_table('outgoing_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outgoing_messages_due')
    op.drop_table('outgoing_messages')
