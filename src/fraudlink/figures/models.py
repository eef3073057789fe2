"""Running totals of the reports, kept as reports are stored, so that figures over millions of
reports read a few thousand rows instead of every report.

Reports are never changed or deleted once stored, so the totals only ever grow.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from sqlalchemy import BigInteger, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from fraudlink.database import Base

UNKNOWN: Final = "unknown"  # the group of reports without an age band or a region
ALL: Final = "*"  # in a cell: every value of this column together
GROUPS: Final = ("fraud_type", "channel", "age_band", "region")  # a cell's columns besides month
# The columns a cell splits its month by, one tuple per kind of cell: each figure and each open
# data table reads the one kind that holds what it splits by. Every column at once would be a
# cell per combination, as many as the reports themselves in a busy month.
GROUPINGS: Final = (("fraud_type", "age_band"), ("fraud_type", "region"), ("channel",))


class MonthlyCell(Base):
    """The reports of one month (UTC, of when the fraud occurred) in one group of a grouping,
    e.g. fraud type "purchase" and age band "70+" (channel and region ``ALL``)."""

    __tablename__ = "figures_monthly_cells"

    month: Mapped[date] = mapped_column(primary_key=True)  # the month's first day
    fraud_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(32), primary_key=True)
    region: Mapped[str] = mapped_column(String(32), primary_key=True)
    reports: Mapped[int]
    damage_cents: Mapped[int] = mapped_column(BigInteger)


class VictimAccount(Base):
    """How many reports name one victim's account (by its token).

    Victims are counted by account, and an account in several reports is one victim: the totals
    above cannot know that, so the figures subtract, per group, the surplus reports of the few
    accounts named more than once (found through the partial index).
    """

    __tablename__ = "figures_victim_accounts"
    __table_args__ = (
        Index(
            "ix_figures_victim_accounts_repeated",
            "token",
            sqlite_where=text("reports > 1"),
            postgresql_where=text("reports > 1"),
        ),
    )

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    reports: Mapped[int]
