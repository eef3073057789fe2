"""The indicator exchange and the public check as the API shows them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Final, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationInfo,
    field_validator,
)
from sqlalchemy.orm import Session

from fraudlink.access.service import Principal
from fraudlink.identifiers import MAX_INPUT_LENGTH, Identifier, IdentifierKind, parse
from fraudlink.indicators import service
from fraudlink.indicators.check import CheckResult
from fraudlink.indicators.models import Indicator
from fraudlink.indicators.vocabulary import DisputeStatus, IndicatorStatus, SightingKind, Tlp
from fraudlink.reports.schemas import not_in_future
from fraudlink.reports.vocabulary import FraudType
from fraudlink.text import plain_text

MAX_BATCH: Final = 1000


class CheckOut(BaseModel):
    kind: IdentifierKind
    normalized: str
    display: str
    reported: bool = Field(description="Reported in the last 12 months. False proves nothing.")
    reports_band: str | None = Field(
        description="Reports in the last 12 months: null, '1', '2-5' or '6+'.",
        examples=["2-5"],
    )
    fraud_types: list[str]
    last_reported: date | None
    disputed: bool = Field(description="The holder disputes the listing; a reviewer decides.")
    advice: list[str] = Field(description="What to do, in the requested language.")

    @classmethod
    def of(cls, result: CheckResult) -> CheckOut:
        return cls(
            kind=result.identifier.kind,
            normalized=result.identifier.normalized,
            display=result.identifier.display,
            reported=result.reported,
            reports_band=result.reports_band,
            fraud_types=result.fraud_types,
            last_reported=result.last_reported,
            disputed=result.disputed,
            advice=result.advice,
        )


class IndicatorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: IdentifierKind | None = Field(default=None, description="Recognised when left empty.")
    value: plain_text(min_length=1, max_length=MAX_INPUT_LENGTH) = Field(  # type: ignore[valid-type]
        examples=["NL91 ABNA 0417 1643 00"]
    )
    fraud_type: FraudType = FraudType.OTHER
    confirmed: bool = Field(
        default=False, description="The partner established the fraud itself (a case)."
    )
    tlp: Tlp = Field(default=Tlp.AMBER, description="TLP 2.0 marking for sharing it on.")

    _parsed: Identifier | None = PrivateAttr(default=None)

    @field_validator("value")
    @classmethod
    def _valid(cls, value: str, info: ValidationInfo) -> str:
        parse(value, info.data.get("kind"))  # the precise reason, at the field "value"
        return value

    @property
    def parsed(self) -> Identifier:
        if self._parsed is None:
            self._parsed = parse(self.value, self.kind)
        return self._parsed


class IndicatorBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicators: list[IndicatorIn] = Field(min_length=1, max_length=MAX_BATCH)


class IndicatorOut(BaseModel):
    id: int
    kind: IdentifierKind
    token: str = Field(description="The pseudonym: HMAC-SHA256 of kind and normalised value.")
    value: str | None = Field(description="The raw value, where role and marking allow.")
    status: IndicatorStatus
    tlp: Tlp
    first_seen: datetime
    last_seen: datetime
    report_count: int
    partner_count: int
    confirmed_count: int
    fraud_types: list[str]
    confidence: float
    shared_as_fraud: bool = Field(description="Meets the standard of proof.")
    capped: bool
    change: int = Field(description="Position in the change feed.")

    @classmethod
    def as_seen_by(
        cls,
        session: Session,
        principal: Principal,
        indicators: Sequence[Indicator],
        *,
        policy: service.Policy,
    ) -> list[IndicatorOut]:
        """Indicators as this partner may see them: the raw value only where allowed."""
        values = service.visible_values(session, principal, indicators)
        return [
            cls(
                id=item.id,
                kind=IdentifierKind(item.kind),
                token=item.token,
                value=values[item.id],
                status=item.status,
                tlp=item.tlp,
                first_seen=item.first_seen,
                last_seen=item.last_seen,
                report_count=item.report_count,
                partner_count=item.partner_count,
                confirmed_count=item.confirmed_count,
                fraud_types=item.fraud_types,
                confidence=item.confidence,
                shared_as_fraud=service.meets_standard(item, policy),
                capped=item.capped,
                change=item.change,
            )
            for item in indicators
        ]


class IndicatorList(BaseModel):
    indicators: list[IndicatorOut]


class Changes(BaseModel):
    indicators: list[IndicatorOut]
    next_since: int = Field(description="Pass as `since` to get the changes after these.")


class SightingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: SightingKind
    seen_at: AwareDatetime | None = Field(default=None, description="Default: now.")

    @field_validator("seen_at")
    @classmethod
    def _in_the_past(cls, seen_at: datetime | None) -> datetime | None:
        return None if seen_at is None else not_in_future(seen_at)

    count: int = Field(default=1, ge=1, le=1_000_000)


class SightingOut(BaseModel):
    id: int
    indicator_id: int
    kind: SightingKind
    seen_at: datetime
    count: int


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: plain_text(min_length=1, max_length=MAX_INPUT_LENGTH)  # type: ignore[valid-type]
    statement: plain_text(min_length=10, max_length=2000) = Field(  # type: ignore[valid-type]
        description="Why the listing is wrong, in the holder's own words."
    )
    contact: plain_text(max_length=200) | None = Field(  # type: ignore[valid-type]
        default=None, description="How the reviewer can reach the holder (optional)."
    )


class DisputeOut(BaseModel):
    id: int
    status: DisputeStatus
    opened_at: datetime
    decided_at: datetime | None


class DisputeForReview(DisputeOut):
    indicator_id: int
    kind: IdentifierKind
    value: str | None
    statement: str
    contact: str | None
    reason: str | None


class DisputeList(BaseModel):
    disputes: list[DisputeForReview]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["clear", "uphold"]
    reason: plain_text(min_length=3, max_length=2000)  # type: ignore[valid-type]


class SharedSetKey(BaseModel):
    keyid: str = Field(default="fraudlink-v1", description="The name of the key.")
    key: str = Field(description="Hex. Hash values with keyed BLAKE2b-512 (PSS 'Blake2').")


# POST /v1/indicators takes one listing or a batch; validated by hand (see api.py) so that an
# error names the field at fault, not a member of a union.
LISTING_BODY_SCHEMA: Final = TypeAdapter(IndicatorIn | IndicatorBatch).json_schema()
