"""Reading the audit log: each partner its own entries, the programme everyone's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from fraudlink.access.dependencies import require
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.audit import service
from fraudlink.audit.schemas import AuditEntryOut, AuditPage
from fraudlink.partners import service as partner_service
from fraudlink.text import plain_text
from fraudlink.web.dependencies import AfterId, SessionDep
from fraudlink.web.problems import problem_responses

PartnerName = plain_text(max_length=200)

router = APIRouter(prefix="/v1", tags=["audit"], responses=problem_responses(401, 403, 422))


@router.get("/audit", responses=problem_responses(404))
def list_audit_entries(
    principal: Annotated[Principal, Depends(require(Permission.AUDIT_READ))],
    session: SessionDep,
    action: Annotated[
        str | None,
        Query(pattern=r"^[a-z_]+\.[a-z_]+$", description="Only this action, e.g. key.create."),
    ] = None,
    since: Annotated[datetime | None, Query(description="From this moment (inclusive).")] = None,
    until: Annotated[datetime | None, Query(description="Before this moment.")] = None,
    partner: Annotated[
        PartnerName | None,  # type: ignore[valid-type]
        Query(description="Another partner's entries (needs audit:read_all)."),
    ] = None,
    after_id: AfterId = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPage:
    """Entries in the order they happened. Without audit:read_all only the own organisation's."""
    partner_id: int | None = principal.partner_id
    if principal.can(Permission.AUDIT_READ_ALL):
        partner_id = (
            None if partner is None else partner_service.get_by_name(session, name=partner).id
        )
    elif partner is not None and partner != principal.partner_name:
        principal.require(Permission.AUDIT_READ_ALL)
    entries = service.list_entries(
        session,
        partner_id=partner_id,
        action=action,
        since=since,
        until=until,
        after_id=after_id,
        limit=limit,
    )
    if partner_id != principal.partner_id:
        service.record(
            session,
            actor=principal.actor,
            action="audit.read",
            subject_type="partner",
            subject_id=partner_id if partner_id is not None else "all",
            details={"entries": len(entries), "after_id": after_id},
        )
    return AuditPage(
        entries=[AuditEntryOut.model_validate(entry) for entry in entries],
        next_after_id=entries[-1].id if len(entries) == limit else None,
    )
