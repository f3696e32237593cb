"""audit log: indexes for the filters by object and by borrower

Revision ID: f6b2d1e8c4a3
Revises: 3640781ea87c
Create Date: 2026-12-01 10:40:00.000000
"""
from alembic import op


revision = 'f6b2d1e8c4a3'
down_revision = '3640781ea87c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_audit_events_object_id'), 'audit_events', ['object_id'], unique=False)
    op.create_index(op.f('ix_audit_events_borrower_id'), 'audit_events', ['borrower_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_audit_events_borrower_id'), table_name='audit_events')
    op.drop_index(op.f('ix_audit_events_object_id'), table_name='audit_events')
