"""Webhooks: partners follow new and changed indicators without polling.

The change feed is the outbox. Each webhook keeps a cursor into it; a worker claims a webhook
that is due, takes the next batch of changes after the cursor and posts it, signed (see
``delivery``). An accepted batch moves the cursor; a failed one is retried after waits that
double from BACKOFF_BASE up to BACKOFF_MAX, and after MAX_FAILURES failures in a row the
webhook is switched off until the partner switches it on again. It then resumes where it
stopped: nothing is lost, because the feed holds every indicator's latest state.

What a delivery holds is what the same key would get from ``GET /v1/indicators/changes``: the
rights of the key that last switched the webhook on, never more.
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, cast
from urllib.parse import urlsplit

from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.orm import Session

from fraudlink.access import service as access_service
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor
from fraudlink.crypto import FieldCipher
from fraudlink.database import utcnow
from fraudlink.errors import Conflict, InvalidInput, NotFound
from fraudlink.identifiers import IdentifierKind
from fraudlink.indicators import service as indicator_service
from fraudlink.indicators.models import Indicator
from fraudlink.settings import Settings
from fraudlink.webhooks.models import Delivery, DisabledReason, Webhook, WebhookState

BATCH_SIZE: Final = 200
BACKOFF_BASE: Final = timedelta(seconds=30)
BACKOFF_MAX: Final = timedelta(hours=6)
# 30 s doubling to 6 h, then every 6 h: fifteen attempts span about a day and a half.
MAX_FAILURES: Final = 15
LEASE: Final = timedelta(minutes=5)
# After a new secret is made, messages are signed with the old one too for this long, so the
# receiver can switch without losing a message.
SECRET_OVERLAP: Final = timedelta(days=1)
SECRET_PREFIX: Final = "whsec_"  # noqa: S105 - the marker of a secret, not one
SECRET_BYTES: Final = 32
MAX_URL_LENGTH: Final = 2048
MAX_WEBHOOKS_PER_PARTNER: Final = 10
DELIVERY_LOG: Final = timedelta(days=30)
SYSTEM: Final = Actor(name="system:webhooks")


@dataclass(frozen=True, repr=False)
class IssuedSecret:
    """A webhook's new signing secret: in memory only here, once."""

    webhook: Webhook
    secret: str


@dataclass(frozen=True)
class Batch:
    """The next message of a webhook: the changes after ``since`` up to ``until``."""

    webhook_id: int
    url: str
    message_id: str
    attempt: int
    since: int
    until: int
    indicators: Sequence[Indicator]
    principal: Principal
    secrets: list[str]


@dataclass(frozen=True)
class Attempt:
    """How one POST went. ``error`` is a code: timeout, connection, status or address."""

    succeeded: bool
    duration_ms: int
    status_code: int | None = None
    error: str | None = None
    response_excerpt: str | None = None


@dataclass(frozen=True)
class Receivers:
    """Where the operator lets webhooks go.

    By default only https to public addresses: a partner must not make the platform post to,
    and read answers from, services on the platform's own machine or network.
    """

    allow_http: bool = False
    allow_private_networks: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Receivers:
        return cls(settings.webhook_allow_http, settings.webhook_allow_private_networks)

    def allows_address(self, address: str) -> bool:
        """Whether a receiver may be at this IP address."""
        parsed = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone
        if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
            parsed = parsed.ipv4_mapped
        return self.allow_private_networks or parsed.is_global

    def check_url(self, url: str) -> str:
        """A receiver's address: https (or http where allowed) with a host name."""
        url = url.strip()
        parts = urlsplit(url)
        schemes = {"https", "http"} if self.allow_http else {"https"}
        if len(url) > MAX_URL_LENGTH:
            raise InvalidInput("webhooks.url_too_long", field="url", limit=MAX_URL_LENGTH)
        if parts.scheme not in schemes or not parts.hostname:
            key = "webhooks.url_invalid_http" if self.allow_http else "webhooks.url_invalid"
            raise InvalidInput(key, field="url")
        if parts.username or parts.password:
            raise InvalidInput("webhooks.url_credentials", field="url")
        if not self._allows_host(parts.hostname):
            raise InvalidInput("webhooks.url_private", field="url")
        return url

    def _allows_host(self, host: str) -> bool:
        """Names are checked once they resolve, when a message is sent; literal addresses now."""
        if host == "localhost" or host.endswith(".localhost"):
            return self.allow_private_networks
        try:
            return self.allows_address(host)
        except ValueError:  # a name, not an address
            return True


