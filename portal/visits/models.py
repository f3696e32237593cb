"""Verification visits: the visitor roster, visits, their visitors, the record after a visit and answers."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import StaffUser
from portal.agencies.models import Agency
from portal.loans.models import Loan
from portal.orm import Base, UTCDateTime, forbid_changes, utcnow
from portal.visits.rules import SCHEDULED_STATES, STATES

_STATE_LIST = ", ".join(f"'{s}'" for s in STATES)
SCHEDULED_SQL = "state IN ({})".format(", ".join(f"'{s}'" for s in sorted(SCHEDULED_STATES)))
DISPUTED_SQL = "record_answer = 'disputed'"


class Visitor(Base):
    """A lender employee who makes visits; the badge number is public and checked at /verify-visitor."""

    __tablename__ = "visitors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    badge_number: Mapped[str] = mapped_column(String(32), unique=True)
    photo_name: Mapped[str | None] = mapped_column(String(40))  # random file name under the photo folder
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The collection agency the visitor works for (None: the lender's own staff); /verify-visitor names it.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)
    # When the visitor stopped being active: the retention clock of the photo (PORTAL_RETENTION_*).
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency | None] = relationship()


visit_visitors = Table(
    "visit_visitors", Base.metadata,
    Column("visit_id", ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True),
    Column("visitor_id", ForeignKey("visitors.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Visit(Base):
    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATE_LIST})", name="state"),
        CheckConstraint("window_end > window_start", name="window_order"),
        CheckConstraint("reschedule_count >= 0", name="reschedule_count_nonneg"),
        CheckConstraint("record_answer IS NULL OR record_answer IN ('confirmed', 'disputed')", name="record_answer"),
        CheckConstraint("(requested_start IS NULL) = (requested_end IS NULL)", name="requested_pair"),
        Index("ix_visits_loan_window", "loan_id", "window_start"),
        Index("ix_visits_state_window", "state", "window_start"),
        # The staff queue, however many visits there are: "waiting for staff" is one OR of three conditions, each
        # served by an index (PostgreSQL combines them, BitmapOr) -- a borrower's request (state), a disputed
        # record, a past window not recorded (state, window_end); "upcoming" reads the calendar in order and stops
        # at its page.
        Index("ix_visits_state_window_end", "state", "window_end"),
        Index("ix_visits_disputed", "id", sqlite_where=text(DISPUTED_SQL), postgresql_where=text(DISPUTED_SQL)),
        Index("ix_visits_scheduled_start", "window_start", "id", sqlite_where=text(SCHEDULED_SQL),
              postgresql_where=text(SCHEDULED_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id", ondelete="RESTRICT"))
    address: Mapped[str] = mapped_column(Text)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    purpose: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(24), default="proposed")
    code: Mapped[str] = mapped_column(String(8), index=True)
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0)
    # The slot the borrower asked for, until staff schedule it.
    requested_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None: not answered yet (visitors then speak only to the borrower).
    family_contact_allowed: Mapped[bool | None] = mapped_column(Boolean)
    remote_reason: Mapped[str | None] = mapped_column(Text)
    record_answer: Mapped[str | None] = mapped_column(String(12))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    loan: Mapped[Loan] = relationship()
    proposed_by: Mapped[StaffUser | None] = relationship()
    visitors: Mapped[list[Visitor]] = relationship(secondary=visit_visitors, order_by=Visitor.name)
    record: Mapped["VisitRecord | None"] = relationship(back_populates="visit", uselist=False)
    answers: Mapped[list["VisitAnswer"]] = relationship(order_by="VisitAnswer.id", back_populates="visit")
    annotations: Mapped[list["VisitAnnotation"]] = relationship(order_by="VisitAnnotation.id")
    disputes: Mapped[list["VisitDispute"]] = relationship(order_by="VisitDispute.id")


class VisitAnswer(Base):
    """History of what the borrower answered (and when); staff see it at once."""

    __tablename__ = "visit_answers"
    __table_args__ = (
        CheckConstraint("kind IN ('confirm', 'reschedule', 'remote', 'family', 'record_confirm', "
                        "'record_dispute')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")
    slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slot_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship(back_populates="answers")


class VisitRecord(Base):
    """What the visitors record after the visit. Written once; corrections go into annotations."""

    __tablename__ = "visit_records"
    __table_args__ = (CheckConstraint("departed_at >= arrived_at", name="times_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="RESTRICT"), unique=True)
    held: Mapped[bool] = mapped_column(Boolean)
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime)
    departed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    met: Mapped[str] = mapped_column(Text)
    identity_shown: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(Text)
    next_step: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="RESTRICT"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship(back_populates="record")
    recorded_by: Mapped[StaffUser] = relationship()


class VisitAnnotation(Base):
    __tablename__ = "visit_annotations"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="RESTRICT"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[StaffUser] = relationship()


class VisitDispute(Base):
    """The borrower disputes the record; linked to a complaint when the complaints domain opens one."""

    __tablename__ = "visit_disputes"
    __table_args__ = (UniqueConstraint("visit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    complaint_ref: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VisitRecordIsImmutable(RuntimeError):
    pass


forbid_changes(VisitRecord, VisitRecordIsImmutable, "a visit record cannot be changed; add an annotation instead")
