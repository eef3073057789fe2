"""The partner directory as partners see it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from fraudlink.partners.models import Partner, PartnerType


class BankCodeOut(BaseModel):
    country_code: str
    bank_code: str
    bic: str | None


class PartnerOut(BaseModel):
    name: str
    type: PartnerType
    bank_codes: list[BankCodeOut]
    number_ranges: list[str]
    domains: list[str]
    created_at: datetime

    @classmethod
    def of(cls, partner: Partner) -> PartnerOut:
        return cls(
            name=partner.name,
            type=partner.type,
            bank_codes=[
                BankCodeOut(country_code=code.country_code, bank_code=code.bank_code, bic=code.bic)
                for code in partner.bank_codes
            ],
            number_ranges=[number_range.prefix for number_range in partner.number_ranges],
            domains=[owned.domain for owned in partner.domains],
            created_at=partner.created_at,
        )


class PartnerList(BaseModel):
    partners: list[PartnerOut]
