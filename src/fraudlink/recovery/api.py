"""Refund requests through the API: the victim's bank asks, the beneficiary's bank answers,
the programme keeps the central register."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from fraudlink.access.dependencies import require
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.database import utcnow
from fraudlink.i18n import translate
from fraudlink.recovery import register, service
from fraudlink.recovery.models import RecoveryRequest
from fraudlink.recovery.schemas import (
    AnswerIn,
    ConditionOut,
    EligibilityOut,
    NawIn,
    NawOut,
    ReasonIn,
    RecoveryRequestIn,
    RecoveryRequestList,
    RecoveryRequestOut,
)
from fraudlink.web.dependencies import LanguageDep, RowId, SessionDep, SettingsDep
from fraudlink.web.downloads import attachment
from fraudlink.web.problems import problem_responses

router = APIRouter(prefix="/v1/recovery", tags=["recovery"])

Worker = Annotated[Principal, Depends(require(Permission.RECOVERY_WORK))]
Overseer = Annotated[Principal, Depends(require(Permission.RECOVERY_OVERSEE))]
Reader = Annotated[Principal, Depends(require())]
ERRORS = problem_responses(401, 403, 422)
MOVE = {**ERRORS, **problem_responses(404, 409)}


def _one(session: SessionDep, request: RecoveryRequest, principal: Principal) -> RecoveryRequestOut:
    [shown] = service.describe(session, [request], principal=principal, now=utcnow())
    return shown


def _many(
    session: SessionDep, requests: list[RecoveryRequest], principal: Principal
) -> RecoveryRequestList:
    return RecoveryRequestList(
        requests=service.describe(session, requests, principal=principal, now=utcnow())
    )


@router.post("/eligibility", responses=ERRORS)
def check_eligibility(
    body: RecoveryRequestIn,
    principal: Worker,
    session: SessionDep,
    settings: SettingsDep,
    language: LanguageDep,
) -> EligibilityOut:
    """Check a request against the PNBF conditions without sending it: each one, met or not."""
    assessment = service.assess(
        session,
        body,
        requester_id=principal.partner_id,
        rules=service.Rules.from_settings(settings),
        now=utcnow(),
    )
    return EligibilityOut(
        eligible=assessment.eligible,
        conditions=[
            ConditionOut(
                condition=check.condition,
                met=check.met,
                field=check.field,
                message=translate(check.message_key, language, **check.params),
            )
            for check in assessment.checks
        ],
    )


@router.post(
    "/requests",
    status_code=201,
    responses={**ERRORS, **problem_responses(409), 200: {"model": RecoveryRequestOut}},
)
def send_request(
    body: RecoveryRequestIn,
    principal: Worker,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> RecoveryRequestOut:
    """Send a refund request to the bank or payment provider holding the beneficiary's account.

    A failed condition answers 422 naming each one (field and reason). Sending the same
    `requester_reference` again answers 200 with the first request.
    """
    request, created = service.send(
        session,
        body,
        requester=principal,
        rules=service.Rules.from_settings(settings),
        now=utcnow(),
    )
    if not created:
        response.status_code = 200
    return _one(session, request, principal)


@router.get("/requests", responses=ERRORS)
def list_requests(
    principal: Worker,
    session: SessionDep,
    side: Annotated[str, Query(pattern="^(sent|received)$")] = "sent",
    status: Annotated[str, Query(pattern="^(open|all)$")] = "open",
) -> RecoveryRequestList:
    """The requests your organisation sent or received, newest first."""
    found = service.requests_of(
        session, partner_id=principal.partner_id, side=side, open_only=status == "open"
    )
    return _many(session, list(found), principal)


@router.get("/requests/{request_id}", responses={**ERRORS, **problem_responses(404)})
def read_request(request_id: RowId, principal: Reader, session: SessionDep) -> RecoveryRequestOut:
    """A request of your organisation (or, for the programme, any request), with its history."""
    request = service.get_visible(session, request_id=request_id, principal=principal)
    return _one(session, request, principal)


@router.post("/requests/{request_id}/answer", responses=MOVE)
def answer_request(
    request_id: RowId, body: AnswerIn, principal: Worker, session: SessionDep
) -> RecoveryRequestOut:
    """The beneficiary's bank answers. Any other organisation gets 403; an answer the current
    state does not allow gets 409 naming that state."""
    request = service.answer(
        session, request_id=request_id, reply=body, principal=principal, now=utcnow()
    )
    return _one(session, request, principal)


@router.post("/requests/{request_id}/naw-request", responses=MOVE)
def request_naw(
    request_id: RowId, principal: Worker, session: SessionDep, settings: SettingsDep
) -> RecoveryRequestOut:
    """The victim's bank asks for the beneficiary's name and address, after the waiting period."""
    request = service.request_naw(
        session,
        request_id=request_id,
        principal=principal,
        rules=service.Rules.from_settings(settings),
        now=utcnow(),
    )
    return _one(session, request, principal)


@router.post("/requests/{request_id}/naw", responses=MOVE)
def release_naw(
    request_id: RowId, body: NawIn, principal: Worker, session: SessionDep, settings: SettingsDep
) -> RecoveryRequestOut:
    """The beneficiary's bank releases name and address to the requesting bank, for a civil
    claim only. They are stored encrypted and erased after the configured time."""
    request = service.release_naw(
        session,
        request_id=request_id,
        naw=body,
        principal=principal,
        rules=service.Rules.from_settings(settings),
        now=utcnow(),
    )
    return _one(session, request, principal)


@router.get("/requests/{request_id}/naw", responses=MOVE)
def read_naw(request_id: RowId, principal: Worker, session: SessionDep) -> NawOut:
    """The released name and address: for the requesting bank only, with `recovery:read_naw`.
    Every read is in the audit log."""
    naw = service.read_naw(session, request_id=request_id, principal=principal)
    return NawOut(request_id=request_id, **vars(naw))


@router.post("/requests/{request_id}/withdraw", responses=MOVE)
def withdraw_request(
    request_id: RowId, body: ReasonIn, principal: Worker, session: SessionDep
) -> RecoveryRequestOut:
    """The victim's bank stops an open request."""
    request = service.withdraw(
        session, request_id=request_id, reason=body.reason, principal=principal, now=utcnow()
    )
    return _one(session, request, principal)


