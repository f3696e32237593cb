"""notify: sent_reminders (one key per scheduled reminder, so none goes out twice); staff e-mail and script
for the daily deadline digest

Revision ID: e5a1c0d2f7b3
Revises: d21d04fe1573
Create Date: 2026-12-01 10:30:00.000000
"""
from alembic import op
import sqlalchemy as sa

from portal.orm import UTCDateTime

revision = 'e5a1c0d2f7b3'
down_revision = 'd21d04fe1573'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sent_reminders',
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('queued_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sent_reminders')),
    )
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('locale', sa.String(length=8), server_default='zh_Hans', nullable=False))
        batch_op.create_check_constraint(op.f('ck_staff_users_locale'), "locale IN ('zh_Hans', 'zh_Hant')")


def downgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_staff_users_locale'), type_='check')
        batch_op.drop_column('locale')
        batch_op.drop_column('email')
    op.drop_table('sent_reminders')
