"""Payment decisions for banks and payment providers: ask, learn why, tell us what happened."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from fraudlink.access.dependencies import require, require_without_writing
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.database import utcnow
from fraudlink.decisions import pacs008, service
from fraudlink.decisions.batcher import DecisionBatcher
from fraudlink.decisions.features import NameKeys, Payment
from fraudlink.decisions.models import Decision
from fraudlink.decisions.rulebook import Rulebook
from fraudlink.decisions.rules import Evaluation, RuleSet, Texts
from fraudlink.decisions.schemas import (
    BATCH_BODY_SCHEMA,
    MAX_BATCH,
    PAYMENT_BODY_SCHEMA,
    AllowListIn,
    AllowListOut,
    DecisionList,
    DecisionOut,
    PaymentIn,
    TruthIn,
)
from fraudlink.decisions.vocabulary import PaymentChannel
from fraudlink.errors import InvalidInput
from fraudlink.identifiers import Pseudonymiser
from fraudlink.reports.vocabulary import AgeBand
from fraudlink.web.dependencies import DatabaseDep, RowId, SessionDep
from fraudlink.web.problems import problem_responses

router = APIRouter(prefix="/v1/decisions", tags=["decisions"])
Requester = Annotated[Principal, Depends(require(Permission.DECISION_REQUEST))]
# The decision routes keep their write transaction short: the key is checked before it, and
# the batcher notes the key's use in it.
Asker = Annotated[Principal, Depends(require_without_writing(Permission.DECISION_REQUEST))]
_XML_TYPES = ("application/xml", "text/xml")
_BODY_DOC = {
    "requestBody": {
        "description": "A payment (JSON), or an ISO 20022 pacs.008 message in XML or JSON.",
        "content": {
            "application/json": {"schema": PAYMENT_BODY_SCHEMA},
            "application/xml": {"schema": {"type": "string"}},
        },
        "required": True,
    }
}


async def pacs008_extras(
    channel: Annotated[PaymentChannel | None, Query()] = None,
    debtor_age_band: Annotated[AgeBand | None, Query()] = None,
    new_creditor: Annotated[bool | None, Query()] = None,
    debtor_phone: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """What pacs.008 does not carry, given once for every payment of the message (async: a
    plain function would cost a thread hand-off on the hot path)."""
    given = {
        "channel": channel,
        "debtor_age_band": debtor_age_band,
        "new_creditor": new_creditor,
        "debtor_phone": debtor_phone,
    }
    return {name: value for name, value in given.items() if value is not None}


ExtrasDep = Annotated[dict[str, Any], Depends(pacs008_extras)]


async def _payments_in(
    request: Request, extras: dict[str, Any], *, batch: bool
) -> tuple[list[PaymentIn], bool]:
    """The body as payments (our JSON, pacs.008 JSON or XML), and whether it held a list."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    documents, listed = _documents(await request.body(), content_type, extras, batch)
    if not documents:
        raise InvalidInput("decisions.batch_empty", field="payments")
    if len(documents) > MAX_BATCH:
        raise InvalidInput("decisions.batch_too_large", field="payments", limit=MAX_BATCH)
    if not batch and len(documents) != 1:
        raise InvalidInput("decisions.single_expected", field="body", count=len(documents))
    payments, errors = [], []
    for position, document in enumerate(documents):
        try:
            payments.append(PaymentIn.model_validate(document))
        except ValidationError as error:
            where = ("body", "payments", position) if listed else ("body",)
            errors += [{**detail, "loc": (*where, *detail["loc"])} for detail in error.errors()]
    if errors:
        raise RequestValidationError(errors)
    return payments, listed


