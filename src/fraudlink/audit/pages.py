"""The audit log as a page for partner staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from fraudlink.access.dependencies import require_page
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.audit import service
from fraudlink.partners import service as partner_service
from fraudlink.web.dependencies import AfterId, SessionDep
from fraudlink.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50


@router.get("/account/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require_page(Permission.AUDIT_READ))],
    after_id: AfterId = 0,
) -> HTMLResponse:
    """Everyone's entries for the programme, the own organisation's for everybody else."""
    sees_all = principal.can(Permission.AUDIT_READ_ALL)
    entries = service.list_entries(
        session,
        partner_id=None if sees_all else principal.partner_id,
        after_id=after_id,
        limit=PAGE_SIZE,
    )
    if sees_all:
        service.record(
            session,
            actor=principal.actor,
            action="audit.read",
            subject_type="partner",
            subject_id="all",
            details={"entries": len(entries), "after_id": after_id},
        )
    names = {partner.id: partner.name for partner in partner_service.list_all(session)}
    return render(
        request,
        "audit.html",
        {
            "entries": entries,
            "partner_names": names,
            "sees_all": sees_all,
            "next_after_id": entries[-1].id if len(entries) == PAGE_SIZE else None,
        },
    )
