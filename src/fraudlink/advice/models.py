"""What each victim was advised, which steps they took, and how it ended: the advice's effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fraudlink.database import Base, BigId


class AdviceGiven(Base):
    """One step of the plan a report received; ``followed`` is what the victim said later."""

    __tablename__ = "advice_given"

    report_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    step_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    position: Mapped[int]
    followed: Mapped[bool | None]


class AdviceOutcome(Base):
    """The victim's own account of how it ended, given through the private follow-up link."""

    __tablename__ = "advice_outcomes"

    report_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    money_back: Mapped[bool | None]
    amount_back_cents: Mapped[int | None] = mapped_column(BigInteger)
    advice_clear: Mapped[bool | None]
    updated_at: Mapped[datetime]
