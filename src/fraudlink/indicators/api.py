"""The public check and the partners' indicator exchange."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from fraudlink.access.dependencies import require
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.audit import service as audit_service
from fraudlink.audit.service import PUBLIC
from fraudlink.crypto import FieldCipher
from fraudlink.database import keys_of, utcnow
from fraudlink.errors import InvalidInput, NotFound
from fraudlink.identifiers import (
    MAX_INPUT_LENGTH,
    Identifier,
    IdentifierKind,
    InvalidIdentifier,
    Pseudonymiser,
    parse,
)
from fraudlink.indicators import check as check_service
from fraudlink.indicators import service
from fraudlink.indicators.bloom import BloomFilter
from fraudlink.indicators.index import IndicatorIndex
from fraudlink.indicators.interchange.misp import MISP_TYPE_OF
from fraudlink.indicators.models import Dispute, Indicator
from fraudlink.indicators.schemas import (
    LISTING_BODY_SCHEMA,
    Changes,
    CheckOut,
    DecisionIn,
    DisputeForReview,
    DisputeIn,
    DisputeList,
    DisputeOut,
    IndicatorBatch,
    IndicatorIn,
    IndicatorList,
    IndicatorOut,
    SharedSetKey,
    SightingIn,
    SightingOut,
)
from fraudlink.settings import Settings
from fraudlink.web import ratelimit
from fraudlink.web.dependencies import DatabaseDep, LanguageDep, RowId, SessionDep, SettingsDep
from fraudlink.web.problems import problem_responses

router = APIRouter(prefix="/v1", tags=["indicators"])


def indicator_index(request: Request) -> IndicatorIndex:
    index: IndicatorIndex = request.app.state.indicator_index
    return index


def run_check(
    request: Request, database: DatabaseDep, value: str, language: LanguageDep
) -> check_service.CheckResult:
    """Check ``value`` within the client's budget (429 beyond it), on an up-to-date index."""
    try:
        identifier = parse(value)
    except InvalidIdentifier as error:
        ratelimit.enforce(request, "")  # spends budget, but is no distinct value
        raise InvalidInput(f"identifiers.{error.code}", field="value", **error.params) from None
    pseudonymiser: Pseudonymiser = request.app.state.pseudonymiser
    token = pseudonymiser.token(identifier)
    ratelimit.enforce(request, token)
    index = indicator_index(request)
    index.catch_up(database)
    return check_service.check(
        identifier, token=token, index=index, now=utcnow(), language=language
    )


@router.get("/check", responses=problem_responses(422, 429))
async def check(
    request: Request,
    database: DatabaseDep,
    language: LanguageDep,
    value: Annotated[
        str,
        Query(
            max_length=MAX_INPUT_LENGTH,
            description="An IBAN, phone number, web address, e-mail address or wallet address.",
            examples=["NL91 ABNA 0417 1643 00"],
        ),
    ],
) -> CheckOut:
    """Was this reported as fraud? Anyone may ask; the answer is in bands and never says "safe".

    Runs on the event loop rather than in a worker thread: its work (parse, a hash, one small
    indexed query, an in-memory lookup) takes about 0.1 ms, less than a thread hand-off.
    """
    return CheckOut.of(run_check(request, database, value, language))


Reader = Annotated[Principal, Depends(require(Permission.INDICATOR_READ))]
Submitter = Annotated[Principal, Depends(require(Permission.INDICATOR_SUBMIT))]
PARTNER_ERRORS = problem_responses(401, 403, 422)


def _views(
    session: SessionDep, principal: Principal, indicators: Sequence[Indicator], settings: Settings
) -> list[IndicatorOut]:
    return IndicatorOut.as_seen_by(
        session, principal, indicators, policy=service.Policy.from_settings(settings)
    )


