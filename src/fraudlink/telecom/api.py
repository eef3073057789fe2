"""Telecom: partners protect their numbers and SMS sender names; operators check calls and
messages, and push call signals that no endpoint ever gives back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from fraudlink.access.dependencies import require
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.database import utcnow
from fraudlink.identifiers import Pseudonymiser
from fraudlink.indicators import service as indicator_service
from fraudlink.indicators.index import IndicatorIndex
from fraudlink.telecom import service
from fraudlink.telecom.models import ProtectedNumber, SmsSender
from fraudlink.telecom.schemas import (
    CallCheckIn,
    CallSignalAccepted,
    CallSignalIn,
    ProtectedNumberIn,
    ProtectedNumberList,
    ProtectedNumberOut,
    SmsCheckIn,
    SmsSenderIn,
    SmsSenderList,
    SmsSenderOut,
    VerdictOut,
)
from fraudlink.web.dependencies import DatabaseDep, LanguageDep, SessionDep, SettingsDep, SmallRowId
from fraudlink.web.problems import problem_responses

router = APIRouter(prefix="/v1/telecom", tags=["telecom"])

Protector = Annotated[Principal, Depends(require(Permission.NUMBER_PROTECT))]
Screener = Annotated[Principal, Depends(require(Permission.TELECOM_SCREEN))]
ERRORS = problem_responses(401, 403, 422)
SAVED = {
    **ERRORS,
    **problem_responses(409),
    200: {"description": "Registered before by your organisation: updated."},
}
ONE = {**ERRORS, **problem_responses(404)}


def _pseudonymiser(request: Request) -> Pseudonymiser:
    pseudonymiser: Pseudonymiser = request.app.state.pseudonymiser
    return pseudonymiser


def _index(request: Request, database: DatabaseDep) -> IndicatorIndex:
    """The worker's indicator index, caught up with every report until now."""
    index: IndicatorIndex = request.app.state.indicator_index
    index.catch_up(database)
    return index


def _number_out(session: SessionDep, protected: ProtectedNumber) -> ProtectedNumberOut:
    counts = service.spoof_counts(session, tokens=[protected.token], now=utcnow())
    return ProtectedNumberOut.of(protected, spoofed=counts.get(protected.token, 0))


def _sender_out(session: SessionDep, sender: SmsSender) -> SmsSenderOut:
    counts = service.block_counts(session, sender_ids=[sender.id], now=utcnow())
    return SmsSenderOut.of(sender, blocked=counts.get(sender.id, 0))


@router.post("/protected-numbers", status_code=201, responses=SAVED)
def protect_number(
    body: ProtectedNumberIn,
    principal: Protector,
    session: SessionDep,
    request: Request,
    response: Response,
) -> ProtectedNumberOut:
    """Protect a Dutch number of your organisation against spoofing (201); again: update (200).

    A number another organisation protects answers 409.
    """
    protected, created = service.protect(
        session,
        partner_id=principal.partner_id,
        number=service.Presented.of(
            body.number, field="number", token_of=_pseudonymiser(request).token
        ),
        inbound_only=body.inbound_only,
        label=body.label,
        actor=principal.actor,
    )
    if not created:
        response.status_code = 200
    return _number_out(session, protected)


@router.get("/protected-numbers", responses=ERRORS)
def list_protected_numbers(principal: Protector, session: SessionDep) -> ProtectedNumberList:
    """Your organisation's protected numbers, with how often each was seen spoofed lately."""
    found = service.protected_numbers(session, partner_id=principal.partner_id)
    counts = service.spoof_counts(session, tokens=[item.token for item in found], now=utcnow())
    return ProtectedNumberList(
        protected_numbers=[
            ProtectedNumberOut.of(item, spoofed=counts.get(item.token, 0)) for item in found
        ]
    )


@router.delete("/protected-numbers/{number_id}", status_code=204, responses=ONE)
def unprotect_number(number_id: SmallRowId, principal: Protector, session: SessionDep) -> Response:
    protected = service.get_protected(session, number_id=number_id, partner_id=principal.partner_id)
    service.unprotect(session, protected, actor=principal.actor)
    return Response(status_code=204)


