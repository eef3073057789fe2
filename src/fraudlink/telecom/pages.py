"""The page on which partner staff protect their organisation's numbers and SMS sender names.

It does what the API under /v1/telecom does, through the same service functions, so a change
made here is audited and behaves exactly like one made by a partner's system.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from fraudlink.access.dependencies import require_page
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.database import utcnow
from fraudlink.errors import DomainError
from fraudlink.i18n import Language
from fraudlink.identifiers import Pseudonymiser
from fraudlink.telecom import service
from fraudlink.telecom.schemas import ProtectedNumberOut, SmsSenderOut
from fraudlink.web.dependencies import CsrfDep, LanguageDep, SessionDep, SmallRowId
from fraudlink.web.templating import render

router = APIRouter(include_in_schema=False)

Protector = Annotated[Principal, Depends(require_page(Permission.NUMBER_PROTECT))]
PAGE = "/account/protected-numbers"
Done = Literal["number_saved", "number_removed", "sender_saved", "sender_removed"]


def _page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    now = utcnow()
    numbers = service.protected_numbers(session, partner_id=principal.partner_id)
    spoofed = service.spoof_counts(session, tokens=[item.token for item in numbers], now=now)
    names = service.sms_senders(session, partner_id=principal.partner_id)
    blocked = service.block_counts(session, sender_ids=[item.id for item in names], now=now)
    return render(
        request,
        "protected_numbers.html",
        {
            "numbers": [
                ProtectedNumberOut.of(item, spoofed=spoofed.get(item.token, 0)) for item in numbers
            ],
            "senders": [SmsSenderOut.of(item, blocked=blocked.get(item.id, 0)) for item in names],
            "window_days": service.SPOOF_COUNT_WINDOW.days,
            "values": {},
            "errors": {},
            **context,
        },
        status_code=status_code,
    )


def _refused(
    request: Request,
    session: Session,
    principal: Principal,
    language: Language,
    error: DomainError,
    *,
    form: str,
    values: dict[str, Any],
) -> HTMLResponse:
    """The page again with the typed values and the reason at its field (or above the form)."""
    session.rollback()
    return _page(
        request,
        session,
        principal,
        status_code=400,
        values=values,
        errors={error.field or form: error.message(language)},
    )


@router.get(PAGE, response_class=HTMLResponse)
def show(
    request: Request,
    session: SessionDep,
    principal: Protector,
    done: Done | None = None,
) -> HTMLResponse:
    return _page(request, session, principal, done=done)


@router.post(PAGE, response_model=None, dependencies=[CsrfDep])
def protect_number(
    request: Request,
    session: SessionDep,
    principal: Protector,
    language: LanguageDep,
    number: Annotated[str, Form()] = "",
    label: Annotated[str, Form()] = "",
    inbound_only: Annotated[bool, Form()] = False,
) -> HTMLResponse | RedirectResponse:
    pseudonymiser: Pseudonymiser = request.app.state.pseudonymiser
    try:
        service.protect(
            session,
            partner_id=principal.partner_id,
            number=service.Presented.of(number, field="number", token_of=pseudonymiser.token),
            inbound_only=inbound_only,
            label=label,
            actor=principal.actor,
        )
    except DomainError as error:
        values = {"number": number, "label": label, "inbound_only": inbound_only}
        return _refused(
            request, session, principal, language, error, form="number_form", values=values
        )
    return RedirectResponse(f"{PAGE}?done=number_saved", status_code=303)


@router.post(f"{PAGE}/{{number_id}}/remove", dependencies=[CsrfDep])
def unprotect_number(
    number_id: SmallRowId, session: SessionDep, principal: Protector
) -> RedirectResponse:
    protected = service.get_protected(session, number_id=number_id, partner_id=principal.partner_id)
    service.unprotect(session, protected, actor=principal.actor)
    return RedirectResponse(f"{PAGE}?done=number_removed", status_code=303)


@router.post(f"{PAGE}/senders", response_model=None, dependencies=[CsrfDep])
def register_sender(
    request: Request,
    session: SessionDep,
    principal: Protector,
    language: LanguageDep,
    name: Annotated[str, Form()] = "",
    routes: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Routes come as one line, separated by commas: "KPN-A2P, ODIDO-A2P"."""
    try:
        service.register_sender(
            session,
            partner_id=principal.partner_id,
            name=name,
            routes=[route for route in routes.split(",") if route.strip()],
            actor=principal.actor,
        )
    except DomainError as error:
        values = {"name": name, "routes": routes}
        return _refused(
            request, session, principal, language, error, form="sender_form", values=values
        )
    return RedirectResponse(f"{PAGE}?done=sender_saved", status_code=303)


@router.post(f"{PAGE}/senders/{{sender_id}}/remove", dependencies=[CsrfDep])
def remove_sender(
    sender_id: SmallRowId, session: SessionDep, principal: Protector
) -> RedirectResponse:
    sender = service.get_sender(session, sender_id=sender_id, partner_id=principal.partner_id)
    service.remove_sender(session, sender, actor=principal.actor)
    return RedirectResponse(f"{PAGE}?done=sender_removed", status_code=303)
