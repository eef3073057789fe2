"""Fraud indicators: identifiers that reports and partners tie to fraud, and what was seen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fraudlink.database import Base, BigId, JSONDocument, string_enum
from fraudlink.indicators.vocabulary import DisputeStatus, IndicatorStatus, SightingKind, Tlp


class Indicator(Base):
    """One normalised identifier, known by its pseudonym token.

    ``value`` holds the normalised raw value for partners allowed to see it; it is erased when
    the indicator expires, after which only the token remains. The counts are kept up to date
    by the service so that checks never count rows.
    """

    __tablename__ = "indicators"
    __table_args__ = (Index("ix_indicators_change", "change"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    value: Mapped[str | None] = mapped_column(String(2048))
    status: Mapped[IndicatorStatus] = mapped_column(
        string_enum(IndicatorStatus, "indicator_status")
    )
    tlp: Mapped[Tlp] = mapped_column(string_enum(Tlp, "tlp"))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    report_count: Mapped[int]
    partner_count: Mapped[int]  # distinct partners that reported or submitted it
    confirmed_count: Mapped[int]  # partner-confirmed cases
    fraud_types: Mapped[list[str]] = mapped_column(JSONDocument)
    confidence: Mapped[float]
    # A value that turns up in unusually many reports (a marketplace's own address) is capped:
    # it no longer counts as evidence, the way MISP stops correlating over-common values.
    capped: Mapped[bool]
    # The position of the indicator's latest change in the change feed.
    change: Mapped[int] = mapped_column(BigId)
    # When a reviewer cleared it: only reports after this bring it back (see service.refresh).
    cleared_at: Mapped[datetime | None]


class IndicatorReport(Base):
    """A report that named the indicator: the evidence behind its counts and bands."""

    __tablename__ = "indicator_reports"
    __table_args__ = (
        UniqueConstraint("indicator_id", "report_id"),
        # Holds all that refreshing counts, so an indicator named in thousands of reports is
        # recounted from the index alone.
        Index(
            "ix_indicator_reports_evidence",
            "indicator_id",
            "partner_id",
            "fraud_type",
            "reported_at",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("indicators.id", ondelete="CASCADE")
    )
    report_id: Mapped[int] = mapped_column(BigId, ForeignKey("reports.id", ondelete="CASCADE"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    reported_at: Mapped[datetime]
    fraud_type: Mapped[str] = mapped_column(String(32))


class Submission(Base):
    """A partner's own listing of an indicator (outside a report), possibly a confirmed case."""

    __tablename__ = "indicator_submissions"
    __table_args__ = (UniqueConstraint("indicator_id", "partner_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("indicators.id", ondelete="CASCADE")
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    confirmed: Mapped[bool]  # the partner established the fraud itself (a case, not a hunch)
    fraud_type: Mapped[str] = mapped_column(String(32))
    submitted_at: Mapped[datetime]


class Sighting(Base):
    """Something a partner saw of an indicator: an attempted payment, a call, a false positive."""

    __tablename__ = "indicator_sightings"
    __table_args__ = (Index("ix_indicator_sightings_indicator_id_id", "indicator_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("indicators.id", ondelete="CASCADE")
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    kind: Mapped[SightingKind] = mapped_column(string_enum(SightingKind, "sighting_kind"))
    seen_at: Mapped[datetime]
    count: Mapped[int]


class ChangeCounter(Base):
    """The last position handed out in the change feed; locked while positions are taken."""

    __tablename__ = "indicator_change_counter"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_change: Mapped[int] = mapped_column(BigId)


class Dispute(Base):
    """An account holder's objection to a listing, and the reviewer's decision on it."""

    __tablename__ = "indicator_disputes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("indicators.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[DisputeStatus] = mapped_column(string_enum(DisputeStatus, "dispute_status"))
    # The holder's own words and how to reach them: personal data, encrypted at rest.
    statement_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    contact_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    opened_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    reason: Mapped[str | None] = mapped_column(String(2000))