def _kinds(kinds: Iterable[IdentifierKind]) -> list[str]:
    return sorted({kind.value for kind in kinds})


def _secret_context(webhook_id: int) -> str:
    return f"webhook:{webhook_id}:secret"


def _new_secret(webhook: Webhook, cipher: FieldCipher) -> str:
    secret = SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()
    webhook.secret_encrypted = cipher.encrypt(secret, context=_secret_context(webhook.id))
    return secret


def create(
    session: Session,
    *,
    principal: Principal,
    url: str,
    kinds: Iterable[IdentifierKind],
    since: int | None,
    cipher: FieldCipher,
    receivers: Receivers,
) -> IssuedSecret:
    """Subscribe; the first message holds the changes after ``since`` (default: from now on)."""
    url = receivers.check_url(url)
    latest = indicator_service.latest_change(session)
    if since is not None and since > latest:
        raise InvalidInput("webhooks.since_ahead", field="since", latest=latest)
    if len(for_partner(session, partner_id=principal.partner_id)) >= MAX_WEBHOOKS_PER_PARTNER:
        raise Conflict("webhooks.too_many", limit=MAX_WEBHOOKS_PER_PARTNER)
    now = utcnow()
    webhook = Webhook(
        partner_id=principal.partner_id,
        key_id=principal.key_id,
        url=url,
        kinds=_kinds(kinds),
        secret_encrypted=b"",
        state=WebhookState.ACTIVE,
        cursor=latest if since is None else since,
        failures=0,
        next_attempt_at=now,
        created_at=now,
        created_by=principal.actor.name,
    )
    session.add(webhook)
    session.flush()
    secret = _new_secret(webhook, cipher)
    _audit(session, principal.actor, "webhook.create", webhook, host=urlsplit(url).hostname)
    return IssuedSecret(webhook, secret)


def _audit(session: Session, actor: Actor, action: str, webhook: Webhook, **details: Any) -> None:
    audit_service.record(
        session,
        actor=actor,
        action=action,
        subject_type="webhook",
        subject_id=webhook.id,
        details={"partner_id": webhook.partner_id, **details},
    )


def for_partner(session: Session, *, partner_id: int | None = None) -> Sequence[Webhook]:
    """The partner's webhooks (every partner's without ``partner_id``), oldest first."""
    query = select(Webhook).order_by(Webhook.id)
    if partner_id is not None:
        query = query.where(Webhook.partner_id == partner_id)
    return session.scalars(query).all()


def get(session: Session, *, webhook_id: int, partner_id: int) -> Webhook:
    """A partner's own webhook; another partner's is as unknown as one that does not exist."""
    webhook = session.get(Webhook, webhook_id)
    if webhook is None or webhook.partner_id != partner_id:
        raise NotFound("webhooks.not_found", field="webhook_id", webhook_id=webhook_id)
    return webhook


def update_webhook(
    session: Session,
    webhook: Webhook,
    *,
    principal: Principal,
    url: str | None = None,
    kinds: Iterable[IdentifierKind] | None = None,
    active: bool | None = None,
    receivers: Receivers,
) -> Webhook:
    """Change the address or kinds, or switch off and on; switching on binds it to this key."""
    changed: dict[str, Any] = {}
    if url is not None:
        webhook.url = receivers.check_url(url)
        changed["host"] = urlsplit(webhook.url).hostname
    if kinds is not None:
        webhook.kinds = changed["kinds"] = _kinds(kinds)
    if active is True:
        webhook.state, webhook.disabled_reason = WebhookState.ACTIVE, None
        webhook.failures, webhook.next_attempt_at = 0, utcnow()
        webhook.key_id = principal.key_id
        changed["active"] = True
    elif active is False:
        _disable(webhook, DisabledReason.BY_PARTNER)
        changed["active"] = False
    _audit(session, principal.actor, "webhook.update", webhook, **changed)
    return webhook


