"""Reports through the API: reporting points submit, partners read what was routed to them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from fraudlink.access.dependencies import require
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.crypto import FieldCipher
from fraudlink.database import keys_of
from fraudlink.errors import NotFound
from fraudlink.partners import service as partner_service
from fraudlink.reports import service, sharing
from fraudlink.reports.classification import classify
from fraudlink.reports.models import ReportSource
from fraudlink.reports.schemas import (
    ClassifyIn,
    ClassifyOut,
    Inbox,
    InboxItem,
    ReportIn,
    ReportReceipt,
    ReportView,
)
from fraudlink.reports.service import REFERENCE_PATTERN
from fraudlink.web.dependencies import AfterId, LanguageDep, RowId, SessionDep, SettingsDep
from fraudlink.web.problems import problem_responses

router = APIRouter(prefix="/v1", tags=["reports"], responses=problem_responses(401, 403, 422))

Submitter = Annotated[Principal, Depends(require(Permission.REPORT_SUBMIT))]
Reader = Annotated[Principal, Depends(require(Permission.REPORT_READ))]


@router.post("/reports", status_code=201, responses={200: {"model": ReportReceipt}})
def submit_report(
    body: ReportIn,
    principal: Submitter,
    session: SessionDep,
    settings: SettingsDep,
    language: LanguageDep,
    response: Response,
) -> ReportReceipt:
    """Take in a victim's report: route it to every partner that must act, and answer with a plan.

    Sending the same `external_id` again answers 200 with the report made the first time.
    """
    submission = service.submit(
        session,
        report=body,
        source=ReportSource.API,
        partner_id=principal.partner_id,
        actor=principal.actor,
        policy=service.RoutingPolicy.from_settings(settings),
    )
    if not submission.created:
        response.status_code = 200
    return service.receipt(
        session, submission.report, language=language, base_url=settings.public_base_url
    )


@router.post("/reports/classify")
def classify_narrative(body: ClassifyIn) -> ClassifyOut:
    """Suggest the fraud type of a narrative (public: the report page uses it while typing)."""
    suggestion = classify(body.narrative, body.channel)
    return ClassifyOut(fraud_type=suggestion.fraud_type, confidence=suggestion.confidence)


@router.get("/reports/{reference}", responses=problem_responses(404))
def read_report(
    reference: Annotated[str, Path(pattern=REFERENCE_PATTERN)],
    principal: Reader,
    session: SessionDep,
) -> ReportView:
    """A report the organisation submitted or received, as far as it may see it."""
    report = service.find_by_reference(session, reference=reference)
    shown = report and sharing.view_for(
        report,
        principal,
        directory=partner_service.directory(session),
        cipher=FieldCipher(keys_of(session).fields),
    )
    if report is None or shown is None:
        raise NotFound("reports.report_not_found", field="reference", reference=reference)
    service.record_reads(session, actor=principal.actor, reports=[report])
    return ReportView.model_validate(shown)


@router.get("/inbox")
def read_inbox(
    principal: Reader,
    session: SessionDep,
    status: Annotated[str, Query(pattern="^(open|all)$")] = "open",
    after_id: AfterId = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Inbox:
    """Reports routed to this organisation that await action (`status=all`: also handled ones)."""
    items = service.inbox(
        session,
        partner_id=principal.partner_id,
        open_only=status == "open",
        after_id=after_id,
        limit=limit,
    )
    service.record_reads(session, actor=principal.actor, reports=[item.report for item in items])
    directory = partner_service.directory(session)
    cipher = FieldCipher(keys_of(session).fields)
    shown = [
        InboxItem(
            id=item.id,
            routed_at=item.routed_at,
            acknowledged_at=item.acknowledged_at,
            report=ReportView.model_validate(
                sharing.view_for(item.report, principal, directory=directory, cipher=cipher)
            ),
        )
        for item in items
    ]
    return Inbox(items=shown, next_after_id=items[-1].id if len(items) == limit else None)


@router.post("/inbox/{item_id}/acknowledge", status_code=204, responses=problem_responses(404))
def acknowledge(item_id: RowId, principal: Reader, session: SessionDep) -> Response:
    """Mark an inbox item as taken up by this organisation."""
    service.acknowledge(
        session, item_id=item_id, partner_id=principal.partner_id, actor=principal.actor
    )
    return Response(status_code=204)
