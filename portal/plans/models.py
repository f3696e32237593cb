"""Repayment plan proposals, their schedules (proposed and countered) and proof documents."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Borrower, StaffUser
from portal.loans.models import Loan
from portal.orm import Base, UTCDateTime, utcnow
from portal.plans.rules import DECLINE_REASONS, HARDSHIP_REASONS, KINDS, OPEN_STATES, STATES, WAITING_FOR_STAFF


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


_OPEN = text(_in("state", OPEN_STATES))
_DRAFT = text("state = 'draft'")
# The staff queue's condition, as literal SQL so PostgreSQL can match it to the partial index below.
WAITING_SQL = _in("state", WAITING_FOR_STAFF)
_FEN = ("income_fen", "housing_fen", "food_fen", "utilities_fen", "transport_fen", "medical_fen", "education_fen",
        "dependants_fen", "other_debts_fen", "owed_principal_fen", "owed_interest_fen", "owed_penalty_fen",
        "owed_fee_fen", "owed_later_fen")


class PlanProposal(Base):
    """One proposal on one loan. A ``draft`` row keeps what the borrower typed in the steps (``draft_json``,
    raw form values, so going back keeps everything); sending it fills the columns and moves it on."""

    __tablename__ = "plan_proposals"
    __table_args__ = (
        CheckConstraint(_in("state", STATES), name="state"),
        CheckConstraint(f"kind IS NULL OR {_in('kind', KINDS)}", name="kind"),
        CheckConstraint(f"counter_kind IS NULL OR {_in('counter_kind', KINDS)}", name="counter_kind"),
        CheckConstraint(f"hardship_reason IS NULL OR {_in('hardship_reason', HARDSHIP_REASONS)}",
                        name="hardship_reason"),
        CheckConstraint(f"decline_reason IS NULL OR {_in('decline_reason', DECLINE_REASONS)}", name="decline_reason"),
        CheckConstraint("state <> 'declined' OR decline_reason IS NOT NULL", name="declined_has_reason"),
        CheckConstraint("state = 'draft' OR (kind IS NOT NULL AND income_fen IS NOT NULL AND submitted_at IS NOT NULL)",
                        name="sent_is_complete"),
        CheckConstraint("months >= 0 AND deferral_days >= 0 AND counter_months >= 0 AND counter_deferral_days >= 0 "
                        "AND dependants >= 0", name="terms_nonneg"),
        CheckConstraint(" AND ".join(f"({c} IS NULL OR {c} >= 0)" for c in _FEN), name="amounts_nonneg"),
        # One open proposal per loan; one draft per borrower and loan.
        Index("uq_plan_proposals_open_loan", "loan_id", unique=True, sqlite_where=_OPEN, postgresql_where=_OPEN),
        Index("uq_plan_proposals_draft", "borrower_id", "loan_id", unique=True, sqlite_where=_DRAFT,
              postgresql_where=_DRAFT),
        Index("ix_plan_proposals_state_submitted", "state", "submitted_at"),
        Index("ix_plan_proposals_waiting", "submitted_at", "id", sqlite_where=text(WAITING_SQL),
              postgresql_where=text(WAITING_SQL)),
        Index("ix_plan_proposals_loan_state", "loan_id", "state"),
        Index("ix_plan_proposals_borrower_created", "borrower_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrowers.id", ondelete="CASCADE"))
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    draft_json: Mapped[str] = mapped_column(Text, default="{}")
    draft_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # accepted or withdrawn
    start_date: Mapped[date | None] = mapped_column(Date)  # the day the schedule was computed from

    # The borrower's terms
    kind: Mapped[str | None] = mapped_column(String(24))
    months: Mapped[int] = mapped_column(Integer, default=0)
    deferral_days: Mapped[int] = mapped_column(Integer, default=0)
    # What was owed when it was sent (fen)
    owed_principal_fen: Mapped[int | None] = mapped_column(Integer)
    owed_interest_fen: Mapped[int | None] = mapped_column(Integer)
    owed_penalty_fen: Mapped[int | None] = mapped_column(Integer)
    owed_fee_fen: Mapped[int | None] = mapped_column(Integer)
    owed_later_fen: Mapped[int | None] = mapped_column(Integer)
    # What had been paid on the loan by then: the schedule's amounts count it already, any payment beyond it goes
    # to the plan once agreed (``portal.loans.rules.plan_status``)
    proposed_paid_fen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Budget, a month (fen)
    income_fen: Mapped[int | None] = mapped_column(Integer)
    housing_fen: Mapped[int | None] = mapped_column(Integer)
    food_fen: Mapped[int | None] = mapped_column(Integer)
    utilities_fen: Mapped[int | None] = mapped_column(Integer)
    transport_fen: Mapped[int | None] = mapped_column(Integer)
    medical_fen: Mapped[int | None] = mapped_column(Integer)
    education_fen: Mapped[int | None] = mapped_column(Integer)
    dependants_fen: Mapped[int | None] = mapped_column(Integer)
    other_debts_fen: Mapped[int | None] = mapped_column(Integer)
    dependants: Mapped[int] = mapped_column(Integer, default=0)
    hardship_reason: Mapped[str | None] = mapped_column(String(24))
    hardship_detail: Mapped[str] = mapped_column(Text, default="")

    # The lender's answer
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    decline_reason: Mapped[str | None] = mapped_column(String(32))
    answer_note: Mapped[str] = mapped_column(Text, default="")  # shown to the borrower
    counter_kind: Mapped[str | None] = mapped_column(String(24))
    counter_months: Mapped[int] = mapped_column(Integer, default=0)
    counter_deferral_days: Mapped[int] = mapped_column(Integer, default=0)
    counter_start_date: Mapped[date | None] = mapped_column(Date)
    counter_paid_fen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # as proposed_paid_fen

    borrower: Mapped[Borrower] = relationship()
    loan: Mapped[Loan] = relationship()
    decided_by: Mapped[StaffUser | None] = relationship()
    lines: Mapped[list["PlanLine"]] = relationship(
        back_populates="proposal", order_by="(PlanLine.which, PlanLine.seq)", cascade="all, delete-orphan")
    proofs: Mapped[list["PlanProof"]] = relationship(
        back_populates="proposal", order_by="PlanProof.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    def lines_of(self, which: str) -> list["PlanLine"]:
        return [x for x in self.lines if x.which == which]

    @property
    def agreed_which(self) -> str:
        """Whose schedule is in force once agreed: the borrower's (approved) or the lender's (accepted)."""
        return "counter" if self.state == "accepted" else "proposed"

    @property
    def agreed_paid_fen(self) -> int:
        """What had been paid on the loan when the schedule in force was worked out (counted in its amounts)."""
        return self.counter_paid_fen if self.agreed_which == "counter" else self.proposed_paid_fen


class PlanLine(Base):
    """One payment of a schedule: ``proposed`` (the borrower's terms) or ``counter`` (the lender's)."""

    __tablename__ = "plan_lines"
    __table_args__ = (
        UniqueConstraint("proposal_id", "which", "seq"),
        CheckConstraint("which IN ('proposed', 'counter')", name="which"),
        CheckConstraint("amount_fen >= 0", name="amount_nonneg"),
        CheckConstraint("seq >= 1", name="seq_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("plan_proposals.id", ondelete="CASCADE"))
    which: Mapped[str] = mapped_column(String(10))
    seq: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(Integer)

    proposal: Mapped[PlanProposal] = relationship(back_populates="lines")


class PlanProof(Base):
    """An optional proof document (image or PDF) kept in the upload store under a random name."""

    __tablename__ = "plan_proofs"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("plan_proposals.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(32), unique=True)
    original_name: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[PlanProposal] = relationship(back_populates="proofs")
