"""staff team administration: last login, one-time setup links, recovery codes

Revision ID: 3640781ea87c
Revises: f3b7d2a9c4e1
Create Date: 2026-12-01 10:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

from portal.orm import UTCDateTime


revision = '3640781ea87c'
down_revision = 'f3b7d2a9c4e1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_login_at', UTCDateTime(), nullable=True))
    op.create_table(
        'staff_setup_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=10), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('used_at', UTCDateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("purpose IN ('invite', 'reset')", name=op.f('ck_staff_setup_links_purpose')),
        sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'],
                                name=op.f('fk_staff_setup_links_created_by_id_staff_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'],
                                name=op.f('fk_staff_setup_links_staff_id_staff_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_setup_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_staff_setup_links_token_hash')),
    )
    op.create_index(op.f('ix_staff_setup_links_staff_id'), 'staff_setup_links', ['staff_id'], unique=False)
    op.create_table(
        'staff_recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'],
                                name=op.f('fk_staff_recovery_codes_staff_id_staff_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_recovery_codes')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_staff_recovery_codes_code_hash')),
    )
    op.create_index(op.f('ix_staff_recovery_codes_staff_id'), 'staff_recovery_codes', ['staff_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_staff_recovery_codes_staff_id'), table_name='staff_recovery_codes')
    op.drop_table('staff_recovery_codes')
    op.drop_index(op.f('ix_staff_setup_links_staff_id'), table_name='staff_setup_links')
    op.drop_table('staff_setup_links')
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('last_login_at')
