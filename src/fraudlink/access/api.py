"""Who am I, and the own organisation's keys: create, list, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from fraudlink.access import service
from fraudlink.access.dependencies import require
from fraudlink.access.permissions import Permission
from fraudlink.access.schemas import KeyCreate, KeyCreated, KeyList, KeyOut, Me
from fraudlink.access.service import KEY_PREFIX_PATTERN, Principal
from fraudlink.partners.models import Partner
from fraudlink.web.dependencies import SessionDep
from fraudlink.web.problems import problem_responses

router = APIRouter(prefix="/v1", tags=["access"], responses=problem_responses(401, 403, 422))

Authenticated = Annotated[Principal, Depends(require())]
KeyManager = Annotated[Principal, Depends(require(Permission.KEY_MANAGE))]


@router.get("/me")
def who_am_i(principal: Authenticated) -> Me:
    """The partner and permissions of the key that makes this request."""
    return Me.of(principal)


@router.get("/keys")
def list_keys(principal: KeyManager, session: SessionDep) -> KeyList:
    """Every key of the own organisation, revoked ones included."""
    keys = service.list_keys(session, partner_id=principal.partner_id)
    return KeyList(keys=[KeyOut.of(key) for key in keys])


@router.post("/keys", status_code=201)
def create_key(body: KeyCreate, principal: KeyManager, session: SessionDep) -> KeyCreated:
    """A new key for the own organisation, with at most the creating key's permissions."""
    partner = session.get_one(Partner, principal.partner_id)
    issued = service.create_key(
        session,
        partner=partner,
        label=body.label,
        scopes=body.scopes,
        actor=principal.actor,
        creator=principal,
    )
    return KeyCreated(**KeyOut.of(issued.key).model_dump(), key=issued.token)


@router.delete("/keys/{prefix}", status_code=204, responses=problem_responses(404))
def revoke_key(
    prefix: Annotated[str, Path(pattern=KEY_PREFIX_PATTERN)],
    principal: KeyManager,
    session: SessionDep,
) -> Response:
    """Revoke an own key; it stops working with the next request. Revoking twice is harmless."""
    service.revoke_key(
        session, prefix=prefix, actor=principal.actor, partner_id=principal.partner_id
    )
    return Response(status_code=204)
