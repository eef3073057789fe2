"""Sending webhook messages: signed POSTs, one round of deliveries, and the loop that runs them.

Messages follow the Standard Webhooks specification (standardwebhooks.com), so receivers can
verify them with its libraries: headers ``webhook-id``, ``webhook-timestamp`` and
``webhook-signature`` (``v1,`` and the base64 HMAC-SHA256 of ``id.timestamp.body`` under the
secret; one signature per secret while a new secret overlaps the old), and a JSON body
``{"type": ..., "timestamp": ..., "data": ...}``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import secrets
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlsplit

import httpx2
from sqlalchemy.orm import Session

from fraudlink import __version__
from fraudlink.crypto import FieldCipher
from fraudlink.database import Database, keys_of, utcnow
from fraudlink.indicators import service as indicator_service
from fraudlink.indicators.schemas import IndicatorOut
from fraudlink.settings import Settings
from fraudlink.webhooks import service
from fraudlink.webhooks.models import Delivery, Webhook
from fraudlink.webhooks.service import Attempt, Batch, Receivers

TIMEOUT: Final = httpx2.Timeout(10.0)
# A webhook with a long backlog yields to the others after this many messages in one round.
# At worst they all time out: 20 x 10 s stays below the five-minute lease (service.LEASE).
MESSAGES_PER_ROUND: Final = 20
EXCERPT_BYTES: Final = 500
PRUNE_EVERY: Final = 24 * 3600.0
log = logging.getLogger(__name__)


def signature(message_id: str, timestamp: int, body: bytes, secrets_: Sequence[str]) -> str:
    """The ``webhook-signature`` header: one ``v1,<base64>`` per secret, space-separated."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1,"
        + base64.b64encode(
            hmac.new(
                base64.b64decode(secret.removeprefix(service.SECRET_PREFIX)),
                signed,
                hashlib.sha256,
            ).digest()
        ).decode()
        for secret in secrets_
    )


def envelope(event: str, data: dict[str, Any]) -> bytes:
    sent = utcnow().isoformat(timespec="milliseconds").replace("+00:00", "Z")
    document = {"type": event, "timestamp": sent, "data": data}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def post(
    client: httpx2.Client,
    url: str,
    *,
    message_id: str,
    body: bytes,
    secrets_: Sequence[str],
    receivers: Receivers,
) -> Attempt:
    """POST one message; any 2xx answer is acceptance, anything else a failure to retry."""
    started = time.perf_counter()
    refusal = _refused_address(url, receivers)
    if refusal:
        return Attempt(succeeded=False, duration_ms=_since(started), error=refusal)
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": f"fraudlink-webhooks/{__version__}",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(message_id, timestamp, body, secrets_),
    }
    try:
        with client.stream("POST", url, content=body, headers=headers) as response:
            excerpt = b""
            for chunk in response.iter_bytes():
                excerpt += chunk
                if len(excerpt) >= EXCERPT_BYTES:
                    break
    except httpx2.TimeoutException:
        return Attempt(succeeded=False, duration_ms=_since(started), error="timeout")
    except httpx2.HTTPError:
        return Attempt(succeeded=False, duration_ms=_since(started), error="connection")
    succeeded = response.is_success
    return Attempt(
        succeeded=succeeded,
        duration_ms=_since(started),
        status_code=response.status_code,
        error=None if succeeded else "status",
        response_excerpt=excerpt[:EXCERPT_BYTES].decode(errors="replace") or None,
    )


def _refused_address(url: str, receivers: Receivers) -> str | None:
    """``address`` when the receiver's name leads to a private network, as the operator forbids.

    The name is resolved again when the connection is made; a name that changes its address in
    between (DNS rebinding) is the remaining gap, narrow since the lookup is moments earlier.
    """
    if receivers.allow_private_networks:
        return None
    parts = urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return "connection"
    if all(receivers.allows_address(str(entry[4][0])) for entry in found):
        return None
    return "address"


def _since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def new_client() -> httpx2.Client:
    # Redirects are not followed: a receiver that moved must be given its new address.
    return httpx2.Client(timeout=TIMEOUT, follow_redirects=False)


