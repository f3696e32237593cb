"""complaints: the complainant's latest word and staff's latest reply on the complaint (the staff home's closed
complaints that need an answer, from two partial indexes instead of every closed complaint's messages)

Revision ID: b3e8f1c6d925
Revises: a7d4c9e2b813
Create Date: 2026-12-01 20:30:00
"""
from alembic import op
import sqlalchemy as sa

from portal.orm import UTCDateTime


revision = 'b3e8f1c6d925'
down_revision = 'a7d4c9e2b813'
branch_labels = None
depends_on = None

WORD_UNANSWERED_SQL = "word_at IS NOT NULL AND (staff_reply_at IS NULL OR staff_reply_at < word_at)"
REVIEW_PENDING_SQL = "review_requested_at IS NOT NULL AND review_answered_at IS NULL"
# The same words as portal.complaints.queries.attention: a message not by staff, a file the complainant sent
# after filing; a staff message is a reply.
_LAST_MESSAGE = ("(SELECT max(m.at) FROM complaint_messages m WHERE m.complaint_id = complaints.id "
                 "AND m.author_kind {op} 'staff')")
_LAST_FILE = ("(SELECT max(e.at) FROM complaint_evidence e WHERE e.complaint_id = complaints.id "
              "AND e.added_by = 'complainant' AND e.at > complaints.received_at)")


def upgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('word_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('staff_reply_at', UTCDateTime(), nullable=True))
    op.execute(f"UPDATE complaints SET word_at = {_LAST_MESSAGE.format(op='<>')}, "
               f"staff_reply_at = {_LAST_MESSAGE.format(op='=')}")
    op.execute(f"UPDATE complaints SET word_at = {_LAST_FILE} "
               f"WHERE {_LAST_FILE} IS NOT NULL AND (word_at IS NULL OR word_at < {_LAST_FILE})")
    op.create_index('ix_complaints_word_unanswered', 'complaints', ['decided_at', 'id'], unique=False,
                    sqlite_where=sa.text(WORD_UNANSWERED_SQL), postgresql_where=sa.text(WORD_UNANSWERED_SQL))
    op.create_index('ix_complaints_review_pending', 'complaints', ['decided_at', 'id'], unique=False,
                    sqlite_where=sa.text(REVIEW_PENDING_SQL), postgresql_where=sa.text(REVIEW_PENDING_SQL))


def downgrade() -> None:
    op.drop_index('ix_complaints_review_pending', table_name='complaints')
    op.drop_index('ix_complaints_word_unanswered', table_name='complaints')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('staff_reply_at')
        batch_op.drop_column('word_at')
