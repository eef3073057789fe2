"""Recover the money: refund requests between banks and payment providers (the PNBF).

The PNBF (*Procedure NAW-gegevens Begunstigde bij niet-bancaire Fraude*) lets the victim's
bank ask the beneficiary's bank to freeze and return the money; when the beneficiary has not
paid back within the waiting period, the beneficiary's name and address (NAW) are released to
the victim's bank, for a civil claim only. Here every request is registered centrally, moves
through explicit states (``TRANSITIONS``), and carries deadlines in Dutch working days.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, selectinload

from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor
from fraudlink.crypto import FieldCipher
from fraudlink.database import keys_of
from fraudlink.errors import Conflict, Forbidden, InvalidInput, NotFound, SeveralInvalid
from fraudlink.i18n import LOCAL_TIME_ZONE
from fraudlink.identifiers import Pseudonymiser
from fraudlink.partners import service as partner_service
from fraudlink.recovery import schemas
from fraudlink.recovery.models import NawRelease, RecoveryEvent, RecoveryRequest
from fraudlink.recovery.schemas import AnswerIn, NawIn, RecoveryRequestIn, RecoveryRequestOut
from fraudlink.recovery.vocabulary import FINAL_STATES, Action, Answer, Condition, State
from fraudlink.recovery.working_days import add_working_days
from fraudlink.reports import service as report_service
from fraudlink.reports.models import Report, ReportPayment
from fraudlink.reports.vocabulary import PaymentMethod
from fraudlink.settings import Settings

PLATFORM = Actor(name="platform")  # reminders, escalations and erasures happen by themselves
DEFAULT_LEGAL_BASIS = (
    "PNBF: name and address of the beneficiary for the victim's civil claim only "
    "(GDPR art. 6(1)(f)); not for any other use."
)

# What each move does, from which states: (move, current state) -> next state. A partial
# return is the one move whose result depends on the amount (see ``answer``).
TRANSITIONS: Mapping[tuple[Answer | Action, State], State] = {
    (Answer.FROZEN, State.SENT): State.FROZEN,
    **{
        (Answer.RETURNED, state): State.RETURNED
        for state in (
            State.SENT,
            State.FROZEN,
            State.PARTIALLY_RETURNED,
            State.NO_FUNDS,
            State.NAW_REQUESTED,
        )
    },
    **{
        (answer, state): State(answer.value)
        for answer in (Answer.NO_FUNDS, Answer.ACCOUNT_CLOSED)
        for state in (State.SENT, State.FROZEN)
    },
    **{
        (Answer.REFUSED, state): State.REFUSED
        for state in (State.SENT, State.FROZEN, State.NAW_REQUESTED)
    },
    **{
        (Action.REQUEST_NAW, state): State.NAW_REQUESTED
        for state in (
            State.SENT,
            State.FROZEN,
            State.PARTIALLY_RETURNED,
            State.NO_FUNDS,
            State.ACCOUNT_CLOSED,
        )
    },
    (Action.RELEASE_NAW, State.NAW_REQUESTED): State.NAW_RELEASED,
    **{(Action.WITHDRAW, state): State.WITHDRAWN for state in State if state not in FINAL_STATES},
}
# Moves of the beneficiary's bank, and of the victim's bank once a request was sent.
RECEIVER_MOVES: frozenset[Answer | Action] = frozenset({*Answer, Action.RELEASE_NAW})
REQUESTER_MOVES: frozenset[Answer | Action] = frozenset({Action.REQUEST_NAW, Action.WITHDRAW})


@dataclass(frozen=True)
class Rules:
    """The configurable conditions and deadlines of the procedure (see docs/recovery.md)."""

    require_aangifte: bool
    methods: frozenset[PaymentMethod]
    max_age_months: int
    countries: frozenset[str]
    answer_working_days: int
    wait_working_days: int
    reminder_working_days: int
    naw_retention_days: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Rules:
        return cls(
            require_aangifte=settings.recovery_require_aangifte,
            methods=frozenset(settings.recovery_methods),
            max_age_months=settings.recovery_max_age_months,
            countries=frozenset(country.upper() for country in settings.recovery_countries),
            answer_working_days=settings.recovery_answer_working_days,
            wait_working_days=settings.recovery_wait_working_days,
            reminder_working_days=settings.recovery_reminder_working_days,
            naw_retention_days=settings.recovery_naw_retention_days,
        )


def today(now: datetime) -> date:
    """Deadlines are Dutch dates: a request sent at 00:30 on Tuesday in Amsterdam is Tuesday's."""
    return now.astimezone(LOCAL_TIME_ZONE).date()


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier; the month's last day when that month is shorter."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for candidate_day in range(day.day, 27, -1):
        try:
            return date(year, month + 1, candidate_day)
        except ValueError:
            continue
    return date(year, month + 1, min(day.day, 28))


