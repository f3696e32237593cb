"""imports: console uploads of import files for the worker, and the lines each one rejected

Revision ID: 4bb59c59e3e5
Revises: a4c8e2f6b1d9
Create Date: 2026-12-01 14:00:00
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = '4bb59c59e3e5'
down_revision = 'a4c8e2f6b1d9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('state', sa.String(length=8), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
        sa.Column('started_at', portal.orm.UTCDateTime(), nullable=True),
        sa.Column('finished_at', portal.orm.UTCDateTime(), nullable=True),
        sa.Column('original_name', sa.String(length=100), nullable=False),
        sa.Column('stored_name', sa.String(length=32), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('lines_total', sa.Integer(), nullable=False),
        sa.Column('lines_done', sa.Integer(), nullable=False),
        sa.Column('accepted', sa.Integer(), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('updated', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('rejected', sa.Integer(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claim', sa.String(length=32), nullable=True),
        sa.Column('claimed_until', portal.orm.UTCDateTime(), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.CheckConstraint("kind IN ('loans', 'contacts')", name=op.f('ck_imports_kind')),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_imports_state')),
        sa.CheckConstraint('lines_done >= 0 AND lines_done <= lines_total', name=op.f('ck_imports_lines')),
        sa.CheckConstraint('accepted >= 0 AND rejected >= 0 AND attempts >= 0', name=op.f('ck_imports_counts')),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_imports_staff_id_staff_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_imports')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_imports_stored_name')),
    )
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.create_index('ix_imports_state', ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_imports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_imports_staff_id'), ['staff_id'], unique=False)
    op.create_table(
        'import_rejections',
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['import_id'], ['imports.id'], name=op.f('fk_import_rejections_import_id_imports'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('import_id', 'line', name=op.f('pk_import_rejections')),
    )


def downgrade() -> None:
    op.drop_table('import_rejections')
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imports_staff_id'))
        batch_op.drop_index(batch_op.f('ix_imports_created_at'))
        batch_op.drop_index('ix_imports_state')
    op.drop_table('imports')
