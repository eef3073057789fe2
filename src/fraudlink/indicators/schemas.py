"""The indicator exchange and the public check as the API shows them."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from fraudlink.identifiers import IdentifierKind
from fraudlink.indicators.check import CheckResult


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
