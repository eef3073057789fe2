"""Refund requests between banks and payment providers (the PNBF), their history, and the
name and address of a beneficiary released for a civil claim."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fraudlink.database import Base, BigId, string_enum
from fraudlink.recovery.vocabulary import Action, State
from fraudlink.reports.models import Report
from fraudlink.reports.vocabulary import PaymentMethod


class RecoveryRequest(Base):
    """A refund request from the victim's bank (requester) to the beneficiary's (receiver).

    ``awaiting_partner_id`` and ``due_on`` say whose move it is and by when; they change with
    every transition, so an inbox is one indexed query. ``version`` grows with every
    transition: an update names the version it read, so two partners acting at once cannot
    both move the request.
    """

    __tablename__ = "recovery_requests"
    __table_args__ = (
        Index("ix_recovery_requests_awaiting_partner_id_due_on", "awaiting_partner_id", "due_on"),
        Index("ix_recovery_requests_beneficiary_token", "beneficiary_token"),
        Index("ix_recovery_requests_sent_at", "sent_at"),
        # A bank's own case number finds the request it already sent (a retry sends nothing).
        UniqueConstraint("requester_id", "requester_reference"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("report_payments.id"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date]
    method: Mapped[PaymentMethod] = mapped_column(
        string_enum(PaymentMethod, "recovery_payment_method")
    )
    # The mule's account, as report payments keep it: the receiver must know which account.
    beneficiary_iban: Mapped[str] = mapped_column(String(34))
    beneficiary_token: Mapped[str] = mapped_column(String(64))
    aangifte_reference: Mapped[str | None] = mapped_column(String(64))
    victim_consent: Mapped[bool]
    requester_reference: Mapped[str | None] = mapped_column(String(64))  # its own case number
    state: Mapped[State] = mapped_column(string_enum(State, "recovery_state"))
    version: Mapped[int]
    returned_cents: Mapped[int] = mapped_column(BigInteger)
    frozen_cents: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(Text)  # of a refusal
    awaiting_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    due_on: Mapped[date | None]
    naw_possible_on: Mapped[date]  # the end of the beneficiary's time to pay back
    sent_at: Mapped[datetime]
    first_answer_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    reminded_for: Mapped[date | None]  # the deadline a reminder was sent for
    escalated_for: Mapped[date | None]  # the missed deadline the programme was told of

    report: Mapped[Report] = relationship()
    events: Mapped[list[RecoveryEvent]] = relationship(
        back_populates="request", order_by="RecoveryEvent.id", cascade="all, delete-orphan"
    )
    naw: Mapped[NawRelease | None] = relationship(back_populates="request")


class RecoveryEvent(Base):
    """One step in a request's history: who did what, and the state it left."""

    __tablename__ = "recovery_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("recovery_requests.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))  # None: the platform
    action: Mapped[Action] = mapped_column(string_enum(Action, "recovery_action"))
    state: Mapped[State] = mapped_column(string_enum(State, "recovery_event_state"))
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(Text)

    request: Mapped[RecoveryRequest] = relationship(back_populates="events")


class NawRelease(Base):
    """A beneficiary's name and address (NAW: naam, adres, woonplaats), released to the
    requesting bank only, for a civil claim; encrypted, and erased after ``erase_on``."""

    __tablename__ = "recovery_naw_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("recovery_requests.id", ondelete="CASCADE"), unique=True
    )
    released_by: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    legal_basis: Mapped[str] = mapped_column(Text)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)  # None once erased
    released_at: Mapped[datetime]
    erase_on: Mapped[date]
    erased_at: Mapped[datetime | None]

    request: Mapped[RecoveryRequest] = relationship(back_populates="naw")
