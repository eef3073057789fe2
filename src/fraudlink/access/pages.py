"""Pages for partner staff: sign in with the organisation's key, see and manage its keys."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fraudlink.access import service
from fraudlink.access.dependencies import SESSION_KEY_PREFIX, require_page
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.audit import service as audit_service
from fraudlink.errors import DomainError, Unauthenticated
from fraudlink.partners.models import Partner
from fraudlink.web.dependencies import CsrfDep, LanguageDep, SessionDep, ensure_csrf_token
from fraudlink.web.navigation import local_path
from fraudlink.web.templating import render

router = APIRouter(include_in_schema=False)

SignedIn = Annotated[Principal, Depends(require_page())]
KeyManager = Annotated[Principal, Depends(require_page(Permission.KEY_MANAGE))]


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str = "/account", ended: bool = False) -> HTMLResponse:
    ensure_csrf_token(request)
    return render(request, "sign_in.html", {"next": local_path(next), "ended": ended})


@router.post("/sign-in", response_model=None, dependencies=[CsrfDep])
def sign_in(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    key: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/account",
) -> HTMLResponse | RedirectResponse:
    try:
        if not key.strip():
            raise Unauthenticated("access.key_missing_page")
        principal = service.authenticate(session, token=key)
    except Unauthenticated as error:
        context = {"next": local_path(next), "error": error.message(language)}
        return render(request, "sign_in.html", context, status_code=400)
    audit_service.record(session, actor=principal.actor, action="key.sign_in")
    request.session.clear()
    request.session[SESSION_KEY_PREFIX] = principal.key_prefix
    request.session["csrf"] = secrets.token_urlsafe(32)
    return RedirectResponse(local_path(next), status_code=303)


@router.post("/sign-out", dependencies=[CsrfDep])
def sign_out(request: Request) -> RedirectResponse:
    request.session.clear()
    return RedirectResponse("/", status_code=303)


def _account_page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    *,
    status_code: int = 200,
    **context: object,
) -> HTMLResponse:
    keys = (
        service.list_keys(session, partner_id=principal.partner_id)
        if principal.can(Permission.KEY_MANAGE)
        else []
    )
    return render(
        request,
        "account.html",
        {
            "principal": principal,
            "keys": keys,
            "permissions": sorted(principal.scopes),
            **context,
        },
        status_code=status_code,
    )


@router.get("/account", response_class=HTMLResponse)
def account(
    request: Request, session: SessionDep, principal: SignedIn, revoked: str | None = None
) -> HTMLResponse:
    return _account_page(request, session, principal, revoked=revoked)


@router.post("/account/keys", response_class=HTMLResponse, dependencies=[CsrfDep])
def create_key(
    request: Request,
    session: SessionDep,
    principal: KeyManager,
    language: LanguageDep,
    label: Annotated[str, Form()] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
) -> HTMLResponse:
    partner = session.get_one(Partner, principal.partner_id)
    try:
        issued = service.create_key(
            session,
            partner=partner,
            label=label,
            scopes=scopes or [],
            actor=principal.actor,
            creator=principal,
        )
    except DomainError as error:
        session.rollback()
        return _account_page(
            request,
            session,
            principal,
            status_code=400,
            form_error=error.message(language),
            form_label=label,
        )
    response = render(request, "key_created.html", {"key": issued.key, "token": issued.token})
    response.headers["Cache-Control"] = "no-store"  # the page holds the secret
    return response


@router.post("/account/keys/{prefix}/revoke", dependencies=[CsrfDep])
def revoke_key(prefix: str, session: SessionDep, principal: KeyManager) -> RedirectResponse:
    service.revoke_key(
        session, prefix=prefix, actor=principal.actor, partner_id=principal.partner_id
    )
    return RedirectResponse(f"/account?revoked={prefix}", status_code=303)