def _documents(
    body: bytes, content_type: str, extras: dict[str, Any], batch: bool
) -> tuple[list[Any], bool]:
    if content_type in _XML_TYPES:
        return [payment | extras for payment in pacs008.from_xml(body)], True
    try:
        document = json.loads(body)
    except ValueError:
        raise InvalidInput("decisions.body_not_json", field="body") from None
    if pacs008.is_pacs008(document):
        return [payment | extras for payment in pacs008.from_json(document)], True
    if not batch:
        return [document], False
    payments = document.get("payments") if isinstance(document, dict) else None
    if not isinstance(payments, list) or set(document) != {"payments"}:
        raise InvalidInput("decisions.batch_shape", field="payments")
    return payments, True


async def _decide(
    request: Request,
    principal: Principal,
    payments: list[PaymentIn],
    *,
    listed: bool,
) -> list[service.Decided]:
    state = request.app.state
    pseudonymiser: Pseudonymiser = state.pseudonymiser
    name_keys: NameKeys = state.name_keys
    now = utcnow()
    prepared: list[Payment] = [
        service.prepare(
            payment,
            pseudonymiser=pseudonymiser,
            name_keys=name_keys,
            now=now,
            field_prefix=f"payments.{position}." if listed else "",
        )
        for position, payment in enumerate(payments)
    ]
    batcher: DecisionBatcher = state.decision_batcher
    return await batcher.decide(principal, prepared)


@router.post(
    "",
    response_model=DecisionOut,
    openapi_extra=_BODY_DOC,
    responses=problem_responses(401, 403, 422),
)
async def decide(request: Request, principal: Asker, extras: ExtrasDep) -> JSONResponse:
    """Decide one payment now: allow, warn, delay or block, with the reasons.

    Accepts the payment as JSON (see PaymentIn), or a pacs.008 message with one credit transfer
    (XML with `Content-Type: application/xml`, or JSON); the query parameters add to a pacs.008
    what it does not carry.
    """
    payments, listed = await _payments_in(request, extras, batch=False)
    (decided,) = await _decide(request, principal, payments, listed=listed)
    return JSONResponse(_decided_json(decided))


@router.post(
    "/batch",
    response_model=DecisionList,
    openapi_extra={
        "requestBody": {
            "description": '{"payments": [...]} (at most 10,000), or a pacs.008 message.',
            "content": {
                "application/json": {"schema": BATCH_BODY_SCHEMA},
                "application/xml": {"schema": {"type": "string"}},
            },
            "required": True,
        }
    },
    responses=problem_responses(401, 403, 422),
)
async def decide_batch(request: Request, principal: Asker, extras: ExtrasDep) -> JSONResponse:
    """Decide many payments in one request; the decisions come back in the same order."""
    payments, listed = await _payments_in(request, extras, batch=True)
    decided = await _decide(request, principal, payments, listed=listed)
    return JSONResponse({"decisions": [_decided_json(one) for one in decided]})


def _decided_json(decided: service.Decided) -> dict[str, Any]:
    """The answer built by hand: at thousands per second, a response model costs too much."""
    evaluation = decided.evaluation
    return {
        "id": decided.id,
        "reference": decided.reference,
        "decided_at": decided.decided_at.isoformat(),
        "outcome": evaluation.outcome.value,
        "score": evaluation.score,
        "reasons": [
            reason.stored() | {"nl": reason.nl, "en": reason.en} for reason in evaluation.reasons
        ],
        "customer_warning": _texts(evaluation),
        "rules_version": decided.rules_version,
    }


def _texts(evaluation: Evaluation) -> dict[str, str] | None:
    warning: Texts | None = evaluation.warning
    return None if warning is None else {"nl": warning.nl, "en": warning.en}