@dataclass(frozen=True)
class Check:
    """One eligibility condition, met or not; ``field`` is the input a failure points at."""

    condition: Condition
    met: bool
    field: str
    params: Mapping[str, object]

    @property
    def message_key(self) -> str:
        return f"recovery.condition_{self.condition.value}_{'met' if self.met else 'failed'}"

    def fault(self) -> InvalidInput:
        return InvalidInput(self.message_key, field=self.field, **self.params)


@dataclass(frozen=True)
class Assessment:
    """A draft request with the parties it resolves to, and which conditions it meets."""

    report: Report
    receiver_id: int | None
    aangifte_reference: str | None
    checks: list[Check]

    @property
    def eligible(self) -> bool:
        return all(check.met for check in self.checks)


def assess(
    session: Session,
    draft: RecoveryRequestIn,
    *,
    requester_id: int,
    rules: Rules,
    now: datetime,
) -> Assessment:
    """Check a draft against the procedure's conditions, saying of each whether it is met.

    A report that does not exist, or that names another bank as the victim's, is an error of
    its own: no condition can be judged without it.
    """
    report = report_service.find_by_reference(session, reference=draft.report_reference)
    if report is None:
        raise InvalidInput(
            "recovery.report_not_found", field="report_reference", reference=draft.report_reference
        )
    own_codes = partner_service.bank_codes_of(session, partner_id=requester_id)
    if report.victim_bank_code is not None and report.victim_bank_code not in {
        code for _country, code in own_codes
    }:
        raise InvalidInput(
            "recovery.report_of_other_bank", field="report_reference", reference=report.reference
        )
    directory = partner_service.directory(session)
    beneficiary = draft.beneficiary_iban
    beneficiary_country = str(beneficiary.details["country"])
    bank_code = str(beneficiary.details["bank_code"])
    receiver_id = directory.account_holder(beneficiary_country, bank_code)
    aangifte = draft.aangifte_reference or report.aangifte_reference
    oldest = months_before(today(now), rules.max_age_months)
    victim_countries = _victim_countries(session, draft, report, own_codes)
    checks = [
        Check(Condition.VICTIM_CONSENT, draft.victim_consent, "victim_consent", {}),
        Check(
            Condition.AANGIFTE,
            bool(aangifte) or not rules.require_aangifte,
            "aangifte_reference",
            {},
        ),
        Check(
            Condition.METHOD,
            draft.method in rules.methods,
            "method",
            {"allowed": ", ".join(sorted(rules.methods))},
        ),
        Check(
            Condition.AGE,
            draft.paid_on >= oldest,
            "paid_on",
            {"months": rules.max_age_months, "oldest": oldest.isoformat()},
        ),
        Check(
            Condition.BENEFICIARY_IN_SCOPE,
            beneficiary_country in rules.countries,
            "beneficiary_iban",
            {"country": beneficiary_country, "countries": ", ".join(sorted(rules.countries))},
        ),
        Check(
            Condition.VICTIM_IN_SCOPE,
            bool(victim_countries & rules.countries),
            "victim_iban",
            {"countries": ", ".join(sorted(rules.countries))},
        ),
        Check(
            Condition.BENEFICIARY_PARTNER,
            receiver_id is not None,
            "beneficiary_iban",
            {"bank_code": bank_code},
        ),
        Check(
            Condition.NOT_OWN_ACCOUNT,
            receiver_id != requester_id,
            "beneficiary_iban",
            {},
        ),
    ]
    return Assessment(report, receiver_id, aangifte, checks)


