"""Complaints about collection conduct: the complaint, its categories, messages, notes, evidence, timeline."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint, event,
                        or_, text, update)
from sqlalchemy import inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import Borrower, StaffUser
from portal.complaints import rules
from portal.loans.models import Loan
from portal.orm import Base, UTCDateTime, utcnow


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


# The staff queue's "open" filter, written exactly like this in the query too: the partial index below is used
# only when the query's condition matches the index's (SQLite compares the expressions; bound parameters never match).
OPEN_STATES = (rules.RECEIVED, rules.ACKNOWLEDGED, rules.INVESTIGATING)
OPEN_SQL = _in("state", OPEN_STATES)
QUEUE_DUE_SQL = f"CASE WHEN state = '{rules.RECEIVED}' THEN acknowledge_due ELSE decide_due END"
# Word from the complainant that no staff reply has answered (a reply at or after it answers it), and a review
# request not answered yet: the "my work" home's closed complaints that need staff, each a partial index.
WORD_UNANSWERED_SQL = "word_at IS NOT NULL AND (staff_reply_at IS NULL OR staff_reply_at < word_at)"
REVIEW_PENDING_SQL = "review_requested_at IS NOT NULL AND review_answered_at IS NULL"


def queue_due_of(state: str | None, acknowledge_due: date, decide_due: date) -> date:
    """The deadline a complaint works towards: acknowledgement while received, else the decision."""
    return acknowledge_due if (state or rules.RECEIVED) == rules.RECEIVED else decide_due


class ComplaintCounter(Base):
    """One row per local day; incremented inside the filing transaction (the row lock serializes filings)."""

    __tablename__ = "complaint_counters"
    __table_args__ = (CheckConstraint("last_seq >= 0", name="last_seq_nonneg"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(_in("state", rules.STATES), name="state"),
        CheckConstraint(_in("channel", rules.CHANNELS), name="channel"),
        CheckConstraint(_in("preferred_contact", rules.CONTACT_METHODS), name="preferred_contact"),
        CheckConstraint("outcome_category IS NULL OR " + _in("outcome_category", rules.OUTCOMES), name="outcome"),
        CheckConstraint("response IS NULL OR " + _in("response", rules.RESPONSES), name="response"),
        CheckConstraint("extension_level >= 0 AND extension_level <= 2", name="extension_level"),
        CheckConstraint("borrower_id IS NOT NULL OR (reporter_relation IS NOT NULL AND secret_hash IS NOT NULL)",
                        name="complainant"),
        CheckConstraint(f"queue_due = {QUEUE_DUE_SQL}", name="queue_due"),
        Index("ix_complaints_state_decide_due", "state", "decide_due"),
        Index("ix_complaints_received_at", "received_at"),
        # The staff queue (key-set pagination on (queue_due, id)): all, one state, and the default "open" view.
        Index("ix_complaints_queue", "queue_due", "id"),
        Index("ix_complaints_state_queue", "state", "queue_due", "id"),
        Index("ix_complaints_open_queue", "queue_due", "id", sqlite_where=text(OPEN_SQL),
              postgresql_where=text(OPEN_SQL)),
        Index("ix_complaints_word_unanswered", "decided_at", "id", sqlite_where=text(WORD_UNANSWERED_SQL),
              postgresql_where=text(WORD_UNANSWERED_SQL)),
        Index("ix_complaints_review_pending", "decided_at", "id", sqlite_where=text(REVIEW_PENDING_SQL),
              postgresql_where=text(REVIEW_PENDING_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    borrower_id: Mapped[int | None] = mapped_column(ForeignKey("borrowers.id", ondelete="RESTRICT"), index=True)
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loans.id", ondelete="SET NULL"), index=True)
    # The visits table belongs to another domain; a foreign key is added when it exists.
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"), index=True)
    reporter_name: Mapped[str] = mapped_column(String(100), default="")
    reporter_relation: Mapped[str | None] = mapped_column(String(16))
    debtor_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    preferred_contact: Mapped[str] = mapped_column(String(8), default="portal")
    secret_hash: Mapped[str | None] = mapped_column(String(64))
    # The third-party secret in clear only until the confirmation page has shown it once.
    occurred_on: Mapped[date | None] = mapped_column(Date)
    occurred_time: Mapped[time | None] = mapped_column(Time)
    channel: Mapped[str] = mapped_column(String(8))
    collector_name: Mapped[str] = mapped_column(String(100), default="")
    collector_badge: Mapped[str] = mapped_column(String(40), default="")
    collector_phone: Mapped[str] = mapped_column(String(30), default="")
    what_happened: Mapped[str] = mapped_column(Text)
    outcome_wanted: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(String(8), default="zh_Hans")
    state: Mapped[str] = mapped_column(String(16), default=rules.RECEIVED)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledge_due: Mapped[date] = mapped_column(Date)
    decide_due: Mapped[date] = mapped_column(Date)
    # = acknowledge_due while received, else decide_due; set only by _set_queue_due below (and checked by the DB).
    queue_due: Mapped[date] = mapped_column(Date)
    extension_level: Mapped[int] = mapped_column(Integer, default=0)
    outcome_category: Mapped[str | None] = mapped_column(String(32))
    outcome_explanation: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str | None] = mapped_column(String(16))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the decision was first shown to the complainant: the 30 days to ask for a review count from here.
    decision_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "Not satisfied": the complainant's review request (why) and staff's answer to it.
    review_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_reason: Mapped[str] = mapped_column(Text, default="")
    review_answer: Mapped[str] = mapped_column(Text, default="")
    review_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A complaint the borrower made by phone, written down by this staff member (None: filed by the complainant).
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    # The complainant's latest word after filing (a message, or a file sent later) and staff's latest message:
    # written by every insert of a message or a file (``_word_written`` below), so that "closed, but the
    # complainant wrote again" is an index range (WORD_UNANSWERED_SQL), not a search of every closed complaint.
    word_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    staff_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    borrower: Mapped[Borrower | None] = relationship()
    loan: Mapped[Loan | None] = relationship()
    assignee: Mapped[StaffUser | None] = relationship(foreign_keys=[assignee_id])
    taken_by: Mapped[StaffUser | None] = relationship(foreign_keys=[taken_by_id])
    review_answered_by: Mapped[StaffUser | None] = relationship(foreign_keys=[review_answered_by_id])
    category_rows: Mapped[list["ComplaintCategory"]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintCategory.category")
    messages: Mapped[list["ComplaintMessage"]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintMessage.id")
    notes: Mapped[list["ComplaintNote"]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintNote.id")
    evidence: Mapped[list["ComplaintEvidence"]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintEvidence.id")
    events: Mapped[list["ComplaintEvent"]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintEvent.id")
    extensions: Mapped[list["ComplaintExtension"]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintExtension.level")

    @property
    def categories(self) -> list[str]:
        order = {c: i for i, c in enumerate(rules.CATEGORIES)}
        return sorted((row.category for row in self.category_rows), key=lambda c: order.get(c, 99))

    @property
    def is_third_party(self) -> bool:
        return self.borrower_id is None

    @property
    def is_closed(self) -> bool:
        return self.state in rules.CLOSED

    @property
    def review_pending(self) -> bool:
        """A review request staff have not answered yet."""
        return self.review_requested_at is not None and self.review_answered_at is None

    @property
    def next_due(self) -> date | None:
        return rules.next_due(self.state, self.acknowledge_due, self.decide_due)


@event.listens_for(Complaint, "before_insert")
@event.listens_for(Complaint, "before_update")
def _set_queue_due(_mapper, _connection, target: Complaint) -> None:
    """The one place that keeps ``queue_due`` right, whatever code changed the state or the deadlines."""
    due = queue_due_of(target.state, target.acknowledge_due, target.decide_due)
    if target.queue_due != due:
        target.queue_due = due


class ComplaintCategory(Base):
    __tablename__ = "complaint_categories"
    __table_args__ = (CheckConstraint(_in("category", rules.CATEGORIES), name="category"),
                      Index("ix_complaint_categories_category", "category", "complaint_id"))

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True)

    complaint: Mapped[Complaint] = relationship(back_populates="category_rows")


class ComplaintMessage(Base):
    """Messages between the complainant and staff (both see them)."""

    __tablename__ = "complaint_messages"
    __table_args__ = (CheckConstraint("author_kind IN ('complainant', 'staff')", name="author_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    author_kind: Mapped[str] = mapped_column(String(12))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="messages")
    staff: Mapped[StaffUser | None] = relationship()


class ComplaintNote(Base):
    """Internal notes: never shown to the complainant."""

    __tablename__ = "complaint_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="notes")
    staff: Mapped[StaffUser] = relationship()


class ComplaintEvidence(Base):
    __tablename__ = "complaint_evidence"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),
                      CheckConstraint("added_by IN ('complainant', 'staff')", name="added_by"))

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(200), default="")
    added_by: Mapped[str] = mapped_column(String(12), default="complainant")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="evidence")


def _later(connection, target, column: str, at: datetime, *, after_filing: bool = False) -> None:
    """Move the complaint's ``column`` forward to ``at`` (never back); a statement of its own, so the complaint's
    version -- which guards staff's forms against concurrent changes -- stays as it is. A complaint loaded in the
    session is told the new value (sessions keep what they loaded after a commit)."""
    table = Complaint.__table__
    col = table.c[column]
    condition = [table.c.id == target.complaint_id, or_(col.is_(None), col < at)]
    if after_filing:  # files sent with the complaint carry the filing's moment: not new word
        condition.append(table.c.received_at < at)
    connection.execute(update(table).where(*condition).values({col: at}))
    complaint = inspect(target).attrs.complaint.loaded_value
    if isinstance(complaint, Complaint) and column in complaint.__dict__:
        known = complaint.__dict__[column]
        if (known is None or known < at) and not (after_filing and complaint.received_at >= at):
            set_committed_value(complaint, column, at)


@event.listens_for(ComplaintMessage, "after_insert")
def _word_written(_mapper, connection, target: ComplaintMessage) -> None:
    _later(connection, target, "staff_reply_at" if target.author_kind == "staff" else "word_at", target.at)


@event.listens_for(ComplaintEvidence, "after_insert")
def _file_added(_mapper, connection, target: ComplaintEvidence) -> None:
    if target.added_by == "complainant":
        _later(connection, target, "word_at", target.at, after_filing=True)


class ComplaintEvent(Base):
    """The timeline the complainant sees (filed, acknowledged, extended, decided, answered …)."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="events")


class ComplaintExtension(Base):
    __tablename__ = "complaint_extensions"
    __table_args__ = (UniqueConstraint("complaint_id", "level"),
                      CheckConstraint("level IN (1, 2)", name="level"))

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="RESTRICT"))
    new_due: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="extensions")


class ReportGrant(Base):
    """A third party's access to one report, held on the server: the browser keeps only a random token (its hash
    is stored), "leave" deletes the row, and it expires (``REPORT_GRANT_MINUTES``), so a copied cookie stops."""

    __tablename__ = "report_grants"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
