"""Telecom: the numbers and SMS sender names partners protect, what operators' checks caught,
and the short-lived signals of calls in progress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fraudlink.database import Base, BigId, JSONDocument, string_enum, utcnow
from fraudlink.telecom.vocabulary import CallOrigin, SmsReason, Verdict


class ProtectedNumber(Base):
    """A Dutch number a partner answers or calls from (a helpdesk line), protected against
    spoofing. The number is the partner's own public line, not personal data."""

    __tablename__ = "telecom_protected_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # E.164
    token: Mapped[str] = mapped_column(String(64))  # its pseudonym: what checks record
    inbound_only: Mapped[bool]  # never calls out: any call presenting it is spoofed
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SmsSender(Base):
    """An alphanumeric SMS sender name and the routes allowed to deliver it.

    ``skeleton`` is what the name looks like (see ``senders.skeleton``): a name may share it only
    with names of the same partner.
    """

    __tablename__ = "telecom_sms_senders"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    name: Mapped[str] = mapped_column(String(11), unique=True)
    skeleton: Mapped[str] = mapped_column(String(32), index=True)
    routes: Mapped[list[str]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SpoofingEvent(Base):
    """A call an operator's check blocked or warned about.

    It counts for the owner of the presented number (spoof counts) and, while ``callee_until``
    lies ahead, as a recent spoofed call of the called subscriber for payment decisions; the
    purge then strips the callee's token, and deletes the event after the counting window.
    """

    __tablename__ = "telecom_spoofing_events"
    __table_args__ = (
        Index(
            "ix_telecom_spoofing_events_presented_token_checked_at",
            "presented_token",
            "checked_at",
        ),
        Index(
            "ix_telecom_spoofing_events_callee_token_callee_until", "callee_token", "callee_until"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    presented_token: Mapped[str] = mapped_column(String(64))
    origin: Mapped[CallOrigin] = mapped_column(string_enum(CallOrigin, "call_origin"))
    verdict: Mapped[Verdict] = mapped_column(string_enum(Verdict, "telecom_verdict"))
    reasons: Mapped[list[str]] = mapped_column(JSONDocument)  # CallReason values
    # Whether this event recorded a sighting on the reported number's indicator.
    sighting: Mapped[bool]
    callee_token: Mapped[str | None] = mapped_column(String(64))
    callee_until: Mapped[datetime | None]
    checked_at: Mapped[datetime] = mapped_column(index=True)


class SmsBlock(Base):
    """An SMS an operator's check blocked: it counts for the sender name it imitated."""

    __tablename__ = "telecom_sms_blocks"
    __table_args__ = (
        Index("ix_telecom_sms_blocks_sender_id_checked_at", "sender_id", "checked_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("telecom_sms_senders.id", ondelete="CASCADE"))
    operator_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    presented: Mapped[str] = mapped_column(String(11))  # the name the message carried
    route: Mapped[str] = mapped_column(String(32))
    reason: Mapped[SmsReason] = mapped_column(string_enum(SmsReason, "sms_reason"))
    checked_at: Mapped[datetime] = mapped_column(index=True)


class CallSignal(Base):
    """An operator's signal that a subscriber is in a call, kept until ``expires_at`` and used
    only inside payment decisions on that subscriber's own payments.

    Only pseudonym tokens are stored, never the subscriber's number. ``caller_token`` is empty
    for a withheld number (not NULL, so that a second push of the same call finds the first).
    """

    __tablename__ = "telecom_call_signals"
    __table_args__ = (
        # Leads with the subscriber: the one index that finds a batch of debtors' signals.
        UniqueConstraint("subscriber_token", "operator_id", "caller_token", "started_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    subscriber_token: Mapped[str] = mapped_column(String(64))
    caller_token: Mapped[str] = mapped_column(String(64))
    origin: Mapped[CallOrigin] = mapped_column(string_enum(CallOrigin, "call_origin"))
    reasons: Mapped[list[str]] = mapped_column(JSONDocument)  # CallReason values
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    received_at: Mapped[datetime]  # the latest push
