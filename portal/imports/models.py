"""A file uploaded in the console for the worker to import, and the lines it rejected."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.orm import Base, UTCDateTime, utcnow

KINDS = ("loans", "contacts")
STATES = ("queued", "running", "done", "failed")
MAX_IDLE_CLAIMS = 5  # claims in a row without a committed batch before an import whose worker dies is failed


class ImportJob(Base):
    """One uploaded JSON Lines file. The worker claims it (``claimed_until``, renewed after each batch), imports
    it batch by batch and commits ``lines_done`` and the counts with each batch's data, so a worker that dies
    mid-file leaves a row another worker resumes after the last committed line. ``idle_claims`` counts the claims
    in a row that committed no batch: a file whose worker dies every time is stopped after a few of them."""

    __tablename__ = "imports"
    __table_args__ = (
        CheckConstraint("kind IN ('loans', 'contacts')", name="kind"),
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        CheckConstraint("lines_done >= 0 AND lines_done <= lines_total", name="lines"),
        CheckConstraint("accepted >= 0 AND rejected >= 0 AND attempts >= 0", name="counts"),
        Index("ix_imports_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(8), default="queued")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    original_name: Mapped[str] = mapped_column(String(100))
    stored_name: Mapped[str] = mapped_column(String(32), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    lines_total: Mapped[int] = mapped_column(Integer)
    lines_done: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    idle_claims: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(String(500), default="")

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def stalled(self) -> bool:
        """Failed because its worker died on every claim without importing a batch (a line that crashes it)."""
        return self.state == "failed" and self.idle_claims >= MAX_IDLE_CLAIMS

    @property
    def percent(self) -> int:
        return 100 if not self.lines_total else self.lines_done * 100 // self.lines_total


class ImportRejection(Base):
    """A line the import refused: its number in the file and the reason (written with the batch's progress)."""

    __tablename__ = "import_rejections"

    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), primary_key=True)
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