@dataclass
class Round:
    """What one round of deliveries did."""

    delivered: int = 0
    failed: int = 0
    indicators: int = 0


def deliver_due(
    database: Database,
    settings: Settings,
    *,
    now: datetime | None = None,
    client: httpx2.Client | None = None,
) -> Round:
    """Send every due webhook its next messages; a failed message ends that webhook's turn."""
    now = now or utcnow()
    outcome = Round()
    with database.transaction() as session:
        claimed = service.claim_due(session, now=now)
    if not claimed:
        return outcome
    policy = indicator_service.Policy.from_settings(settings)
    receivers = Receivers.from_settings(settings)
    with client or new_client() as http:
        for webhook_id in claimed:
            try:
                _deliver_one(
                    database,
                    http,
                    webhook_id,
                    policy=policy,
                    receivers=receivers,
                    now=now,
                    outcome=outcome,
                )
            finally:
                with database.transaction() as session:
                    service.release(session, webhook_id=webhook_id)
    return outcome


def _deliver_one(
    database: Database,
    http: httpx2.Client,
    webhook_id: int,
    *,
    policy: indicator_service.Policy,
    receivers: Receivers,
    now: datetime,
    outcome: Round,
) -> None:
    for _ in range(MESSAGES_PER_ROUND):
        with database.transaction() as session:
            cipher = FieldCipher(keys_of(session).fields)
            batch = service.next_batch(session, webhook_id=webhook_id, cipher=cipher, now=now)
            if batch is None:
                return
            body, raw_values = _indicators_message(session, batch, policy)
        attempt = post(
            http,
            batch.url,
            message_id=batch.message_id,
            body=body,
            secrets_=batch.secrets,
            receivers=receivers,
        )
        with database.transaction() as session:
            service.record_attempt(session, batch, attempt, raw_values=raw_values, now=now)
        if not attempt.succeeded:
            outcome.failed += 1
            return
        outcome.delivered += 1
        outcome.indicators += len(batch.indicators)


def _indicators_message(
    session: Session, batch: Batch, policy: indicator_service.Policy
) -> tuple[bytes, int]:
    """The body of an ``indicators.changed`` message, and how many raw values it holds."""
    views = IndicatorOut.as_seen_by(session, batch.principal, batch.indicators, policy=policy)
    data = {
        "since": batch.since,
        "next_since": batch.until,
        "indicators": [view.model_dump(mode="json") for view in views],
    }
    return envelope("indicators.changed", data), sum(view.value is not None for view in views)


def send_test(session: Session, webhook: Webhook, *, receivers: Receivers) -> Delivery:
    """Send a ``webhook.test`` message now, so a partner sees its receiver take our signatures.

    The POST happens inside the caller's transaction, which has written nothing yet.
    """
    message_id = f"wh{webhook.id}-test-{secrets.token_hex(6)}"
    body = envelope("webhook.test", {"webhook_id": webhook.id})
    cipher = FieldCipher(keys_of(session).fields)
    secrets_ = service.signing_secrets(webhook, cipher=cipher, now=utcnow())
    with new_client() as http:
        attempt = post(
            http,
            webhook.url,
            message_id=message_id,
            body=body,
            secrets_=secrets_,
            receivers=receivers,
        )
    return service.record_test(session, webhook, message_id=message_id, attempt=attempt)


def prune(database: Database) -> int:
    with database.transaction() as session:
        return service.prune_deliveries(session, now=utcnow())


async def deliver_forever(database: Database, settings: Settings) -> None:
    """Every worker runs this; the leases keep two workers from sending the same message."""
    next_prune = time.monotonic()
    while True:
        await asyncio.sleep(settings.webhook_interval_seconds)
        try:
            await asyncio.to_thread(deliver_due, database, settings)
            if time.monotonic() >= next_prune:
                await asyncio.to_thread(prune, database)
                next_prune = time.monotonic() + PRUNE_EVERY
        except Exception:  # a failed round must not stop the next one
            log.exception("delivering webhooks failed")
