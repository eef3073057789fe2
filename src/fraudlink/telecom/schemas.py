"""Protected numbers, sender names, call and SMS checks and call signals as the API shows them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from fraudlink.errors import InvalidInput
from fraudlink.i18n import Language, translate
from fraudlink.identifiers import MAX_INPUT_LENGTH, IdentifierKind, parse
from fraudlink.reports.schemas import CLOCK_SKEW
from fraudlink.telecom import senders
from fraudlink.telecom.models import ProtectedNumber, SmsSender
from fraudlink.telecom.rules import Judgement
from fraudlink.telecom.service import MAX_LABEL, SmsJudgement
from fraudlink.telecom.vocabulary import CallOrigin, Verdict
from fraudlink.text import plain_text

# Protected numbers and sender names have 32-bit ids: beyond that no row exists, and PostgreSQL
# would refuse the number.
PSEUDONYM_PATTERN = "^[0-9a-f]{64}$"


def _phone(value: object) -> str:
    """A phone number as given, once it parses: the precise reason names the field otherwise."""
    if not isinstance(value, str):
        raise InvalidInput("web.validation_string_type")
    if not value.strip():
        raise InvalidInput("telecom.number_empty")
    parse(value, IdentifierKind.PHONE)
    return value


def _phone_field(example: str) -> Any:
    schema = {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_INPUT_LENGTH,
        "examples": [example],
    }
    return Annotated[str, PlainValidator(_phone), WithJsonSchema(schema)]


PhoneNumber = _phone_field("+31202288800")
MobileNumber = _phone_field("+31612345678")
# Checked by senders.valid_route, which explains a refusal; the pattern tells clients the rule.
Route = Annotated[
    str,
    StringConstraints(min_length=1, max_length=senders.MAX_ROUTE_LENGTH),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": senders.MAX_ROUTE_LENGTH,
            "pattern": senders.ROUTE_PATTERN,
        }
    ),
]
Label = plain_text(max_length=MAX_LABEL)
ORIGIN_DESCRIPTION = (
    "Where your network received the call: from your own network, handed over by another "
    "Dutch network, or through an international gateway."
)


class ProtectedNumberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: PhoneNumber = Field(description="A Dutch number of your organisation.")  # type: ignore[valid-type]
    inbound_only: bool = Field(
        default=False,
        description="The number never calls out (do-not-originate): every call presenting it "
        "is blocked.",
    )
    label: Label | None = Field(  # type: ignore[valid-type]
        default=None, description="What the number is, for your own staff.", examples=["Helpdesk"]
    )


class ProtectedNumberOut(BaseModel):
    id: int
    number: str = Field(description="E.164.")
    display: str
    inbound_only: bool
    label: str | None
    created_at: datetime
    spoofed_last_30_days: int = Field(
        description="Calls presenting this number that operators blocked or warned about."
    )

    @classmethod
    def of(cls, protected: ProtectedNumber, *, spoofed: int) -> ProtectedNumberOut:
        return cls(
            id=protected.id,
            number=protected.number,
            display=parse(protected.number, IdentifierKind.PHONE).display,
            inbound_only=protected.inbound_only,
            label=protected.label,
            created_at=protected.created_at,
            spoofed_last_30_days=spoofed,
        )


class ProtectedNumberList(BaseModel):
    protected_numbers: list[ProtectedNumberOut]


class SmsSenderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        max_length=senders.MAX_LENGTH,
        description="The alphanumeric sender name: 1-11 characters of the GSM alphabet, with a "
        "letter.",
        examples=["ING"],
        json_schema_extra={"pattern": senders.NAME_PATTERN},
    )
    routes: list[Route] = Field(
        min_length=1,
        max_length=senders.MAX_ROUTES,
        description="Labels of the SMS aggregators or operator connections that may deliver it.",
        examples=[["KPN-A2P", "ODIDO-A2P"]],
    )

    @field_validator("name")
    @classmethod
    def _valid_name(cls, name: str) -> str:
        return senders.valid_name(name)


class SmsSenderOut(BaseModel):
    id: int
    name: str
    routes: list[str]
    created_at: datetime
    blocked_last_30_days: int = Field(
        description="Messages imitating this name that operators blocked."
    )

    @classmethod
    def of(cls, sender: SmsSender, *, blocked: int) -> SmsSenderOut:
        return cls(
            id=sender.id,
            name=sender.name,
            routes=sender.routes,
            created_at=sender.created_at,
            blocked_last_30_days=blocked,
        )


class SmsSenderList(BaseModel):
    sms_senders: list[SmsSenderOut]


class ReasonOut(BaseModel):
    code: str = Field(examples=["do_not_originate"])
    message: str = Field(description="The reason in words, in the requested language.")

    @classmethod
    def of(cls, code: str, language: Language) -> ReasonOut:
        return cls(code=code, message=translate(f"telecom.reason_{code}", language))


class CallCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    presented_number: MobileNumber | None = Field(  # type: ignore[valid-type]
        description="The caller number the call presents; null when it is withheld."
    )
    origin: CallOrigin = Field(description=ORIGIN_DESCRIPTION)
    callee_token: str | None = Field(
        default=None,
        pattern=PSEUDONYM_PATTERN,
        description="The pseudonym token of the called subscriber's number "
        "(POST /v1/identifiers/parse): a blocked or warned call then counts in payment "
        "decisions on the subscriber's payments for a while.",
    )


class VerdictOut(BaseModel):
    verdict: Verdict = Field(description="The most severe of the reasons; allow without one.")
    reasons: list[ReasonOut]

    @classmethod
    def of(cls, judgement: Judgement | SmsJudgement, language: Language) -> VerdictOut:
        return cls(
            verdict=judgement.verdict,
            reasons=[ReasonOut.of(reason.value, language) for reason in judgement.reasons],
        )


class SmsCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender: plain_text(min_length=1, max_length=senders.MAX_LENGTH) = Field(  # type: ignore[valid-type]
        description="The alphanumeric sender name the message carries.", examples=["ING"]
    )
    route: Route = Field(
        description="The label of the connection the message arrived over.", examples=["KPN-A2P"]
    )


class CallSignalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subscriber_number: MobileNumber = Field(  # type: ignore[valid-type]
        description="Your subscriber who is in the call. Only its pseudonym token is stored."
    )
    caller_number: PhoneNumber | None = Field(  # type: ignore[valid-type]
        description="The number the call presents; null when it is withheld."
    )
    origin: CallOrigin = Field(description=ORIGIN_DESCRIPTION)
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = Field(
        default=None, description="Send the same call again with its end once it ended."
    )

    @field_validator("started_at", "ended_at")
    @classmethod
    def _not_in_future(cls, moment: datetime | None) -> datetime | None:
        if moment is not None and moment > datetime.now(UTC) + CLOCK_SKEW:
            raise InvalidInput("telecom.in_future")
        return moment

    @model_validator(mode="after")
    def _ends_after_start(self) -> CallSignalIn:
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise InvalidInput("telecom.ended_before_start", field="ended_at")
        return self


class CallSignalAccepted(BaseModel):
    """All an operator learns back: a signal is never shown, nor how its caller was judged."""

    accepted: Literal[True] = True
    expires_at: datetime = Field(description="When the signal stops counting and is deleted.")