@router.get("", response_model=DecisionList, responses=problem_responses(401, 403))
def recent_decisions(
    session: SessionDep,
    principal: Requester,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """The organisation's latest decisions, newest first."""
    decisions = service.recent(session, partner_id=principal.partner_id, limit=limit)
    return {"decisions": [_stored_json(session, decision) for decision in decisions]}


@router.get("/effectiveness", responses=problem_responses(401, 403))
def effectiveness(
    session: SessionDep,
    principal: Requester,
    days: Annotated[int, Query(ge=1, le=3660)] = 90,
) -> dict[str, Any]:
    """Precision, recall and money stopped per rule-set version and rule, from the outcomes you
    reported; the shadow rule set's figures on the same payments beside them."""
    figures = service.effectiveness(
        session, partner_id=principal.partner_id, since=utcnow() - timedelta(days=days)
    )
    return {
        "days": days,
        "live": {version: tally.as_dict() for version, tally in figures.live.items()},
        "shadow": {version: tally.as_dict() for version, tally in figures.shadow.items()},
        "agreement": figures.agreement,
    }


@router.get("/rules", responses=problem_responses(401, 403))
def current_rules(request: Request, database: DatabaseDep, principal: Requester) -> dict[str, Any]:
    """The live rule set (and the shadow one) as they apply to your organisation."""
    rulebook: Rulebook = request.app.state.rulebook
    rulebook.refresh(database)
    live, shadow = rulebook.sets_for(principal.partner_name)
    return {"live": _rules_json(live), "shadow": _rules_json(shadow) if shadow else None}


def _rules_json(rule_set: RuleSet) -> dict[str, Any]:
    return {
        "version": rule_set.version,
        "thresholds": rule_set.thresholds.model_dump(),
        "rules": [
            {
                "code": rule.code,
                "weight": rule.weight,
                "floor": rule.floor.value,
                "features": list(rule.reads),
                "nl": rule.text.nl,
                "en": rule.text.en,
            }
            for rule in rule_set.rules
        ],
    }


@router.get("/allow-list", response_model=list[AllowListOut], responses=problem_responses(401, 403))
def allow_list(session: SessionDep, principal: Requester) -> list[AllowListOut]:
    """Creditors your organisation trusts for all its customers: they are always allowed."""
    return [
        AllowListOut.model_validate(entry, from_attributes=True)
        for entry in service.allow_list(session, partner_id=principal.partner_id)
    ]


@router.post(
    "/allow-list",
    status_code=201,
    response_model=AllowListOut,
    responses=problem_responses(401, 403, 422),
)
def add_to_allow_list(
    request: Request, session: SessionDep, principal: Requester, body: AllowListIn
) -> AllowListOut:
    entry = service.add_to_allow_list(
        session,
        partner_id=principal.partner_id,
        creditor_iban=body.creditor_iban,
        note=body.note,
        pseudonymiser=request.app.state.pseudonymiser,
        actor=principal.actor,
    )
    return AllowListOut.model_validate(entry, from_attributes=True)


@router.delete(
    "/allow-list/{entry_id}", status_code=204, responses=problem_responses(401, 403, 404)
)
def remove_from_allow_list(session: SessionDep, principal: Requester, entry_id: RowId) -> None:
    service.remove_from_allow_list(
        session, partner_id=principal.partner_id, entry_id=entry_id, actor=principal.actor
    )


@router.get(
    "/{decision_id}", response_model=DecisionOut, responses=problem_responses(401, 403, 404)
)
def get_decision(session: SessionDep, principal: Requester, decision_id: str) -> dict[str, Any]:
    """One of your decisions, with its reasons."""
    decision = service.find(session, decision_id=decision_id, partner_id=principal.partner_id)
    return _stored_json(session, decision)


@router.post("/{decision_id}/outcome", responses=problem_responses(401, 403, 404, 422))
def report_outcome(
    session: SessionDep, principal: Requester, decision_id: str, body: TruthIn
) -> dict[str, Any]:
    """What you found out later: the payment was fraud (confirmed_fraud) or not (false_alarm)."""
    decision = service.record_truth(
        session,
        decision_id=decision_id,
        partner_id=principal.partner_id,
        truth=body.outcome,
        actor=principal.actor,
    )
    return {"id": decision.id, "outcome": decision.outcome.value, "truth": body.outcome.value}


def _stored_json(session: Session, decision: Decision) -> dict[str, Any]:
    evaluation = service.evaluation_of(session, decision)
    return _decided_json(
        service.Decided(
            decision.id, decision.reference, decision.decided_at, evaluation, decision.rules_version
        )
    )
