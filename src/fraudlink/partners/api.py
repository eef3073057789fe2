"""The partner directory: which organisations take part, and what accounts and numbers they hold."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from fraudlink.access.dependencies import require
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.partners import service
from fraudlink.partners.schemas import PartnerList, PartnerOut
from fraudlink.web.dependencies import SessionDep
from fraudlink.web.problems import problem_responses

router = APIRouter(prefix="/v1", tags=["partners"], responses=problem_responses(401, 403, 422))


@router.get("/partners")
def list_partners(
    _principal: Annotated[Principal, Depends(require(Permission.PARTNER_READ))],
    session: SessionDep,
) -> PartnerList:
    return PartnerList(partners=[PartnerOut.of(partner) for partner in service.list_all(session)])
