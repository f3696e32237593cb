"""staff borrower page: notes on a borrower's file; complaints taken by phone record the staff member

Revision ID: f3b7d2a9c4e1
Revises: 6e3cc680849d
Create Date: 2026-12-01 10:20:00
"""
from alembic import op
import sqlalchemy as sa
import portal.orm

revision = 'f3b7d2a9c4e1'
down_revision = '6e3cc680849d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'borrower_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('borrower_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
        sa.CheckConstraint('length(body) > 0', name=op.f('ck_borrower_notes_body_not_empty')),
        sa.ForeignKeyConstraint(['borrower_id'], ['borrowers.id'], name=op.f('fk_borrower_notes_borrower_id_borrowers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_borrower_notes_staff_id_staff_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_borrower_notes')),
    )
    with op.batch_alter_table('borrower_notes', schema=None) as batch_op:
        batch_op.create_index('ix_borrower_notes_borrower', ['borrower_id', 'id'], unique=False)
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('taken_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_complaints_taken_by_id_staff_users'), 'staff_users',
                                    ['taken_by_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complaints_taken_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('taken_by_id')
    with op.batch_alter_table('borrower_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_borrower_notes_borrower')
    op.drop_table('borrower_notes')
