"""visits: roster, visits, answers, records, annotations, disputes

Revision ID: a9b2bfe629b4
Revises: 6f6ded5f411b
Create Date: 2026-11-22 22:10:49.003209
"""
from alembic import op
import sqlalchemy as sa
import portal.orm


revision = 'a9b2bfe629b4'
down_revision = '6f6ded5f411b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('visitors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('badge_number', sa.String(length=32), nullable=False),
    sa.Column('photo_name', sa.String(length=40), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visitors')),
    sa.UniqueConstraint('badge_number', name=op.f('uq_visitors_badge_number'))
    )
    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('window_start', portal.orm.UTCDateTime(), nullable=False),
    sa.Column('window_end', portal.orm.UTCDateTime(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('reschedule_count', sa.Integer(), nullable=False),
    sa.Column('requested_start', portal.orm.UTCDateTime(), nullable=True),
    sa.Column('requested_end', portal.orm.UTCDateTime(), nullable=True),
    sa.Column('family_contact_allowed', sa.Boolean(), nullable=True),
    sa.Column('remote_reason', sa.Text(), nullable=True),
    sa.Column('record_answer', sa.String(length=12), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
    sa.Column('answered_at', portal.orm.UTCDateTime(), nullable=True),
    sa.Column('updated_at', portal.orm.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("record_answer IS NULL OR record_answer IN ('confirmed', 'disputed')", name=op.f('ck_visits_record_answer')),
    sa.CheckConstraint("state IN ('proposed', 'confirmed', 'reschedule_requested', 'rescheduled', 'remote_requested', 'cancelled', 'completed', 'missed')", name=op.f('ck_visits_state')),
    sa.CheckConstraint('(requested_start IS NULL) = (requested_end IS NULL)', name=op.f('ck_visits_requested_pair')),
    sa.CheckConstraint('reschedule_count >= 0', name=op.f('ck_visits_reschedule_count_nonneg')),
    sa.CheckConstraint('window_end > window_start', name=op.f('ck_visits_window_order')),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_visits_loan_id_loans'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['staff_users.id'], name=op.f('fk_visits_proposed_by_id_staff_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_code'), ['code'], unique=False)
        batch_op.create_index('ix_visits_loan_window', ['loan_id', 'window_start'], unique=False)
        batch_op.create_index('ix_visits_state_window', ['state', 'window_start'], unique=False)

    op.create_table('visit_annotations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_visit_annotations_staff_id_staff_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_annotations_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_annotations'))
    )
    with op.batch_alter_table('visit_annotations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_annotations_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_annotations_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('slot_start', portal.orm.UTCDateTime(), nullable=True),
    sa.Column('slot_end', portal.orm.UTCDateTime(), nullable=True),
    sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('confirm', 'reschedule', 'remote', 'family', 'record_confirm', 'record_dispute')", name=op.f('ck_visit_answers_kind')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_answers_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_answers'))
    )
    with op.batch_alter_table('visit_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_answers_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('complaint_ref', sa.String(length=32), nullable=True),
    sa.Column('created_at', portal.orm.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_disputes_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_disputes')),
    sa.UniqueConstraint('visit_id', name=op.f('uq_visit_disputes_visit_id'))
    )
    op.create_table('visit_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('held', sa.Boolean(), nullable=False),
    sa.Column('arrived_at', portal.orm.UTCDateTime(), nullable=False),
    sa.Column('departed_at', portal.orm.UTCDateTime(), nullable=False),
    sa.Column('met', sa.Text(), nullable=False),
    sa.Column('identity_shown', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('next_step', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', portal.orm.UTCDateTime(), nullable=False),
    sa.CheckConstraint('departed_at >= arrived_at', name=op.f('ck_visit_records_times_order')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_users.id'], name=op.f('fk_visit_records_recorded_by_id_staff_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_records_visit_id_visits'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_records')),
    sa.UniqueConstraint('visit_id', name=op.f('uq_visit_records_visit_id'))
    )
    with op.batch_alter_table('visit_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_records_recorded_by_id'), ['recorded_by_id'], unique=False)

    op.create_table('visit_visitors',
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_visitors_visit_id_visits'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitors.id'], name=op.f('fk_visit_visitors_visitor_id_visitors'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('visit_id', 'visitor_id', name=op.f('pk_visit_visitors'))
    )
    with op.batch_alter_table('visit_visitors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_visitors_visitor_id'), ['visitor_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('visit_visitors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_visitors_visitor_id'))

    op.drop_table('visit_visitors')
    with op.batch_alter_table('visit_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_records_recorded_by_id'))

    op.drop_table('visit_records')
    op.drop_table('visit_disputes')
    with op.batch_alter_table('visit_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_answers_visit_id'))

    op.drop_table('visit_answers')
    with op.batch_alter_table('visit_annotations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_annotations_visit_id'))
        batch_op.drop_index(batch_op.f('ix_visit_annotations_staff_id'))

    op.drop_table('visit_annotations')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_state_window')
        batch_op.drop_index('ix_visits_loan_window')
        batch_op.drop_index(batch_op.f('ix_visits_code'))

    op.drop_table('visits')
    op.drop_table('visitors')
