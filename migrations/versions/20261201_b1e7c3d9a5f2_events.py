"""events: what the lender is told (data requests first)

Revision ID: b1e7c3d9a5f2
Revises: be0458f068c7
Create Date: 2026-12-01 11:50:00
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'b1e7c3d9a5f2'
down_revision = 'be0458f068c7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('type', sa.String(length=64), nullable=False),
        sa.Column('occurred_at', portal.orm.UTCDateTime(), nullable=False),
        sa.Column('loan_ref', sa.String(length=64), nullable=True),
        sa.Column('borrower_id', sa.Integer(), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['borrower_id'], ['borrowers.id'],
                                name=op.f('fk_events_borrower_id_borrowers'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_type'), ['type'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_loan_ref'), ['loan_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_borrower_id'), ['borrower_id'], unique=False)
        batch_op.create_index('ix_events_occurred_at_id', ['occurred_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_occurred_at_id')
        batch_op.drop_index(batch_op.f('ix_events_borrower_id'))
        batch_op.drop_index(batch_op.f('ix_events_loan_ref'))
        batch_op.drop_index(batch_op.f('ix_events_type'))
    op.drop_table('events')
