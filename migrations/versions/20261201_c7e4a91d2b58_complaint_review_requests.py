"""complaints: when the decision was first shown, and the complainant's review request with staff's answer

Revision ID: c7e4a91d2b58
Revises: e7a3c9b5d1f4
Create Date: 2026-12-01 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'c7e4a91d2b58'
down_revision = 'e7a3c9b5d1f4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nothing is backfilled: for an old decision nobody knows when it was shown (the 30 days start at the next view).
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_seen_at', portal.orm.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('review_requested_at', portal.orm.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('review_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('review_answer', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('review_answered_at', portal.orm.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('review_answered_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_complaints_review_answered_by_id_staff_users'), 'staff_users',
                                    ['review_answered_by_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complaints_review_answered_by_id_staff_users'), type_='foreignkey')
        for column in ('review_answered_by_id', 'review_answered_at', 'review_answer', 'review_reason',
                       'review_requested_at', 'decision_seen_at'):
            batch_op.drop_column(column)
