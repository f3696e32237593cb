"""The published list: the lender itself and each collection agency it uses, with the numbers they call from."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.agencies.rules import KINDS
from portal.orm import Base, UTCDateTime, utcnow


class Agency(Base):
    __tablename__ = "agencies"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")", name="kind"),
        CheckConstraint("until IS NULL OR until >= since", name="dates_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The code the contact log uses (agency_code); the lender's own row has kind 'lender'.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(8), default="agency")
    name: Mapped[str] = mapped_column(String(100))  # as registered (Simplified)
    name_hant: Mapped[str] = mapped_column(String(100), default="")  # for Traditional readers; empty: same
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    numbers: Mapped[list[AgencyNumber]] = relationship(back_populates="agency", cascade="all, delete-orphan",
                                                       order_by="AgencyNumber.number")

    __mapper_args__ = {"version_id_col": version}

    def name_for(self, locale: str) -> str:
        return self.name_hant if locale == "zh_Hant" and self.name_hant else self.name


class AgencyNumber(Base):
    """A number the lender or an agency calls or texts from (normalised as the contact log's numbers are)."""

    __tablename__ = "agency_numbers"
    __table_args__ = (UniqueConstraint("agency_id", "number", name="agency_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20), index=True)

    agency: Mapped[Agency] = relationship(back_populates="numbers")
