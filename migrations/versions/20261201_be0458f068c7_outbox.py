"""notify: the outbox (one row per message to a person, written with the change that causes it)

Revision ID: be0458f068c7
Revises: c4d7e2a1b9f6
Create Date: 2026-12-01 10:59:16.597003
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'be0458f068c7'
down_revision = 'c4d7e2a1b9f6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', portal.orm.UTCDateTime(), nullable=False),
    sa.Column('claimed_until', portal.orm.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('provider_message_id', sa.String(length=120), nullable=False),
    sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
    sa.Column('sent_at', portal.orm.UTCDateTime(), nullable=True),
    sa.Column('borrower_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("channel IN ('sms', 'email')", name=op.f('ck_outbox_channel')),
    sa.CheckConstraint("state IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_outbox_state')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_attempts')),
    sa.ForeignKeyConstraint(['borrower_id'], ['borrowers.id'], name=op.f('fk_outbox_borrower_id_borrowers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_borrower_id'), ['borrower_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_outbox_due', ['state', 'next_attempt_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')
        batch_op.drop_index(batch_op.f('ix_outbox_created_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_borrower_id'))

    op.drop_table('outbox')
