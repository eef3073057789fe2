"""Webhooks: partners subscribe to the indicator change feed and watch their deliveries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from fraudlink.access.dependencies import require
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.crypto import FieldCipher
from fraudlink.database import keys_of
from fraudlink.web.dependencies import LanguageDep, SessionDep, SettingsDep, SmallRowId
from fraudlink.web.problems import problem_responses
from fraudlink.webhooks import delivery, service
from fraudlink.webhooks.models import Webhook
from fraudlink.webhooks.schemas import (
    DeliveryList,
    DeliveryOut,
    WebhookCreated,
    WebhookIn,
    WebhookList,
    WebhookOut,
    WebhookSecret,
    WebhookUpdate,
)

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

Reader = Annotated[Principal, Depends(require(Permission.INDICATOR_READ))]
ERRORS = problem_responses(401, 403, 422)
ONE_WEBHOOK = {**ERRORS, **problem_responses(404)}


def _out(session: SessionDep, webhook: Webhook, language: LanguageDep) -> WebhookOut:
    return WebhookOut.of(webhook, backlog=service.backlog(session, webhook), language=language)


@router.post("", status_code=201, responses={**ERRORS, **problem_responses(409)})
def create_webhook(
    body: WebhookIn,
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    language: LanguageDep,
) -> WebhookCreated:
    """Subscribe an address to new and changed indicators; the answer holds the secret, once."""
    issued = service.create(
        session,
        principal=principal,
        url=body.url,
        kinds=body.kinds,
        since=body.since,
        cipher=FieldCipher(keys_of(session).fields),
        receivers=service.Receivers.from_settings(settings),
    )
    view = _out(session, issued.webhook, language)
    return WebhookCreated(**view.model_dump(), secret=issued.secret)


@router.get("", responses=ERRORS)
def list_webhooks(principal: Reader, session: SessionDep, language: LanguageDep) -> WebhookList:
    """Your organisation's webhooks and how their deliveries stand."""
    found = service.for_partner(session, partner_id=principal.partner_id)
    return WebhookList(webhooks=[_out(session, webhook, language) for webhook in found])


@router.get("/{webhook_id}", responses=ONE_WEBHOOK)
def get_webhook(
    webhook_id: SmallRowId, principal: Reader, session: SessionDep, language: LanguageDep
) -> WebhookOut:
    webhook = service.get(session, webhook_id=webhook_id, partner_id=principal.partner_id)
    return _out(session, webhook, language)


@router.patch("/{webhook_id}", responses=ONE_WEBHOOK)
def update_webhook(
    webhook_id: SmallRowId,
    body: WebhookUpdate,
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    language: LanguageDep,
) -> WebhookOut:
    """Change the address or the kinds, or switch it off or on again."""
    webhook = service.get(session, webhook_id=webhook_id, partner_id=principal.partner_id)
    service.update_webhook(
        session,
        webhook,
        principal=principal,
        url=body.url,
        kinds=body.kinds,
        active=body.active,
        receivers=service.Receivers.from_settings(settings),
    )
    return _out(session, webhook, language)


@router.delete("/{webhook_id}", status_code=204, responses=ONE_WEBHOOK)
def delete_webhook(webhook_id: SmallRowId, principal: Reader, session: SessionDep) -> Response:
    webhook = service.get(session, webhook_id=webhook_id, partner_id=principal.partner_id)
    service.remove(session, webhook, actor=principal.actor)
    return Response(status_code=204)


@router.post("/{webhook_id}/secret", responses=ONE_WEBHOOK)
def rotate_secret(webhook_id: SmallRowId, principal: Reader, session: SessionDep) -> WebhookSecret:
    """A new signing secret; for a day, messages are signed with the old one as well."""
    webhook = service.get(session, webhook_id=webhook_id, partner_id=principal.partner_id)
    issued = service.rotate_secret(
        session, webhook, cipher=FieldCipher(keys_of(session).fields), actor=principal.actor
    )
    assert webhook.previous_secret_until is not None  # set by rotate_secret
    return WebhookSecret(secret=issued.secret, previous_valid_until=webhook.previous_secret_until)


@router.post("/{webhook_id}/test", responses=ONE_WEBHOOK)
def test_webhook(
    webhook_id: SmallRowId,
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    language: LanguageDep,
) -> DeliveryOut:
    """Send a signed `webhook.test` message now and answer how your receiver took it."""
    webhook = service.get(session, webhook_id=webhook_id, partner_id=principal.partner_id)
    logged = delivery.send_test(
        session, webhook, receivers=service.Receivers.from_settings(settings)
    )
    return DeliveryOut.of(logged, language=language)


@router.get("/{webhook_id}/deliveries", responses=ONE_WEBHOOK)
def list_deliveries(
    webhook_id: SmallRowId,
    principal: Reader,
    session: SessionDep,
    language: LanguageDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> DeliveryList:
    """The latest delivery attempts, newest first (kept 30 days)."""
    webhook = service.get(session, webhook_id=webhook_id, partner_id=principal.partner_id)
    found = service.deliveries(session, webhook_id=webhook.id, limit=limit)
    return DeliveryList(deliveries=[DeliveryOut.of(item, language=language) for item in found])
