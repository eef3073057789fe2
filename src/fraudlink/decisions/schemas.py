"""The shapes of the decisions API: a payment in, a decision with its reasons out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fraudlink.decisions.vocabulary import Outcome, PaymentChannel, Truth
from fraudlink.errors import InvalidInput
from fraudlink.reports.vocabulary import AgeBand

Token = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="A pseudonym token.")]
MAX_BATCH = 10_000


class PaymentIn(BaseModel):
    """A payment the bank is about to execute. Accounts and phone: raw value or token."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "amount_cents": 250000,
                "currency": "EUR",
                "debtor_iban": "NL91ABNA0417164300",
                "creditor_iban": "NL44RABO0123456789",
                "creditor_name": "J. Jansen",
                "channel": "mobile",
                "debtor_age_band": "70+",
                "new_creditor": True,
                "debtor_phone": "+31612345678",
            }
        },
    )

    amount_cents: int = Field(gt=0, le=10**13)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    debtor_iban: str | None = Field(default=None, max_length=64)
    debtor_token: Token | None = None
    creditor_iban: str | None = Field(default=None, max_length=64)
    creditor_token: Token | None = None
    creditor_name: str | None = Field(default=None, max_length=140)
    channel: PaymentChannel = PaymentChannel.ONLINE
    at: datetime | None = Field(default=None, description="When the payment was ordered; now.")
    debtor_age_band: AgeBand | None = None
    new_creditor: bool | None = Field(
        default=None, description="Unknown (null): judged from the debtor's profile."
    )
    debtor_phone: str | None = Field(default=None, max_length=64)
    debtor_phone_token: Token | None = None
    reference: str | None = Field(default=None, max_length=64, description="Your payment id.")

    @model_validator(mode="after")
    def _accounts_given(self) -> PaymentIn:
        for account in ("debtor", "creditor"):
            raw, token = getattr(self, f"{account}_iban"), getattr(self, f"{account}_token")
            if (raw is None) == (token is None):
                raise InvalidInput(
                    "decisions.account_one_of", field=f"{account}_iban", account=account
                )
        if self.debtor_phone is not None and self.debtor_phone_token is not None:
            raise InvalidInput("decisions.phone_one_of", field="debtor_phone")
        return self


class PaymentBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payments: list[PaymentIn] = Field(min_length=1, max_length=MAX_BATCH)


class TruthIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Truth


class AllowListIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    creditor_iban: str = Field(max_length=64)
    note: str = Field(default="", max_length=200)


class AllowListOut(BaseModel):
    id: int
    creditor_iban: str
    creditor_token: str
    note: str
    created_at: datetime


class ReasonOut(BaseModel):
    code: str
    weight: int
    floor: Outcome
    facts: dict[str, Any]
    nl: str
    en: str


class WarningOut(BaseModel):
    nl: str
    en: str


class DecisionOut(BaseModel):
    id: str
    reference: str | None
    decided_at: datetime
    outcome: Outcome
    score: int
    reasons: list[ReasonOut]
    customer_warning: WarningOut | None
    rules_version: str


class DecisionList(BaseModel):
    decisions: list[DecisionOut]


# The decision routes read their bodies by hand (JSON or pacs.008 XML): these document them.
PAYMENT_BODY_SCHEMA: Final = PaymentIn.model_json_schema()
BATCH_BODY_SCHEMA: Final = PaymentBatch.model_json_schema()