def _victim_countries(
    session: Session,
    draft: RecoveryRequestIn,
    report: Report,
    own_codes: set[tuple[str, str]],
) -> set[str]:
    """The country of the victim's account: as given, as in the report, or else the countries
    the requesting bank holds accounts in (the victim is its customer)."""
    if draft.victim_iban is not None:
        return {str(draft.victim_iban.details["country"])}
    if (
        iban := report_service.victim_iban(report, FieldCipher(keys_of(session).fields))
    ) is not None:
        return {iban[:2]}
    return {country for country, _code in own_codes}


def send(
    session: Session,
    draft: RecoveryRequestIn,
    *,
    requester: Principal,
    rules: Rules,
    now: datetime,
) -> tuple[RecoveryRequest, bool]:
    """Register and send a refund request; ``(request, created)``.

    Every failed condition is named at once (422). A request repeated with the same
    ``requester_reference`` answers with the first one; the same payment asked twice of the
    same bank while the first request is open is a conflict.
    """
    if draft.requester_reference is not None:
        existing = session.scalar(
            select(RecoveryRequest).where(
                RecoveryRequest.requester_id == requester.partner_id,
                RecoveryRequest.requester_reference == draft.requester_reference,
            )
        )
        if existing is not None:
            return existing, False
    assessment = assess(session, draft, requester_id=requester.partner_id, rules=rules, now=now)
    if not assessment.eligible:
        raise SeveralInvalid([check.fault() for check in assessment.checks if not check.met])
    assert assessment.receiver_id is not None
    token = Pseudonymiser(keys_of(session).pseudonym).token(draft.beneficiary_iban)
    report = assessment.report
    duplicate = session.scalar(
        select(RecoveryRequest.id).where(
            RecoveryRequest.report_id == report.id,
            RecoveryRequest.requester_id == requester.partner_id,
            RecoveryRequest.beneficiary_token == token,
            RecoveryRequest.paid_on == draft.paid_on,
            RecoveryRequest.amount_cents == draft.amount_cents,
            RecoveryRequest.state.not_in(FINAL_STATES),
        )
    )
    if duplicate is not None:
        raise Conflict("recovery.duplicate", field="beneficiary_iban", request_id=duplicate)
    day = today(now)
    request = RecoveryRequest(
        report_id=report.id,
        payment_id=_paid_into(session, report, token),
        requester_id=requester.partner_id,
        receiver_id=assessment.receiver_id,
        amount_cents=draft.amount_cents,
        paid_on=draft.paid_on,
        method=draft.method,
        beneficiary_iban=draft.beneficiary_iban.normalized,
        beneficiary_token=token,
        aangifte_reference=assessment.aangifte_reference,
        victim_consent=draft.victim_consent,
        requester_reference=draft.requester_reference,
        state=State.SENT,
        version=1,
        returned_cents=0,
        awaiting_partner_id=assessment.receiver_id,
        due_on=add_working_days(day, rules.answer_working_days),
        naw_possible_on=add_working_days(day, rules.wait_working_days),
        sent_at=now,
    )
    session.add(request)
    session.flush()
    _record(session, request, action=Action.SEND, actor=requester.actor, now=now)
    return request, True