def _disable(webhook: Webhook, reason: DisabledReason) -> None:
    webhook.state, webhook.disabled_reason = WebhookState.DISABLED, reason


def remove(session: Session, webhook: Webhook, *, actor: Actor) -> None:
    _audit(session, actor, "webhook.delete", webhook)
    session.delete(webhook)


def rotate_secret(
    session: Session, webhook: Webhook, *, cipher: FieldCipher, actor: Actor
) -> IssuedSecret:
    """A new secret; the old one still signs along for SECRET_OVERLAP."""
    previous = cipher.decrypt(webhook.secret_encrypted, context=_secret_context(webhook.id))
    webhook.previous_secret_encrypted = cipher.encrypt(
        previous, context=f"{_secret_context(webhook.id)}:previous"
    )
    webhook.previous_secret_until = utcnow() + SECRET_OVERLAP
    secret = _new_secret(webhook, cipher)
    _audit(session, actor, "webhook.secret_rotate", webhook)
    return IssuedSecret(webhook, secret)


def signing_secrets(webhook: Webhook, *, cipher: FieldCipher, now: datetime) -> list[str]:
    """The secrets a message is signed with: the current one, and the previous during overlap."""
    found = [cipher.decrypt(webhook.secret_encrypted, context=_secret_context(webhook.id))]
    if (
        webhook.previous_secret_encrypted is not None
        and webhook.previous_secret_until is not None
        and webhook.previous_secret_until > now
    ):
        found.append(
            cipher.decrypt(
                webhook.previous_secret_encrypted,
                context=f"{_secret_context(webhook.id)}:previous",
            )
        )
    return found


def deliveries(session: Session, *, webhook_id: int, limit: int) -> Sequence[Delivery]:
    """The latest attempts, newest first."""
    return session.scalars(
        select(Delivery)
        .where(Delivery.webhook_id == webhook_id)
        .order_by(Delivery.id.desc())
        .limit(limit)
    ).all()