@router.post("/sms-senders", status_code=201, responses=SAVED)
def register_sender(
    body: SmsSenderIn, principal: Protector, session: SessionDep, response: Response
) -> SmsSenderOut:
    """Register a sender name with the routes that may deliver it (201); again: new routes (200).

    A name that is, or looks like, another organisation's answers 409.
    """
    sender, created = service.register_sender(
        session,
        partner_id=principal.partner_id,
        name=body.name,
        routes=body.routes,
        actor=principal.actor,
    )
    if not created:
        response.status_code = 200
    return _sender_out(session, sender)


@router.get("/sms-senders", responses=ERRORS)
def list_senders(principal: Protector, session: SessionDep) -> SmsSenderList:
    """Your organisation's sender names, with how many imitations were blocked lately."""
    found = service.sms_senders(session, partner_id=principal.partner_id)
    counts = service.block_counts(session, sender_ids=[item.id for item in found], now=utcnow())
    return SmsSenderList(
        sms_senders=[SmsSenderOut.of(item, blocked=counts.get(item.id, 0)) for item in found]
    )


@router.delete("/sms-senders/{sender_id}", status_code=204, responses=ONE)
def remove_sender(sender_id: SmallRowId, principal: Protector, session: SessionDep) -> Response:
    sender = service.get_sender(session, sender_id=sender_id, partner_id=principal.partner_id)
    service.remove_sender(session, sender, actor=principal.actor)
    return Response(status_code=204)


@router.post("/calls/check", responses=ERRORS)
def check_call(
    body: CallCheckIn,
    principal: Screener,
    session: SessionDep,
    settings: SettingsDep,
    language: LanguageDep,
    request: Request,
    database: DatabaseDep,
) -> VerdictOut:
    """Is the caller number of this call spoofed or reported? allow, warn or block, and why."""
    caller = (
        None
        if body.presented_number is None
        else service.Presented.of(
            body.presented_number,
            field="presented_number",
            token_of=_pseudonymiser(request).token,
        )
    )
    judgement = service.check_call(
        session,
        principal=principal,
        caller=caller,
        origin=body.origin,
        callee_token=body.callee_token,
        index=_index(request, database),
        policy=indicator_service.Policy.from_settings(settings),
        windows=service.Windows.from_settings(settings),
        now=utcnow(),
    )
    return VerdictOut.of(judgement, language)


@router.post("/sms/check", responses=ERRORS)
def check_sms(
    body: SmsCheckIn, principal: Screener, session: SessionDep, language: LanguageDep
) -> VerdictOut:
    """May a message with this sender name come over this route? allow or block, and why."""
    judgement = service.check_sms(
        session, principal=principal, sender=body.sender, route=body.route, now=utcnow()
    )
    return VerdictOut.of(judgement, language)


@router.post("/call-signals", status_code=202, responses=ERRORS)
def push_call_signal(
    body: CallSignalIn,
    principal: Screener,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    database: DatabaseDep,
) -> CallSignalAccepted:
    """A subscriber of yours is in a call (again with `ended_at` once it ended).

    Used only inside payment decisions on the subscriber's own payments, until it expires; the
    answer says when, and nothing about how the caller was judged.
    """
    pseudonymiser = _pseudonymiser(request)
    subscriber = service.Presented.of(
        body.subscriber_number, field="subscriber_number", token_of=pseudonymiser.token
    )
    caller = (
        None
        if body.caller_number is None
        else service.Presented.of(
            body.caller_number, field="caller_number", token_of=pseudonymiser.token
        )
    )
    expires_at = service.record_call_signal(
        session,
        principal=principal,
        subscriber_token=subscriber.token,
        caller=caller,
        origin=body.origin,
        started_at=body.started_at,
        ended_at=body.ended_at,
        index=_index(request, database),
        windows=service.Windows.from_settings(settings),
        now=utcnow(),
    )
    return CallSignalAccepted(expires_at=expires_at)