def _paid_into(session: Session, report: Report, beneficiary_token: str) -> int | None:
    """The report's payment into this account, when the victim named it in the report."""
    return session.scalar(
        select(ReportPayment.id)
        .where(
            ReportPayment.report_id == report.id,
            ReportPayment.beneficiary_token == beneficiary_token,
        )
        .order_by(ReportPayment.position)
        .limit(1)
    )


def get(session: Session, *, request_id: int) -> RecoveryRequest:
    request = session.scalars(
        select(RecoveryRequest)
        .where(RecoveryRequest.id == request_id)
        .options(selectinload(RecoveryRequest.events), selectinload(RecoveryRequest.report))
        .execution_options(populate_existing=True)
    ).one_or_none()
    if request is None:
        raise NotFound("recovery.request_not_found", field="request_id", request_id=request_id)
    return request


def visible(request: RecoveryRequest, principal: Principal) -> bool:
    """The two banks of a request see it; the programme sees every request (never NAW)."""
    parties = {request.requester_id, request.receiver_id}
    return principal.partner_id in parties or principal.can(Permission.RECOVERY_OVERSEE)


def get_visible(session: Session, *, request_id: int, principal: Principal) -> RecoveryRequest:
    """A request as its reader may see it; one it may not see does not exist for it (404)."""
    request = get(session, request_id=request_id)
    if not visible(request, principal):
        raise NotFound("recovery.request_not_found", field="request_id", request_id=request_id)
    return request


def answer(
    session: Session,
    *,
    request_id: int,
    reply: AnswerIn,
    principal: Principal,
    now: datetime,
) -> RecoveryRequest:
    """The beneficiary's bank answers: frozen, (partly) returned, no funds, closed, refused."""
    request = _movable(session, request_id, reply.answer, principal)
    remaining = request.amount_cents - request.returned_cents
    values: dict[str, Any] = {}
    if reply.answer is Answer.RETURNED:
        if reply.amount_cents is None:
            raise InvalidInput("recovery.amount_missing", field="amount_cents")
        if reply.amount_cents > remaining:
            raise InvalidInput(
                "recovery.amount_too_high", field="amount_cents", remaining=f"{remaining / 100:.2f}"
            )
        values["returned_cents"] = request.returned_cents + reply.amount_cents
    if reply.answer is Answer.REFUSED:
        if not reply.reason:
            raise InvalidInput("recovery.reason_missing", field="reason")
        values["reason"] = reply.reason
    if reply.answer is Answer.FROZEN:
        values["frozen_cents"] = reply.amount_cents
    target = TRANSITIONS[(reply.answer, request.state)]
    if reply.answer is Answer.RETURNED and values["returned_cents"] < request.amount_cents:
        # Part of the money: the request stays open, and a NAW request keeps its deadline.
        target = request.state if request.state is State.NAW_REQUESTED else State.PARTIALLY_RETURNED
    if request.first_answer_at is None:
        values["first_answer_at"] = now
    values.update(_waiting_for(request, target, now=now))
    return _move(
        session,
        request,
        target,
        values,
        action=Action.ANSWER,
        actor=principal.actor,
        now=now,
        amount_cents=reply.amount_cents,
        reason=reply.reason,
        details={"answer": reply.answer.value},
    )


def request_naw(
    session: Session, *, request_id: int, principal: Principal, rules: Rules, now: datetime
) -> RecoveryRequest:
    """The victim's bank asks for name and address, once the waiting period has passed."""
    request = _movable(session, request_id, Action.REQUEST_NAW, principal)
    if today(now) < request.naw_possible_on:
        raise Conflict(
            "recovery.naw_too_early",
            field="state",
            possible_on=request.naw_possible_on.isoformat(),
        )
    values = {
        "awaiting_partner_id": request.receiver_id,
        "due_on": add_working_days(today(now), rules.answer_working_days),
    }
    return _move(
        session,
        request,
        State.NAW_REQUESTED,
        values,
        action=Action.REQUEST_NAW,
        actor=principal.actor,
        now=now,
    )


