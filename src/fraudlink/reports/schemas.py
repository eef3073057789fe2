"""A fraud report as it comes in (the one validation of page, API and import) and as it goes out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from fraudlink.errors import InvalidInput
from fraudlink.identifiers import MAX_INPUT_LENGTH, Identifier, IdentifierKind, parse
from fraudlink.reports.regions import postcode_area
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, PaymentMethod
from fraudlink.text import plain_text

# Clocks differ a little between a partner's systems and ours; more than this is a mistake.
CLOCK_SKEW = timedelta(minutes=10)
MAX_PAYMENTS = 50
MAX_IDENTIFIERS = 50
MAX_NARRATIVE = 5000
MAX_AMOUNT_CENTS = 100_000_000_000  # a billion euro: beyond any single fraud report


def _parser(kind: IdentifierKind) -> Any:
    def validate(value: object) -> Identifier:
        if not isinstance(value, str):
            raise InvalidInput("web.validation_string_type")
        return parse(value, kind)

    return validate


def not_in_future(moment: datetime) -> datetime:
    """The moment, unless it lies beyond the allowed clock skew in the future."""
    if moment > datetime.now(UTC) + CLOCK_SKEW:
        raise InvalidInput("reports.in_future")
    return moment


def _identifier_field(kind: IdentifierKind, example: str) -> Any:
    """A text field that arrives parsed: an invalid value fails with the precise reason."""
    return Annotated[
        Identifier,
        PlainValidator(_parser(kind)),
        WithJsonSchema({"type": "string", "maxLength": MAX_INPUT_LENGTH, "examples": [example]}),
    ]


IbanValue = _identifier_field(IdentifierKind.IBAN, "NL91 ABNA 0417 1643 00")
WalletValue = _identifier_field(IdentifierKind.WALLET, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_cents: int = Field(gt=0, le=MAX_AMOUNT_CENTS, examples=[250000])
    paid_on: date | None = Field(default=None, description="Defaults to the day it happened.")
    method: PaymentMethod
    beneficiary_iban: IbanValue | None = None  # type: ignore[valid-type]
    beneficiary_wallet: WalletValue | None = None  # type: ignore[valid-type]

    @field_validator("paid_on")
    @classmethod
    def _paid_in_the_past(cls, paid_on: date | None) -> date | None:
        if paid_on is not None:
            not_in_future(datetime.combine(paid_on, time.min, UTC))
        return paid_on

    @model_validator(mode="after")
    def _one_beneficiary(self) -> PaymentIn:
        if self.beneficiary_iban is not None and self.beneficiary_wallet is not None:
            raise InvalidInput("reports.two_beneficiaries")
        return self


class IdentifierIn(BaseModel):
    """Something the fraudster used; the kind is recognised when not given."""

    model_config = ConfigDict(extra="forbid")

    value: plain_text(min_length=1, max_length=MAX_INPUT_LENGTH) = Field(  # type: ignore[valid-type]
        examples=["+31612345678"]
    )
    kind: IdentifierKind | Literal["username"] | None = Field(
        default=None,
        description="Leave empty to recognise the kind; 'username' for a name on a platform.",
    )
    _parsed: Identifier | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _parse(self) -> IdentifierIn:
        if self.kind == "username":
            self.value = self.value.strip()
        else:
            self._parsed = parse(self.value, self.kind)
        return self

    @property
    def parsed(self) -> Identifier | None:
        """The parsed identifier; None for a username, which no parser knows."""
        return self._parsed


class ReportIn(BaseModel):
    """A fraud report: what happened, what was paid to whom, and who the fraudster seemed to be."""

    model_config = ConfigDict(extra="forbid")

    fraud_type: FraudType | None = Field(
        default=None,
        description="Leave empty when unsure: the type is then suggested from the narrative.",
    )
    channel: Channel
    occurred_at: AwareDatetime = Field(examples=["2025-03-01T10:00:00Z"])
    reported_at: AwareDatetime | None = Field(
        default=None,
        description="When the victim reported it, if before now (a reporting point's backlog).",
    )
    payments: list[PaymentIn] = Field(default_factory=list, max_length=MAX_PAYMENTS)
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=MAX_IDENTIFIERS)
    victim_iban: IbanValue | None = Field(  # type: ignore[valid-type]
        default=None, description="The victim's own account, to tell the victim's bank."
    )
    age_band: AgeBand | None = None
    postcode: str | None = Field(
        default=None,
        max_length=16,
        description="The victim's postcode, or only its four digits; only the digits are kept.",
        examples=["1234 AB"],
    )
    aangifte_made: bool = Field(default=False, description="A police report (aangifte) was made.")
    aangifte_reference: plain_text(max_length=64) | None = None  # type: ignore[valid-type]
    aangifte_wanted: bool = Field(default=False, description="The victim wants to file one.")
    contact_consent: bool = False
    narrative: plain_text(max_length=MAX_NARRATIVE) | None = None  # type: ignore[valid-type]
    external_id: plain_text(max_length=100) | None = Field(  # type: ignore[valid-type]
        default=None,
        description="The reporting point's own id: sending it again returns the same report.",
    )

    @field_validator("occurred_at", "reported_at")
    @classmethod
    def _in_the_past(cls, moment: datetime | None) -> datetime | None:
        return None if moment is None else not_in_future(moment).astimezone(UTC)

    @field_validator("postcode")
    @classmethod
    def _only_the_area(cls, postcode: str | None) -> str | None:
        """The four digits, never the letters: the letters narrow a victim down to a street."""
        return postcode_area(postcode) if postcode and postcode.strip() else None

    @model_validator(mode="after")
    def _consistent(self) -> ReportIn:
        if self.reported_at is not None and self.reported_at < self.occurred_at:
            raise InvalidInput("reports.reported_before_occurred", field="reported_at")
        if self.aangifte_reference:
            self.aangifte_made = True
        if self.narrative is not None:
            self.narrative = self.narrative.strip() or None
        return self


class AdviceStepOut(BaseModel):
    id: str
    urgency: str
    text: str
    contact: dict[str, str | None] | None


class RecipientOut(BaseModel):
    partner: str
    reasons: list[str]


class ReportReceipt(BaseModel):
    reference: str = Field(examples=["FL-2025-000123"])
    follow_up_url: str = Field(description="The victim's private link to follow the report up.")
    fraud_type: FraudType
    fraud_type_suggested: bool
    advice: list[AdviceStepOut]
    routed_to: list[RecipientOut]


class ClassifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    narrative: plain_text(max_length=MAX_NARRATIVE)  # type: ignore[valid-type]
    channel: Channel | None = None


class ClassifyOut(BaseModel):
    fraud_type: FraudType
    confidence: float = Field(ge=0, le=1)


class PaymentOut(BaseModel):
    amount_cents: int
    paid_on: date
    method: PaymentMethod
    beneficiary_kind: str | None
    beneficiary: str | None


class IdentifierOut(BaseModel):
    kind: str
    value: str
    details: dict[str, Any]


class ReportView(BaseModel):
    """A report as one partner may see it: fields it may not see are null or empty."""

    reference: str
    fraud_type: FraudType
    fraud_type_suggested: bool
    channel: Channel
    occurred_at: datetime
    reported_at: datetime
    age_band: AgeBand | None
    total_loss_cents: int
    reasons: list[str] = Field(description="Why this partner has the report.")
    payments: list[PaymentOut]
    identifiers: list[IdentifierOut]
    usernames: list[str]
    victim_iban: str | None
    narrative: str | None
    aangifte_made: bool | None = None
    aangifte_reference: str | None = None
    aangifte_wanted: bool | None = None
    contact_consent: bool | None = None


class InboxItem(BaseModel):
    id: int
    routed_at: datetime
    acknowledged_at: datetime | None
    report: ReportView


class Inbox(BaseModel):
    items: list[InboxItem]
    next_after_id: int | None
