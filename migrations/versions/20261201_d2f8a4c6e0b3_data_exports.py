"""privacy: the borrower's download of their data (a ZIP kept for 24 hours)

Revision ID: d2f8a4c6e0b3
Revises: b1e7c3d9a5f2
Create Date: 2026-12-01 11:55:00
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'd2f8a4c6e0b3'
down_revision = 'b1e7c3d9a5f2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'data_exports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('borrower_id', sa.Integer(), nullable=False),
        sa.Column('stored_name', sa.String(length=32), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
        sa.Column('expires_at', portal.orm.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['borrower_id'], ['borrowers.id'],
                                name=op.f('fk_data_exports_borrower_id_borrowers'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_exports')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_data_exports_stored_name')),
    )
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_exports_borrower_id'), ['borrower_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_exports_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_exports_expires_at'))
        batch_op.drop_index(batch_op.f('ix_data_exports_borrower_id'))
    op.drop_table('data_exports')