@router.post(
    "/indicators",
    status_code=201,
    responses=PARTNER_ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": LISTING_BODY_SCHEMA}},
        }
    },
)
def submit_indicators(
    body: Annotated[dict[str, Any], Body()],
    principal: Submitter,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> IndicatorList:
    """List one indicator, or up to 1,000 as `{"indicators": [...]}`; a value again updates it."""
    model: type[IndicatorBatch | IndicatorIn] = (
        IndicatorBatch if "indicators" in body else IndicatorIn
    )
    try:
        parsed = model.model_validate(body)
    except ValidationError as invalid:
        raise RequestValidationError(invalid.errors(), body=body) from None
    items = parsed.indicators if isinstance(parsed, IndicatorBatch) else [parsed]
    pseudonymiser: Pseudonymiser = request.app.state.pseudonymiser
    indicators = service.submit(
        session,
        listings=[
            service.Listing(item.parsed, item.fraud_type.value, item.confirmed, item.tlp)
            for item in items
        ],
        partner_id=principal.partner_id,
        token_of=pseudonymiser.token,
        actor=principal.actor,
        policy=service.Policy.from_settings(settings),
    )
    return IndicatorList(indicators=_views(session, principal, indicators, settings))


@router.get("/indicators", responses={**PARTNER_ERRORS, **problem_responses(404)})
def find_indicator(
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    value: Annotated[str | None, Query(max_length=MAX_INPUT_LENGTH)] = None,
    token: Annotated[str | None, Query(pattern="^[0-9a-f]{64}$")] = None,
) -> IndicatorOut:
    """Look an indicator up by raw value (pseudonymised here) or token; every lookup is audited."""
    if (value is None) == (token is None):
        raise InvalidInput("indicators.value_or_token", field="value")
    if value is not None:
        try:
            token = request.app.state.pseudonymiser.token(parse(value))
        except InvalidIdentifier as error:
            raise InvalidInput(f"identifiers.{error.code}", field="value", **error.params) from None
    assert token is not None
    indicator = service.find(session, token=token)
    if indicator is None:
        raise NotFound("indicators.unknown_value", field="value" if value else "token")
    service.record_lookups(session, actor=principal.actor, indicators=[indicator])
    return _views(session, principal, [indicator], settings)[0]


@router.get("/indicators/changes", responses=PARTNER_ERRORS)
def indicator_changes(
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    since: Annotated[
        int, Query(ge=0, le=2**63 - 1, description="The `next_since` of the previous page.")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> Changes:
    """New and changed indicators after a cursor, oldest change first: poll to follow."""
    changed = service.changes_since(session, since=since, limit=limit)
    views = _views(session, principal, changed, settings)
    next_since = changed[-1].change if changed else since
    if views:  # an empty poll discloses nothing; auditing it would flood the log
        audit_service.record(
            session,
            actor=principal.actor,
            action="indicator.changes_read",
            details={
                "since": since,
                "next_since": next_since,
                "count": len(views),
                "raw_values": sum(view.value is not None for view in views),
            },
        )
    return Changes(indicators=views, next_since=next_since)


@router.post(
    "/indicators/{indicator_id}/sightings",
    status_code=201,
    responses={**PARTNER_ERRORS, **problem_responses(404)},
)
def add_sighting(
    indicator_id: RowId,
    body: SightingIn,
    principal: Submitter,
    session: SessionDep,
    settings: SettingsDep,
) -> SightingOut:
    """Tell the partners what you saw: an attempted payment, a call, or a false positive."""
    sighting = service.add_sighting(
        session,
        indicator_id=indicator_id,
        partner_id=principal.partner_id,
        kind=body.kind,
        seen_at=body.seen_at or utcnow(),
        count=body.count,
        actor=principal.actor,
        policy=service.Policy.from_settings(settings),
    )
    return SightingOut(
        id=sighting.id,
        indicator_id=sighting.indicator_id,
        kind=sighting.kind,
        seen_at=sighting.seen_at,
        count=sighting.count,
    )


Reviewer = Annotated[Principal, Depends(require(Permission.INDICATOR_REVIEW))]


@router.post("/disputes", status_code=201, responses=problem_responses(404, 422, 429))
def open_dispute(
    body: DisputeIn, session: SessionDep, settings: SettingsDep, request: Request
) -> DisputeOut:
    """A holder disputes a listing of their account, number or address (no key needed)."""
    try:
        identifier = parse(body.value)
    except InvalidIdentifier as error:
        raise InvalidInput(f"identifiers.{error.code}", field="value", **error.params) from None
    dispute = file_dispute(request, session, settings, body, identifier)
    return DisputeOut(
        id=dispute.id, status=dispute.status, opened_at=dispute.opened_at, decided_at=None
    )


def file_dispute(
    request: Request,
    session: Session,
    settings: Settings,
    body: DisputeIn,
    identifier: Identifier,
) -> Dispute:
    """Open a holder's dispute (for the API and the page), within the public budget."""
    token = request.app.state.pseudonymiser.token(identifier)
    ratelimit.enforce(request, token)  # a public write: the same budget as the check
    return service.open_dispute(
        session,
        token=token,
        statement=body.statement,
        contact=body.contact,
        cipher=FieldCipher(keys_of(session).fields),
        actor=PUBLIC,
        policy=service.Policy.from_settings(settings),
    )


def for_review(session: SessionDep, dispute: Dispute) -> DisputeForReview:
    indicator = session.get_one(Indicator, dispute.indicator_id)
    cipher = FieldCipher(keys_of(session).fields)
    return DisputeForReview(
        id=dispute.id,
        status=dispute.status,
        opened_at=dispute.opened_at,
        decided_at=dispute.decided_at,
        indicator_id=indicator.id,
        kind=IdentifierKind(indicator.kind),
        value=indicator.value,
        statement=service.dispute_statement(dispute, indicator, cipher),
        contact=service.dispute_contact(dispute, indicator, cipher),
        reason=dispute.reason,
    )


@router.get("/disputes", responses=PARTNER_ERRORS)
def list_disputes(
    principal: Reviewer,
    session: SessionDep,
    status: Annotated[str, Query(pattern="^(open|all)$")] = "open",
) -> DisputeList:
    """Disputes for reviewers (helpdesk, police), oldest first."""
    found = service.disputes(session, open_only=status == "open")
    service.record_lookups(
        session,
        actor=principal.actor,
        indicators=[session.get_one(Indicator, dispute.indicator_id) for dispute in found],
    )
    return DisputeList(disputes=[for_review(session, dispute) for dispute in found])


@router.post(
    "/disputes/{dispute_id}/decision",
    responses={**PARTNER_ERRORS, **problem_responses(404, 409)},
)
def decide_dispute(
    dispute_id: RowId,
    body: DecisionIn,
    principal: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
) -> DisputeForReview:
    """Clear the listing (it stops matching as fraud) or uphold it, with the reason."""
    dispute = service.decide_dispute(
        session,
        dispute_id=dispute_id,
        clear=body.decision == "clear",
        reason=body.reason,
        principal=principal,
        policy=service.Policy.from_settings(settings),
    )
    return for_review(session, dispute)


SET_FORMATS = Literal["bloom", "pss", "tokens"]


def _set_key_id(kind: IdentifierKind) -> str:
    return f"fraudlink-{kind.value}-v1"


@router.get("/indicators/sets/key", responses=PARTNER_ERRORS)
def shared_set_key(principal: Reader, session: SessionDep) -> SharedSetKey:
    """The key to hash values with before testing them against a downloaded Bloom filter."""
    audit_service.record(session, actor=principal.actor, action="indicator.set_key")
    return SharedSetKey(key=keys_of(session).shared_sets.hex())


@router.get(
    "/indicators/sets/{kind}",
    responses={
        **PARTNER_ERRORS,
        200: {"content": {"application/octet-stream": {}, "text/plain": {}}},
    },
)
def shared_set(
    kind: IdentifierKind,
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    format: SET_FORMATS = "bloom",
    false_positive_rate: Annotated[float, Query(gt=0, lt=0.5)] = 0.001,
) -> Response:
    """Active indicators of a kind for matching locally, without their raw values.

    `bloom`: a keyed Bloom filter in CIRCL's Private Search Set format (see docs/bloom-filter.md;
    the key from `/v1/indicators/sets/key`); `pss`: its PSS description; `tokens`: the pseudonym
    tokens, one per line.
    """
    members = service.shared_set(
        session, kind=kind.value, policy=service.Policy.from_settings(settings)
    )
    audit_service.record(
        session,
        actor=principal.actor,
        action="indicator.set_download",
        subject_type="indicator_set",
        subject_id=kind.value,
        details={"format": format, "indicators": len(members)},
    )
    if format == "tokens":
        body = "".join(f"{member.token}\n" for member in members)
        return Response(body, media_type="text/plain")
    bloom = BloomFilter.for_capacity(
        max(len(members), 1), false_positive_rate, keys_of(session).shared_sets
    )
    bloom.update(str(member.value).encode() for member in members)
    if format == "bloom":
        return Response(bloom.to_bytes(), media_type="application/octet-stream")
    metadata = bloom.pss_metadata(
        keyid=_set_key_id(kind),
        description=f"fraudlink: active {kind.value} indicators, TLP:AMBER or lower",
        generated_timestamp=int(utcnow().timestamp()),
        misp_attribute_types=[MISP_TYPE_OF[kind]],
    )
    return JSONResponse(metadata)