def claim_due(session: Session, *, now: datetime) -> list[int]:
    """Lease the webhooks that have something to send and are not waiting or leased.

    The lease is taken by a conditional update, so of two workers only one wins a webhook.
    """
    latest = indicator_service.latest_change(session)
    free = or_(Webhook.leased_until.is_(None), Webhook.leased_until < now)
    candidates = session.scalars(
        select(Webhook.id).where(
            Webhook.state == WebhookState.ACTIVE,
            Webhook.next_attempt_at <= now,
            free,
            or_(Webhook.cursor < latest, Webhook.pending_until.is_not(None)),
        )
    ).all()
    claimed = []
    for webhook_id in candidates:
        result = session.execute(
            update(Webhook)
            .where(Webhook.id == webhook_id, free)
            .values(leased_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        if cast("CursorResult[Any]", result).rowcount == 1:
            claimed.append(webhook_id)
    return claimed


def release(session: Session, *, webhook_id: int) -> None:
    session.execute(
        update(Webhook)
        .where(Webhook.id == webhook_id)
        .values(leased_until=None)
        .execution_options(synchronize_session=False)
    )


def next_batch(
    session: Session, *, webhook_id: int, cipher: FieldCipher, now: datetime
) -> Batch | None:
    """The message to send now, or None when the webhook has nothing (more) to send."""
    webhook = session.get(Webhook, webhook_id)
    if webhook is None or webhook.state is not WebhookState.ACTIVE:
        return None
    principal = access_service.key_principal(session, key_id=webhook.key_id)
    if principal is None or not principal.can(Permission.INDICATOR_READ):
        _disable(webhook, DisabledReason.KEY_REVOKED)
        _audit(session, SYSTEM, "webhook.disable", webhook, reason=DisabledReason.KEY_REVOKED)
        return None
    changed = indicator_service.changes_since(
        session,
        since=webhook.cursor,
        until=webhook.pending_until,
        limit=BATCH_SIZE,
        kinds=webhook.kinds,
    )
    if not changed:
        # Nothing of its kinds after the cursor, or everything in flight changed again since
        # and comes in a later message: skip ahead.
        webhook.cursor = webhook.pending_until or indicator_service.latest_change(session)
        webhook.pending_until = None
        return None
    if webhook.pending_until is None:
        webhook.pending_until = changed[-1].change
    return Batch(
        webhook_id=webhook.id,
        url=webhook.url,
        message_id=f"wh{webhook.id}-{webhook.cursor}-{webhook.pending_until}",
        attempt=webhook.failures + 1,
        since=webhook.cursor,
        until=webhook.pending_until,
        indicators=changed,
        principal=principal,
        secrets=signing_secrets(webhook, cipher=cipher, now=now),
    )


def backoff(failures: int) -> timedelta:
    """The wait after ``failures`` failed attempts in a row."""
    wait: timedelta = BACKOFF_BASE * 2 ** (failures - 1)
    return min(wait, BACKOFF_MAX)


def record_attempt(
    session: Session, batch: Batch, attempt: Attempt, *, raw_values: int, now: datetime
) -> None:
    """Log the attempt; move the cursor on success, or schedule the retry on failure."""
    webhook = session.get(Webhook, batch.webhook_id)
    if webhook is None:  # deleted while the message was on its way
        return
    _log(
        session,
        webhook,
        attempt,
        message_id=batch.message_id,
        event="indicators.changed",
        number=batch.attempt,
        now=now,
        changes=(batch.indicators[0].change, batch.until),
        indicator_count=len(batch.indicators),
    )
    if attempt.succeeded:
        if webhook.pending_until == batch.until:
            webhook.cursor, webhook.pending_until = batch.until, None
        webhook.failures, webhook.next_attempt_at, webhook.last_success_at = 0, now, now
        # A delivery discloses indicators like a query does: audited as the key that receives.
        _audit(
            session,
            batch.principal.actor,
            "indicator.webhook_delivery",
            webhook,
            message_id=batch.message_id,
            count=len(batch.indicators),
            raw_values=raw_values,
        )
        return
    webhook.failures += 1
    webhook.next_attempt_at = now + backoff(webhook.failures)
    if webhook.failures >= MAX_FAILURES:
        _disable(webhook, DisabledReason.FAILING)
        _audit(session, SYSTEM, "webhook.disable", webhook, reason=DisabledReason.FAILING)


def record_test(
    session: Session, webhook: Webhook, *, message_id: str, attempt: Attempt
) -> Delivery:
    """Log a test message; one that arrives lets a waiting webhook try again at once."""
    now = utcnow()
    logged = _log(
        session, webhook, attempt, message_id=message_id, event="webhook.test", number=1, now=now
    )
    if attempt.succeeded and webhook.state is WebhookState.ACTIVE:
        webhook.next_attempt_at = min(webhook.next_attempt_at, now)
    session.flush()
    return logged


def _log(
    session: Session,
    webhook: Webhook,
    attempt: Attempt,
    *,
    message_id: str,
    event: str,
    number: int,
    now: datetime,
    changes: tuple[int, int] | None = None,
    indicator_count: int = 0,
) -> Delivery:
    logged = Delivery(
        webhook_id=webhook.id,
        message_id=message_id,
        event=event,
        attempt=number,
        first_change=changes[0] if changes else None,
        last_change=changes[1] if changes else None,
        indicator_count=indicator_count,
        attempted_at=now,
        duration_ms=attempt.duration_ms,
        succeeded=attempt.succeeded,
        status_code=attempt.status_code,
        error=attempt.error,
        response_excerpt=attempt.response_excerpt,
    )
    session.add(logged)
    return logged


def prune_deliveries(session: Session, *, now: datetime) -> int:
    """Forget attempts older than DELIVERY_LOG."""
    result = session.execute(
        delete(Delivery)
        .where(Delivery.attempted_at < now - DELIVERY_LOG)
        .execution_options(synchronize_session=False)
    )
    return int(cast("CursorResult[Any]", result).rowcount)


def backlog(session: Session, webhook: Webhook) -> int:
    """Changes of its kinds still to be delivered."""
    query = select(func.count()).where(Indicator.change > webhook.cursor)
    if webhook.kinds:
        query = query.where(Indicator.kind.in_(webhook.kinds))
    return session.scalar(query) or 0
