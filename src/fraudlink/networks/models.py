"""Mule networks found in the reports: their members (accounts, numbers, addresses), the links
between members, the reports behind them, the values kept out of the graph, and the build state.

These tables hold raw values of suspects' accounts and numbers, which the police need to act:
they are read only through the networks service, behind ``network:read``, and every read is
audited.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fraudlink.database import Base, BigId, JSONDocument


class Network(Base):
    """A connected group of identifiers that two or more reports name."""

    __tablename__ = "networks"
    __table_args__ = (
        Index("ix_networks_last_seen", "last_seen"),
        Index("ix_networks_size", "size"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    size: Mapped[int]  # the number of identifiers
    report_count: Mapped[int]
    victim_count: Mapped[int]  # reports, a victim who reported twice (same account) counted once
    damage_cents: Mapped[int] = mapped_column(BigInteger)
    fraud_types: Mapped[list[str]] = mapped_column(JSONDocument)
    first_seen: Mapped[datetime]  # when the earliest of its frauds happened
    last_seen: Mapped[datetime]
    built_at: Mapped[datetime]

    members: Mapped[list[NetworkMember]] = relationship(
        back_populates="network", order_by="NetworkMember.rank", cascade="all, delete-orphan"
    )


class NetworkMember(Base):
    """An identifier in a network, with the figures that rank it (rank 1: the most central)."""

    __tablename__ = "network_members"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(2048))  # raw: the police act on the real value
    token: Mapped[str] = mapped_column(String(64), index=True)
    report_count: Mapped[int]  # reports (victims) that name it
    paid_in_cents: Mapped[int] = mapped_column(BigInteger)  # money victims paid into it
    payment_count: Mapped[int]
    degree: Mapped[int]  # other members named in a report together with it

    network: Mapped[Network] = relationship(back_populates="members")


class NetworkEdge(Base):
    """Two members named in the same reports; ``weight`` is how many reports they share."""

    __tablename__ = "network_edges"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    source_rank: Mapped[int]  # the members' ranks within the network
    target_rank: Mapped[int]
    weight: Mapped[int]


class NetworkReport(Base):
    """A report whose identifiers belong to a network."""

    __tablename__ = "network_reports"

    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True
    )
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class NetworkExclusion(Base):
    """A value kept out of the graph: warning-listed, or named by too many reports to be a link."""

    __tablename__ = "network_exclusions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(2048))
    reason: Mapped[str] = mapped_column(String(16))  # "warning_listed" or "too_common"
    report_count: Mapped[int]


class NetworkBuild(Base):
    """The one row that says how far the last build read, and under which exclusion rules."""

    __tablename__ = "network_builds"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_report_id: Mapped[int] = mapped_column(BigInteger)
    built_at: Mapped[datetime]
    # A digest of the correlation cap and the warning lists: when it changes, only a full
    # build gives the networks those rules make.
    rules: Mapped[str] = mapped_column(String(64))
