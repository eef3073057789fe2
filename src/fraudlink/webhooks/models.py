"""Webhooks: a partner's address to which new and changed indicators are sent as they happen."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from fraudlink.database import Base, BigId, JSONDocument, string_enum, utcnow


class WebhookState(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class DisabledReason(StrEnum):
    BY_PARTNER = "by_partner"
    FAILING = "failing"  # too many failed attempts in a row
    KEY_REVOKED = "key_revoked"  # its key was revoked or may no longer read indicators


class Webhook(Base):
    """A subscription to the change feed, which is its outbox.

    ``cursor`` is the last change the receiver accepted. A batch in flight covers the changes
    up to ``pending_until``: a retry sends that same range under the same message id, so a
    receiver can drop a message it already processed. Deliveries carry the rights of the key
    that last switched the webhook on (``key_id``), never more.
    """

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    url: Mapped[str] = mapped_column(String(2048))
    kinds: Mapped[list[str]] = mapped_column(JSONDocument)  # empty: every kind
    # The signing secret (and the one it replaced, still signed with for a day): encrypted.
    secret_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    previous_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    previous_secret_until: Mapped[datetime | None]
    state: Mapped[WebhookState] = mapped_column(string_enum(WebhookState, "webhook_state"))
    disabled_reason: Mapped[DisabledReason | None] = mapped_column(
        string_enum(DisabledReason, "webhook_disabled_reason")
    )
    cursor: Mapped[int] = mapped_column(BigId)
    pending_until: Mapped[int | None] = mapped_column(BigId)
    failures: Mapped[int]  # failed attempts in a row
    next_attempt_at: Mapped[datetime]
    # While a worker delivers, no other worker touches the webhook; a crashed worker's lease ends.
    leased_until: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class Delivery(Base):
    """One attempt to deliver a message: what the partner sees when its receiver misbehaves."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_webhook_id_id", "webhook_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(32))
    attempt: Mapped[int]  # 1 for the first attempt of this message
    first_change: Mapped[int | None] = mapped_column(BigId)
    last_change: Mapped[int | None] = mapped_column(BigId)
    indicator_count: Mapped[int]
    attempted_at: Mapped[datetime]
    duration_ms: Mapped[int]
    succeeded: Mapped[bool]
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(32))  # timeout, connection, status, address
    response_excerpt: Mapped[str | None] = mapped_column(String(500))
