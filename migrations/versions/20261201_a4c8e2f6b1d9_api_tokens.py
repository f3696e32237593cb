"""API tokens (hash only) and the writing transaction of each event (the feed's cursor never skips one)

Revision ID: a4c8e2f6b1d9
Revises: e9fc746b4b38
Create Date: 2026-12-01 13:45:00
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'a4c8e2f6b1d9'
down_revision = 'e9fc746b4b38'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('scopes', sa.String(length=200), nullable=False),
        sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', portal.orm.UTCDateTime(), nullable=True),
        sa.Column('last_used_at', portal.orm.UTCDateTime(), nullable=True),
        sa.CheckConstraint('length(name) > 0', name=op.f('ck_api_tokens_name_not_empty')),
        sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'],
                                name=op.f('fk_api_tokens_created_by_id_staff_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('name', name=op.f('uq_api_tokens_name')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash')),
    )
    # Events written before this revision all count as one old transaction (0): they come first in the feed.
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('xact_id', sa.BigInteger(), nullable=False, server_default=sa.text('0')))
        batch_op.create_index('ix_events_xact_id_id', ['xact_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_xact_id_id')
        batch_op.drop_column('xact_id')
    op.drop_table('api_tokens')
