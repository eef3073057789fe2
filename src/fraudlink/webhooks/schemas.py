"""Webhooks as the API shows them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from fraudlink.i18n import Language, translate
from fraudlink.identifiers import IdentifierKind
from fraudlink.webhooks.models import Delivery, DisabledReason, Webhook, WebhookState
from fraudlink.webhooks.service import MAX_URL_LENGTH

URL_DESCRIPTION = "Your receiver: https, answering 2xx to every message it accepted."
URL_EXAMPLE = "https://fraud.bank.example/fraudlink/webhook"
KINDS_DESCRIPTION = "Only indicators of these kinds; empty: every kind."


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=MAX_URL_LENGTH, description=URL_DESCRIPTION, examples=[URL_EXAMPLE])
    kinds: list[IdentifierKind] = Field(default_factory=list, description=KINDS_DESCRIPTION)
    since: int | None = Field(
        default=None,
        ge=0,
        description="Send the changes after this position of the change feed; default: only "
        "changes from now on. 0 sends every indicator you may see.",
    )


class WebhookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, max_length=MAX_URL_LENGTH, description=URL_DESCRIPTION)
    kinds: list[IdentifierKind] | None = Field(default=None, description=KINDS_DESCRIPTION)
    active: bool | None = Field(
        default=None,
        description="false switches the webhook off; true switches it on again, with the rights "
        "of the key that asks, and resumes where it stopped.",
    )


class WebhookOut(BaseModel):
    id: int
    url: str
    kinds: list[IdentifierKind]
    state: WebhookState
    disabled_reason: DisabledReason | None
    disabled_message: str | None = Field(description="Why it is off, in words.")
    cursor: int = Field(description="The last change your receiver accepted.")
    pending_until: int | None = Field(description="The end of the message being retried.")
    backlog: int = Field(description="Changes still to be delivered.")
    failures: int = Field(description="Failed attempts in a row.")
    next_attempt_at: datetime | None = Field(description="When the next attempt is due.")
    last_success_at: datetime | None
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, webhook: Webhook, *, backlog: int, language: Language) -> WebhookOut:
        reason = webhook.disabled_reason
        active = webhook.state is WebhookState.ACTIVE
        return cls(
            id=webhook.id,
            url=webhook.url,
            kinds=[IdentifierKind(kind) for kind in webhook.kinds],
            state=webhook.state,
            disabled_reason=reason,
            disabled_message=translate(f"webhooks.disabled_{reason.value}", language)
            if reason
            else None,
            cursor=webhook.cursor,
            pending_until=webhook.pending_until,
            backlog=backlog,
            failures=webhook.failures,
            next_attempt_at=webhook.next_attempt_at if active else None,
            last_success_at=webhook.last_success_at,
            created_at=webhook.created_at,
            created_by=webhook.created_by,
        )


class WebhookCreated(WebhookOut):
    secret: str = Field(
        description="Verify our signatures with it. Shown once: store it now (whsec_...)."
    )


class WebhookList(BaseModel):
    webhooks: list[WebhookOut]


class WebhookSecret(BaseModel):
    secret: str = Field(description="The new secret. Shown once.")
    previous_valid_until: datetime = Field(
        description="Until then, messages carry a signature with the previous secret as well."
    )


class DeliveryOut(BaseModel):
    id: int
    message_id: str = Field(description="The webhook-id header; the same on every retry.")
    event: str
    attempt: int
    first_change: int | None
    last_change: int | None
    indicator_count: int
    attempted_at: datetime
    duration_ms: int
    succeeded: bool
    status_code: int | None = Field(description="Your receiver's HTTP status, if it answered.")
    error: str | None = Field(description="timeout, connection, status or address")
    error_message: str | None
    response_excerpt: str | None = Field(description="The start of your receiver's answer.")

    @classmethod
    def of(cls, delivery: Delivery, *, language: Language) -> DeliveryOut:
        return cls(
            id=delivery.id,
            message_id=delivery.message_id,
            event=delivery.event,
            attempt=delivery.attempt,
            first_change=delivery.first_change,
            last_change=delivery.last_change,
            indicator_count=delivery.indicator_count,
            attempted_at=delivery.attempted_at,
            duration_ms=delivery.duration_ms,
            succeeded=delivery.succeeded,
            status_code=delivery.status_code,
            error=delivery.error,
            error_message=translate(
                f"webhooks.error_{delivery.error}", language, status=delivery.status_code
            )
            if delivery.error
            else None,
            response_excerpt=delivery.response_excerpt,
        )


class DeliveryList(BaseModel):
    deliveries: list[DeliveryOut]
