"""A refund request, an answer and a release of name and address, as they come in and go out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fraudlink.recovery.models import RecoveryRequest
from fraudlink.recovery.vocabulary import Action, Answer, Condition, State
from fraudlink.reports.schemas import MAX_AMOUNT_CENTS, IbanValue, not_in_future
from fraudlink.reports.service import REFERENCE_PATTERN
from fraudlink.reports.vocabulary import FraudType, PaymentMethod
from fraudlink.text import plain_text

MAX_REASON = 2000
ShortText = plain_text(min_length=1, max_length=64)
Reason = plain_text(min_length=1, max_length=MAX_REASON)


class RecoveryRequestIn(BaseModel):
    """What the victim's bank or payment provider asks the beneficiary's to give back."""

    model_config = ConfigDict(extra="forbid")

    report_reference: str = Field(pattern=REFERENCE_PATTERN, examples=["FL-2025-000123"])
    amount_cents: int = Field(gt=0, le=MAX_AMOUNT_CENTS, examples=[250000])
    paid_on: date = Field(examples=["2025-03-01"])
    beneficiary_iban: IbanValue = Field(examples=["NL97 BUNQ 2025 8762 99"])
    method: PaymentMethod = Field(examples=["transfer"])
    aangifte_reference: ShortText | None = Field(  # type: ignore[valid-type]
        default=None,
        description="The police report's reference; defaults to the one in the fraud report.",
    )
    victim_consent: bool = Field(description="The victim agreed to this request being sent.")
    victim_iban: IbanValue | None = Field(
        default=None,
        description="The victim's account; defaults to the one in the fraud report.",
    )
    requester_reference: ShortText | None = Field(  # type: ignore[valid-type]
        default=None,
        description="Your own case number: sending it again answers with the first request.",
    )

    @field_validator("paid_on")
    @classmethod
    def _paid_in_the_past(cls, paid_on: date) -> date:
        not_in_future(datetime.combine(paid_on, time.min, UTC))
        return paid_on


class AnswerIn(BaseModel):
    """The beneficiary's bank answers: `returned` needs `amount_cents`, `refused` a `reason`."""

    model_config = ConfigDict(extra="forbid")

    answer: Answer
    amount_cents: int | None = Field(
        default=None,
        gt=0,
        le=MAX_AMOUNT_CENTS,
        description="Returned now (for `returned`), or held (for `frozen`, optional).",
    )
    reason: Reason | None = None  # type: ignore[valid-type]


class NawIn(BaseModel):
    """The beneficiary's name and address (NAW), released for a civil claim only."""

    model_config = ConfigDict(extra="forbid")

    name: plain_text(min_length=1, max_length=200)  # type: ignore[valid-type]
    street: plain_text(min_length=1, max_length=200)  # type: ignore[valid-type]
    postcode: plain_text(min_length=1, max_length=16)  # type: ignore[valid-type]
    city: plain_text(min_length=1, max_length=100)  # type: ignore[valid-type]
    legal_basis: Reason | None = Field(  # type: ignore[valid-type]
        default=None, description="Defaults to the PNBF's basis: a civil claim of the victim."
    )


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason | None = None  # type: ignore[valid-type]


class ConditionOut(BaseModel):
    condition: Condition
    met: bool
    field: str
    message: str


class EligibilityOut(BaseModel):
    eligible: bool
    conditions: list[ConditionOut]


class EventOut(BaseModel):
    at: datetime
    partner: str | None
    action: Action
    state: State
    amount_cents: int | None
    reason: str | None


class RecoveryRequestOut(BaseModel):
    id: int
    state: State
    report_reference: str
    fraud_type: FraudType
    requester: str
    receiver: str
    amount_cents: int
    returned_cents: int
    frozen_cents: int | None
    paid_on: date
    method: PaymentMethod
    beneficiary_iban: str
    aangifte_reference: str | None
    victim_consent: bool
    requester_reference: str | None
    reason: str | None
    awaiting: str | None = Field(description="The organisation whose move it is, if any.")
    due_on: date | None
    overdue: bool
    naw_possible_on: date = Field(description="From this day name and address may be asked.")
    sent_at: datetime
    first_answer_at: datetime | None
    resolved_at: datetime | None
    naw_released: bool
    same_beneficiary: list[int] = Field(
        description="Other requests about the same beneficiary account that you may see."
    )
    same_beneficiary_reports: int = Field(
        description="Reports (of all banks) whose victims paid into this beneficiary account."
    )
    same_report: list[int] = Field(
        description="Other requests for the same report that you may see (money split over "
        "several accounts)."
    )
    history: list[EventOut]


class RecoveryRequestList(BaseModel):
    requests: list[RecoveryRequestOut]


class NawOut(BaseModel):
    request_id: int
    name: str
    street: str
    postcode: str
    city: str
    legal_basis: str
    released_at: datetime
    erase_on: date


def describe(
    request: RecoveryRequest,
    *,
    names: Mapping[int, str],
    day: date,
    same_beneficiary: list[int],
    same_beneficiary_reports: int,
    same_report: list[int],
) -> RecoveryRequestOut:
    """A request as its banks and the programme see it (never the released name and address)."""
    return RecoveryRequestOut(
        id=request.id,
        state=request.state,
        report_reference=request.report.reference,
        fraud_type=request.report.fraud_type,
        requester=names[request.requester_id],
        receiver=names[request.receiver_id],
        amount_cents=request.amount_cents,
        returned_cents=request.returned_cents,
        frozen_cents=request.frozen_cents,
        paid_on=request.paid_on,
        method=request.method,
        beneficiary_iban=request.beneficiary_iban,
        aangifte_reference=request.aangifte_reference,
        victim_consent=request.victim_consent,
        requester_reference=request.requester_reference,
        reason=request.reason,
        awaiting=names.get(request.awaiting_partner_id) if request.awaiting_partner_id else None,
        due_on=request.due_on,
        overdue=request.due_on is not None and request.due_on < day,
        naw_possible_on=request.naw_possible_on,
        sent_at=request.sent_at,
        first_answer_at=request.first_answer_at,
        resolved_at=request.resolved_at,
        naw_released=request.state is State.NAW_RELEASED,
        same_beneficiary=same_beneficiary,
        same_beneficiary_reports=same_beneficiary_reports,
        same_report=same_report,
        history=[
            EventOut(
                at=event.at,
                partner=names.get(event.partner_id) if event.partner_id else None,
                action=event.action,
                state=event.state,
                amount_cents=event.amount_cents,
                reason=event.reason,
            )
            for event in request.events
        ],
    )
