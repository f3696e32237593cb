"""complaints: server-side access grants of third-party reports

Revision ID: e5a1c0d7b3f2
Revises: e5a1c0d2f7b3
Create Date: 2026-12-01 10:55:00
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'e5a1c0d7b3f2'
down_revision = 'e5a1c0d2f7b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_grants',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
        sa.Column('expires_at', portal.orm.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'],
                                name=op.f('fk_report_grants_complaint_id_complaints'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_report_grants')),
    )
    with op.batch_alter_table('report_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_grants_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_grants_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    # Grants are short-lived access rights: dropping them only asks third parties to enter their secret again.
    with op.batch_alter_table('report_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_grants_expires_at'))
        batch_op.drop_index(batch_op.f('ix_report_grants_complaint_id'))
    op.drop_table('report_grants')