def release_naw(
    session: Session,
    *,
    request_id: int,
    naw: NawIn,
    principal: Principal,
    rules: Rules,
    now: datetime,
) -> RecoveryRequest:
    """The beneficiary's bank releases name and address, sealed for the requesting bank only."""
    request = _movable(session, request_id, Action.RELEASE_NAW, principal)
    legal_basis = naw.legal_basis or DEFAULT_LEGAL_BASIS
    content = {"name": naw.name, "street": naw.street, "postcode": naw.postcode, "city": naw.city}
    moved = _move(
        session,
        request,
        State.NAW_RELEASED,
        {"awaiting_partner_id": None, "due_on": None, "resolved_at": now},
        action=Action.RELEASE_NAW,
        actor=principal.actor,
        now=now,
        details={"legal_basis": legal_basis},
    )
    session.add(
        NawRelease(
            request_id=request.id,
            released_by=principal.partner_id,
            legal_basis=legal_basis,
            sealed=FieldCipher(keys_of(session).fields).encrypt(
                json.dumps(content), context=_sealed_as(request.id)
            ),
            released_at=now,
            erase_on=today(now) + timedelta(days=rules.naw_retention_days),
        )
    )
    session.flush()
    return moved


def withdraw(
    session: Session, *, request_id: int, reason: str | None, principal: Principal, now: datetime
) -> RecoveryRequest:
    """The victim's bank stops the request (the victim was paid otherwise, or gave up)."""
    request = _movable(session, request_id, Action.WITHDRAW, principal)
    return _move(
        session,
        request,
        State.WITHDRAWN,
        {"awaiting_partner_id": None, "due_on": None, "resolved_at": now, "reason": reason},
        action=Action.WITHDRAW,
        actor=principal.actor,
        now=now,
        reason=reason,
    )


@dataclass(frozen=True)
class Naw:
    name: str
    street: str
    postcode: str
    city: str
    legal_basis: str
    released_at: datetime
    erase_on: date


def read_naw(session: Session, *, request_id: int, principal: Principal) -> Naw:
    """Name and address, for the requesting bank's people who may see them; every read audited."""
    request = get_visible(session, request_id=request_id, principal=principal)
    if principal.partner_id != request.requester_id:
        raise Forbidden("recovery.naw_requester_only")
    principal.require(Permission.RECOVERY_READ_NAW)
    release = request.naw
    if release is None:
        raise NotFound("recovery.naw_not_released", field="request_id", request_id=request_id)
    if release.sealed is None:
        raise NotFound(
            "recovery.naw_erased", field="request_id", erased_on=release.erase_on.isoformat()
        )
    content = json.loads(
        FieldCipher(keys_of(session).fields).decrypt(release.sealed, context=_sealed_as(request.id))
    )
    audit_service.record(
        session,
        actor=principal.actor,
        action="recovery.naw_read",
        subject_type="recovery_request",
        subject_id=request.id,
        details={"legal_basis": release.legal_basis},
    )
    return Naw(
        **content,
        legal_basis=release.legal_basis,
        released_at=release.released_at,
        erase_on=release.erase_on,
    )


def _sealed_as(request_id: int) -> str:
    return f"recovery:{request_id}:naw"


def moves_for(request: RecoveryRequest, principal: Principal) -> frozenset[Answer | Action]:
    """The moves this partner may make on the request in its current state (what a page offers;
    the wait before asking for name and address is checked when it is asked)."""
    if not principal.can(Permission.RECOVERY_WORK):
        return frozenset()
    own = {
        request.receiver_id: RECEIVER_MOVES,
        request.requester_id: REQUESTER_MOVES,
    }.get(principal.partner_id, frozenset())
    return frozenset(move for move in own if (move, request.state) in TRANSITIONS)


