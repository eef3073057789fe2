"""Webhooks as pages for partner staff: add a receiver, watch its deliveries, test and manage it.

The pages do what the API under /v1/webhooks does, through the same service functions, so a
change made here is audited and behaves exactly like one made by a partner's system.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from fraudlink.access.dependencies import require_page
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.crypto import FieldCipher
from fraudlink.database import keys_of
from fraudlink.errors import DomainError
from fraudlink.i18n import Language
from fraudlink.identifiers import IdentifierKind
from fraudlink.web.dependencies import CsrfDep, LanguageDep, SessionDep, SettingsDep, SmallRowId
from fraudlink.web.templating import render
from fraudlink.webhooks import delivery, service
from fraudlink.webhooks.models import Webhook
from fraudlink.webhooks.schemas import DeliveryOut, WebhookOut

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(require_page(Permission.INDICATOR_READ))]
LOG_SIZE: Final = 50
# A page that shows a secret must not be kept by the browser or a proxy.
NO_STORE: Final = {"Cache-Control": "no-store"}


def _view(session: Session, webhook: Webhook, language: Language) -> WebhookOut:
    return WebhookOut.of(webhook, backlog=service.backlog(session, webhook), language=language)


def _cipher(session: Session) -> FieldCipher:
    return FieldCipher(keys_of(session).fields)


def _list_page(
    request: Request,
    session: Session,
    principal: Principal,
    language: Language,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    found = service.for_partner(session, partner_id=principal.partner_id)
    return render(
        request,
        "webhooks.html",
        {
            "webhooks": [_view(session, webhook, language) for webhook in found],
            "kinds": list(IdentifierKind),
            "values": {},
            "errors": {},
            **context,
        },
        status_code=status_code,
        headers=headers,
    )


def _detail_page(
    request: Request,
    session: Session,
    webhook: Webhook,
    language: Language,
    *,
    tested: int | None = None,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """``tested``: the id of a test attempt, to show how it went above the log."""
    log = [
        DeliveryOut.of(item, language=language)
        for item in service.deliveries(session, webhook_id=webhook.id, limit=LOG_SIZE)
    ]
    return render(
        request,
        "webhook.html",
        {
            "webhook": _view(session, webhook, language),
            "deliveries": log,
            "log_size": LOG_SIZE,
            "log_days": service.DELIVERY_LOG.days,
            "tested": next((item for item in log if item.id == tested), None),
            **context,
        },
        headers=headers,
    )


@router.get("/account/webhooks", response_class=HTMLResponse)
def list_webhooks(
    request: Request,
    session: SessionDep,
    principal: Reader,
    language: LanguageDep,
    deleted: bool = False,
) -> HTMLResponse:
    return _list_page(request, session, principal, language, deleted=deleted)


@router.post("/account/webhooks", response_class=HTMLResponse, dependencies=[CsrfDep])
def create_webhook(
    request: Request,
    session: SessionDep,
    principal: Reader,
    settings: SettingsDep,
    language: LanguageDep,
    url: Annotated[str, Form()] = "",
    kinds: Annotated[list[IdentifierKind] | None, Form()] = None,
    everything: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    """Subscribe; the answer shows the signing secret, once, and is not kept by the browser."""
    try:
        issued = service.create(
            session,
            principal=principal,
            url=url,
            kinds=kinds or [],
            since=0 if everything else None,  # 0: every indicator the key may see
            cipher=_cipher(session),
            receivers=service.Receivers.from_settings(settings),
        )
    except DomainError as error:
        session.rollback()
        values = {"url": url, "kinds": kinds or [], "everything": everything}
        return _list_page(
            request,
            session,
            principal,
            language,
            status_code=400,
            values=values,
            errors={error.field or "form": error.message(language)},
        )
    return _list_page(request, session, principal, language, headers=NO_STORE, issued=issued)


@router.get("/account/webhooks/{webhook_id}", response_class=HTMLResponse)
def show_webhook(
    webhook_id: SmallRowId,
    request: Request,
    session: SessionDep,
    principal: Reader,
    language: LanguageDep,
    switched: Literal["on", "off"] | None = None,
    tested: int | None = None,
) -> HTMLResponse:
    """One webhook and its latest attempts; after a test, how the test went."""
    webhook = service.get(session, webhook_id=webhook_id, partner_id=principal.partner_id)
    return _detail_page(request, session, webhook, language, switched=switched, tested=tested)


@router.post("/account/webhooks/{webhook_id}/switch", dependencies=[CsrfDep])
def switch_webhook(
    webhook_id: SmallRowId,
    session: SessionDep,
    principal: Reader,
    settings: SettingsDep,
    active: Annotated[bool, Form()],
) -> RedirectResponse:
    """Off, or on again with the rights of the signed-in key."""
    webhook = service.get(session, webhook_id=webhook_id, partner_id=principal.partner_id)
    service.update_webhook(
        session,
        webhook,
        principal=principal,
        active=active,
        receivers=service.Receivers.from_settings(settings),
    )
    switched = "on" if active else "off"
    return RedirectResponse(f"/account/webhooks/{webhook_id}?switched={switched}", status_code=303)


@router.post("/account/webhooks/{webhook_id}/test", dependencies=[CsrfDep])
def test_webhook(
    webhook_id: SmallRowId, session: SessionDep, principal: Reader, settings: SettingsDep
) -> RedirectResponse:
    """Send a test message now; the page it leads to shows the attempt, so a reload resends none."""
    webhook = service.get(session, webhook_id=webhook_id, partner_id=principal.partner_id)
    logged = delivery.send_test(
        session, webhook, receivers=service.Receivers.from_settings(settings)
    )
    return RedirectResponse(f"/account/webhooks/{webhook_id}?tested={logged.id}", status_code=303)


@router.post(
    "/account/webhooks/{webhook_id}/secret", response_class=HTMLResponse, dependencies=[CsrfDep]
)
def rotate_secret(
    webhook_id: SmallRowId,
    request: Request,
    session: SessionDep,
    principal: Reader,
    language: LanguageDep,
) -> HTMLResponse:
    """A new signing secret, shown once; the old one signs along for a day."""
    webhook = service.get(session, webhook_id=webhook_id, partner_id=principal.partner_id)
    issued = service.rotate_secret(session, webhook, cipher=_cipher(session), actor=principal.actor)
    return _detail_page(
        request,
        session,
        webhook,
        language,
        headers=NO_STORE,
        secret=issued.secret,
        previous_until=webhook.previous_secret_until,
    )


@router.get("/account/webhooks/{webhook_id}/delete", response_class=HTMLResponse)
def confirm_delete(
    webhook_id: SmallRowId, request: Request, session: SessionDep, principal: Reader
) -> HTMLResponse:
    """Deleting drops the delivery log too: the reader confirms on a page of its own."""
    webhook = service.get(session, webhook_id=webhook_id, partner_id=principal.partner_id)
    return render(request, "webhook_delete.html", {"webhook": webhook})


@router.post("/account/webhooks/{webhook_id}/delete", dependencies=[CsrfDep])
def delete_webhook(
    webhook_id: SmallRowId, session: SessionDep, principal: Reader
) -> RedirectResponse:
    webhook = service.get(session, webhook_id=webhook_id, partner_id=principal.partner_id)
    service.remove(session, webhook, actor=principal.actor)
    return RedirectResponse("/account/webhooks?deleted=true", status_code=303)