@router.get("/inbox", responses=ERRORS)
def inbox(principal: Worker, session: SessionDep) -> RecoveryRequestList:
    """What awaits your organisation's move: overdue first, then by deadline."""
    found = service.inbox(session, partner_id=principal.partner_id, now=utcnow())
    return _many(session, list(found), principal)


@router.get("/overdue", responses=ERRORS)
def overdue(principal: Overseer, session: SessionDep) -> RecoveryRequestList:
    """Every request past its deadline, longest overdue first (the programme's escalations)."""
    return _many(session, list(service.overdue(session, now=utcnow())), principal)


def _register(
    session: SessionDep, settings: SettingsDep, principal: Principal
) -> register.Register:
    rules = service.Rules.from_settings(settings)
    return register.for_principal(session, principal, rules=rules, now=utcnow())


@router.get("/stats", responses=ERRORS)
def stats(principal: Reader, session: SessionDep, settings: SettingsDep) -> dict[str, object]:
    """The central register's figures: requests, days to first answer and to resolution
    (median, 90th percentile), euros and share recovered; in total, by bank pair, fraud type
    and month. The programme sees all requests, a bank or provider its own."""
    return _register(session, settings, principal).as_dict()


@router.get("/stats.csv", responses=ERRORS, response_class=Response)
def stats_csv(principal: Reader, session: SessionDep, settings: SettingsDep) -> Response:
    """The same figures as one CSV table (a `group` and a `key` column name each row)."""
    return attachment(
        _register(session, settings, principal).as_csv(), filename="recovery-register.csv"
    )