def _movable(
    session: Session, request_id: int, move: Answer | Action, principal: Principal
) -> RecoveryRequest:
    """The request, if this partner may make this move on it now (403 / 404 / 409 otherwise)."""
    request = get(session, request_id=request_id)
    mover = request.receiver_id if move in RECEIVER_MOVES else request.requester_id
    if principal.partner_id != mover:
        if not visible(request, principal):
            raise Forbidden("recovery.not_a_party", request_id=request_id)
        raise Forbidden(
            "recovery.receiver_only" if move in RECEIVER_MOVES else "recovery.requester_only",
            request_id=request_id,
        )
    principal.require(Permission.RECOVERY_WORK)
    if (move, request.state) not in TRANSITIONS:
        raise Conflict(
            "recovery.invalid_transition",
            field="state",
            state=request.state.value,
            move=move.value,
        )
    return request


def _waiting_for(request: RecoveryRequest, target: State, *, now: datetime) -> dict[str, Any]:
    """Whose move it is after an answer: the victim's bank decides once the wait is over."""
    if target in FINAL_STATES:
        return {"awaiting_partner_id": None, "due_on": None, "resolved_at": now}
    if target is State.NAW_REQUESTED:
        return {}  # the release deadline stands
    # Frozen, partly returned, no funds, closed: the beneficiary's time to pay back runs; then
    # the victim's bank may ask for name and address (no deadline of its own).
    return {"awaiting_partner_id": request.requester_id, "due_on": None}


