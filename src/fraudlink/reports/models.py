"""A victim's fraud report, its payments and identifiers, and the partners it was routed to."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fraudlink.database import Base, BigId, JSONDocument, string_enum
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, PaymentMethod, Region


class ReportSource(StrEnum):
    WEB = "web"  # the public report page
    API = "api"  # a partner's reporting point through POST /v1/reports
    IMPORT = "import"  # fraudlink reports import


class RoutingReason(StrEnum):
    BENEFICIARY_ACCOUNT = "beneficiary_account"  # holds an account the victim paid into
    VICTIM_ACCOUNT = "victim_account"  # holds the victim's own account
    REPORTED_NUMBER = "reported_number"  # operates a phone number the fraudster used
    REPORTED_DOMAIN = "reported_domain"  # owns a web or e-mail domain the fraudster used
    AANGIFTE_WANTED = "aangifte_wanted"  # the victim wants to file a police report
    LOSS_ABOVE_THRESHOLD = "loss_above_threshold"  # the loss warrants police attention
    IDENTITY_FRAUD = "identity_fraud"  # the identity-fraud desk handles every identity case


class ReportCounter(Base):
    """The last reference number handed out per year; locked while numbers are allocated."""

    __tablename__ = "report_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int]


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_fraud_type_occurred_at", "fraud_type", "occurred_at"),
        Index("ix_reports_reported_at", "reported_at"),
        Index("ix_reports_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    source: Mapped[ReportSource] = mapped_column(string_enum(ReportSource, "report_source"))
    reporting_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    external_id: Mapped[str | None] = mapped_column(String(100))
    # "<partner id>:<external id>" (or a content hash for imports without ids): a retried
    # submission finds the report it already made instead of making a second one.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    fraud_type: Mapped[FraudType] = mapped_column(string_enum(FraudType, "fraud_type"))
    fraud_type_suggested: Mapped[bool]
    channel: Mapped[Channel] = mapped_column(string_enum(Channel, "channel"))
    occurred_at: Mapped[datetime]
    reported_at: Mapped[datetime]
    age_band: Mapped[AgeBand | None] = mapped_column(string_enum(AgeBand, "age_band"))
    # The four digits of the victim's postcode (never the letters), and its province.
    postcode_area: Mapped[str | None] = mapped_column(String(4))
    region: Mapped[Region | None] = mapped_column(string_enum(Region, "region"))
    aangifte_made: Mapped[bool]
    aangifte_reference: Mapped[str | None] = mapped_column(String(64))
    aangifte_wanted: Mapped[bool]
    contact_consent: Mapped[bool]
    victim_bank_code: Mapped[str | None] = mapped_column(String(16))
    victim_iban_token: Mapped[str | None] = mapped_column(String(64), index=True)
    victim_iban_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    narrative_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    usernames: Mapped[list[str]] = mapped_column(JSONDocument)
    total_loss_cents: Mapped[int] = mapped_column(BigInteger)
    advice_rules_version: Mapped[str] = mapped_column(String(64))

    payments: Mapped[list[ReportPayment]] = relationship(
        back_populates="report", order_by="ReportPayment.position", cascade="all, delete-orphan"
    )
    identifiers: Mapped[list[ReportIdentifier]] = relationship(
        back_populates="report", order_by="ReportIdentifier.position", cascade="all, delete-orphan"
    )
    recipients: Mapped[list[ReportRecipient]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )


class ReportPayment(Base):
    __tablename__ = "report_payments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date]
    method: Mapped[PaymentMethod] = mapped_column(string_enum(PaymentMethod, "payment_method"))
    beneficiary_kind: Mapped[str | None] = mapped_column(String(16))  # "iban" or "wallet"
    beneficiary: Mapped[str | None] = mapped_column(String(128))  # the normalised value
    beneficiary_token: Mapped[str | None] = mapped_column(String(64), index=True)
    beneficiary_bank_code: Mapped[str | None] = mapped_column(String(16))

    report: Mapped[Report] = relationship(back_populates="payments")


class ReportIdentifier(Base):
    """Something the fraudster used: a phone number, web address, e-mail address, IBAN, wallet."""

    __tablename__ = "report_identifiers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(2048))  # the normalised value
    token: Mapped[str] = mapped_column(String(64), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDocument)

    report: Mapped[Report] = relationship(back_populates="identifiers")


class ReportRecipient(Base):
    """A partner that must act on a report, and why: its inbox item."""

    __tablename__ = "report_recipients"
    __table_args__ = (
        UniqueConstraint("report_id", "partner_id"),
        Index("ix_report_recipients_partner_id_id", "partner_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    reasons: Mapped[list[str]] = mapped_column(JSONDocument)
    routed_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]

    report: Mapped[Report] = relationship(back_populates="recipients")
