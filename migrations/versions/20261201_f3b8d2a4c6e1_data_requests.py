"""privacy: borrowers' correction and deletion requests

Revision ID: f3b8d2a4c6e1
Revises: e5a1c0d7b3f2
Create Date: 2026-12-01 11:30:00
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'f3b8d2a4c6e1'
down_revision = 'e5a1c0d7b3f2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'data_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('borrower_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('received_at', portal.orm.UTCDateTime(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('answered_at', portal.orm.UTCDateTime(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('correction', 'deletion')", name=op.f('ck_data_requests_kind')),
        sa.CheckConstraint("state IN ('open', 'done', 'declined')", name=op.f('ck_data_requests_state')),
        sa.CheckConstraint("(state = 'open') = (answered_at IS NULL)",
                           name=op.f('ck_data_requests_answered_when_closed')),
        sa.ForeignKeyConstraint(['borrower_id'], ['borrowers.id'],
                                name=op.f('fk_data_requests_borrower_id_borrowers'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['answered_by_id'], ['staff_users.id'],
                                name=op.f('fk_data_requests_answered_by_id_staff_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_requests')),
    )
    with op.batch_alter_table('data_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_requests_borrower_id'), ['borrower_id'], unique=False)
        batch_op.create_index('ix_data_requests_state_due', ['state', 'due_on', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('data_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_data_requests_state_due')
        batch_op.drop_index(batch_op.f('ix_data_requests_borrower_id'))
    op.drop_table('data_requests')