def _move(
    session: Session,
    request: RecoveryRequest,
    target: State,
    values: Mapping[str, Any],
    *,
    action: Action,
    actor: Actor,
    now: datetime,
    amount_cents: int | None = None,
    reason: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> RecoveryRequest:
    """Change the state, if nobody changed it since it was read: the update names the version
    it read, so of two partners acting at once one moves the request and the other gets 409."""
    moved = session.execute(
        update(RecoveryRequest)
        .where(RecoveryRequest.id == request.id, RecoveryRequest.version == request.version)
        .values(state=target, version=RecoveryRequest.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        current = get(session, request_id=request.id)
        raise Conflict("recovery.changed_meanwhile", field="state", state=current.state.value)
    request = get(session, request_id=request.id)
    _record(
        session,
        request,
        action=action,
        actor=actor,
        now=now,
        amount_cents=amount_cents,
        reason=reason,
        details=details,
    )
    return request


def _record(
    session: Session,
    request: RecoveryRequest,
    *,
    action: Action,
    actor: Actor,
    now: datetime,
    amount_cents: int | None = None,
    reason: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """The request's own history (what its two banks and the victim see) and the audit log."""
    session.add(
        RecoveryEvent(
            request=request,  # in the loaded history too: the answer shows its own step
            at=now,
            partner_id=actor.partner_id,
            action=action,
            state=request.state,
            amount_cents=amount_cents,
            reason=reason,
        )
    )
    audit_service.record(
        session,
        actor=actor,
        action=f"recovery.{action.value}",
        subject_type="recovery_request",
        subject_id=request.id,
        details={
            "state": request.state.value,
            "report": request.report.reference,
            "beneficiary": request.beneficiary_token,
            "amount_cents": amount_cents,
            **(details or {}),
        },
    )
    session.flush()


# --- lists ---------------------------------------------------------------------------------


# A listed request shows its report's reference and its history.
LISTED = (selectinload(RecoveryRequest.report), selectinload(RecoveryRequest.events))


def inbox(
    session: Session, *, partner_id: int, now: datetime, limit: int = 200
) -> Sequence[RecoveryRequest]:
    """What awaits this bank's move, overdue first, then by deadline; then what it may now do
    without a deadline (ask for name and address after the wait)."""
    day = today(now)
    return session.scalars(
        select(RecoveryRequest)
        .options(*LISTED)
        .where(
            RecoveryRequest.awaiting_partner_id == partner_id,
            or_(RecoveryRequest.due_on.is_not(None), RecoveryRequest.naw_possible_on <= day),
        )
        .order_by(
            RecoveryRequest.due_on.is_(None),
            RecoveryRequest.due_on,
            RecoveryRequest.naw_possible_on,
            RecoveryRequest.id,
        )
        .limit(limit)
    ).all()


def requests_of(
    session: Session,
    *,
    partner_id: int,
    side: str,
    open_only: bool,
    limit: int = 200,
) -> Sequence[RecoveryRequest]:
    """The requests this bank sent (``side="sent"``) or received, newest first."""
    column = RecoveryRequest.requester_id if side == "sent" else RecoveryRequest.receiver_id
    query = select(RecoveryRequest).options(*LISTED).where(column == partner_id)
    if open_only:
        query = query.where(RecoveryRequest.state.not_in(FINAL_STATES))
    return session.scalars(query.order_by(RecoveryRequest.id.desc()).limit(limit)).all()


def overdue(session: Session, *, now: datetime, limit: int = 500) -> Sequence[RecoveryRequest]:
    """Every request past its deadline, longest overdue first: the programme's escalations."""
    return session.scalars(
        select(RecoveryRequest)
        .options(*LISTED)
        .where(RecoveryRequest.due_on < today(now))
        .order_by(RecoveryRequest.due_on, RecoveryRequest.id)
        .limit(limit)
    ).all()


def for_report(session: Session, *, report_id: int) -> Sequence[RecoveryRequest]:
    """The requests made for a victim's report: what its follow-up page shows (never NAW)."""
    return session.scalars(
        select(RecoveryRequest)
        .options(*LISTED)
        .where(RecoveryRequest.report_id == report_id)
        .order_by(RecoveryRequest.id)
    ).all()


@dataclass(frozen=True)
class SameBeneficiary:
    """The link between victims who paid the same account: how many reports, and which of the
    other requests about it the reader may open."""

    reports: int
    visible_requests: list[int]


def _visible_by(
    others: Sequence[Any], principal: Principal, key: Callable[[Any], Hashable]
) -> dict[Any, list[int]]:
    """The ids of the requests the reader may open (its own, or all for the programme), grouped."""
    oversees = principal.can(Permission.RECOVERY_OVERSEE)
    grouped: dict[Any, list[int]] = {}
    for other in others:
        if oversees or principal.partner_id in {other.requester_id, other.receiver_id}:
            grouped.setdefault(key(other), []).append(other.id)
    return grouped


def same_beneficiary(
    session: Session, requests: Sequence[RecoveryRequest], *, principal: Principal
) -> dict[int, SameBeneficiary]:
    """For each request, the others about its beneficiary account (one query for the page)."""
    tokens = {request.beneficiary_token for request in requests}
    if not tokens:
        return {}
    others = session.execute(
        select(
            RecoveryRequest.id,
            RecoveryRequest.beneficiary_token,
            RecoveryRequest.report_id,
            RecoveryRequest.requester_id,
            RecoveryRequest.receiver_id,
        ).where(RecoveryRequest.beneficiary_token.in_(tokens))
    ).all()
    paid = session.execute(
        select(ReportPayment.beneficiary_token, ReportPayment.report_id).where(
            ReportPayment.beneficiary_token.in_(tokens)
        )
    ).all()
    reports: dict[str, set[int]] = {}
    for token, report_id in [*paid, *((other[1], other[2]) for other in others)]:
        reports.setdefault(str(token), set()).add(report_id)
    by_token = _visible_by(others, principal, lambda other: other.beneficiary_token)
    return {
        request.id: SameBeneficiary(
            reports=len(reports.get(request.beneficiary_token, ())),
            visible_requests=[
                id_ for id_ in by_token.get(request.beneficiary_token, ()) if id_ != request.id
            ],
        )
        for request in requests
    }


def describe(
    session: Session, requests: Sequence[RecoveryRequest], *, principal: Principal, now: datetime
) -> list[RecoveryRequestOut]:
    """Requests as ``principal`` may see them, each with its link to the same beneficiary."""
    names = partner_service.directory(session).names
    linked = same_beneficiary(session, requests, principal=principal)
    siblings = same_report(session, requests, principal=principal)
    return [
        schemas.describe(
            request,
            names=names,
            day=today(now),
            same_beneficiary=linked[request.id].visible_requests,
            same_beneficiary_reports=linked[request.id].reports,
            same_report=siblings[request.id],
        )
        for request in requests
    ]


def same_report(
    session: Session, requests: Sequence[RecoveryRequest], *, principal: Principal
) -> dict[int, list[int]]:
    """For each request, the others made for the same report that the reader may open: money
    split over several accounts needs a request to each of their banks."""
    report_ids = {request.report_id for request in requests}
    others = session.execute(
        select(
            RecoveryRequest.id,
            RecoveryRequest.report_id,
            RecoveryRequest.requester_id,
            RecoveryRequest.receiver_id,
        )
        .where(RecoveryRequest.report_id.in_(report_ids))
        .order_by(RecoveryRequest.id)
    ).all()
    by_report = _visible_by(others, principal, lambda other: other.report_id)
    return {
        request.id: [id_ for id_ in by_report.get(request.report_id, ()) if id_ != request.id]
        for request in requests
    }


# --- upkeep ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upkept:
    reminded: int
    escalated: int
    erased: int


def upkeep(session: Session, *, rules: Rules, now: datetime) -> Upkept:
    """Remind the awaited bank of a near deadline, escalate a missed one to the programme, and
    erase names and addresses whose time is up. Each happens once per deadline: running it
    again, or on two workers at once, does nothing more."""
    day = today(now)
    soon = add_working_days(day, rules.reminder_working_days)
    reminded = _mark_once(
        session,
        RecoveryRequest.reminded_for,
        and_(RecoveryRequest.due_on >= day, RecoveryRequest.due_on <= soon),
        Action.REMIND,
        now=now,
    )
    escalated = _mark_once(
        session,
        RecoveryRequest.escalated_for,
        RecoveryRequest.due_on < day,
        Action.ESCALATE,
        now=now,
    )
    erased = (
        session.execute(
            update(NawRelease)
            .where(NawRelease.erase_on <= day, NawRelease.sealed.is_not(None))
            .values(sealed=None, erased_at=now)
            .returning(NawRelease.request_id)
        )
        .scalars()
        .all()
    )
    _record_by_platform(session, "recovery.naw_erase", erased)
    return Upkept(reminded=reminded, escalated=escalated, erased=len(erased))


def _mark_once(session: Session, marker: Any, due: Any, action: Action, *, now: datetime) -> int:
    """Note ``action`` on every request that is ``due`` and not yet marked for its deadline."""
    marked = session.execute(
        update(RecoveryRequest)
        .where(
            RecoveryRequest.due_on.is_not(None),
            due,
            or_(marker.is_(None), marker != RecoveryRequest.due_on),
        )
        .values({marker: RecoveryRequest.due_on})
        .returning(RecoveryRequest.id, RecoveryRequest.state)
        .execution_options(synchronize_session=False)
    ).all()
    session.add_all(
        RecoveryEvent(request_id=request_id, at=now, partner_id=None, action=action, state=state)
        for request_id, state in marked
    )
    _record_by_platform(session, f"recovery.{action.value}", [id_ for id_, _state in marked])
    session.flush()
    return len(marked)


def _record_by_platform(session: Session, action: str, request_ids: Sequence[int]) -> None:
    audit_service.record_many(
        session,
        [
            audit_service.Event(
                actor=PLATFORM,
                action=action,
                subject_type="recovery_request",
                subject_id=request_id,
            )
            for request_id in request_ids
        ],
    )
