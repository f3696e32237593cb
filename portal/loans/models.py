"""Loans as the lender exports them: contract terms, schedule and payments (money in fen)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Borrower
from portal.orm import Base, DecimalText, UTCDateTime, utcnow


class Loan(Base):
    __tablename__ = "loans"
    __table_args__ = (
        CheckConstraint("principal_fen >= 0", name="principal_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique as the lender wrote it; ``ix_loans_loan_ref_folded`` (below) finds it whatever case it is typed in.
    loan_ref: Mapped[str] = mapped_column(String(32), unique=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrowers.id", ondelete="RESTRICT"), index=True)
    product: Mapped[str] = mapped_column(String(100))
    principal_fen: Mapped[int] = mapped_column(Integer)
    annual_rate: Mapped[Decimal] = mapped_column(DecimalText)
    penalty_daily_rate: Mapped[Decimal] = mapped_column(DecimalText)
    start_date: Mapped[date] = mapped_column(Date)
    source_digest: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    borrower: Mapped[Borrower] = relationship()
    instalments: Mapped[list["Instalment"]] = relationship(
        back_populates="loan", order_by="Instalment.seq", cascade="all, delete-orphan"
    )
    payments: Mapped[list["Payment"]] = relationship(
        back_populates="loan", order_by="Payment.seq", cascade="all, delete-orphan"
    )


def folded_loan_ref():
    """``lower(loan_ref)``, the expression ``ix_loans_loan_ref_folded`` indexes: compare it with ``ref.lower()``."""
    return func.lower(Loan.loan_ref)


Index("ix_loans_loan_ref_folded", folded_loan_ref())


def pick_loan_ref(ref: str, stored: list[str]) -> str | None:
    """Which of the references ``stored`` that equal ``ref`` but for case (found through ``folded_loan_ref``) it
    names: the one spelt exactly so, else the only one; None when there is none, or when two or more legacy
    references differ only in case and none is spelt so (the caller refuses that as ambiguous, never guesses)."""
    if ref in stored:
        return ref
    return stored[0] if len(stored) == 1 else None


class Instalment(Base):
    __tablename__ = "instalments"
    __table_args__ = (
        UniqueConstraint("loan_id", "seq"),
        CheckConstraint("principal_fen >= 0 AND interest_fen >= 0 AND fee_fen >= 0", name="amounts_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    principal_fen: Mapped[int] = mapped_column(Integer)
    interest_fen: Mapped[int] = mapped_column(Integer)
    fee_fen: Mapped[int] = mapped_column(Integer)

    loan: Mapped[Loan] = relationship(back_populates="instalments")


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("loan_id", "seq"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(Integer)

    loan: Mapped[Loan] = relationship(back_populates="payments")
