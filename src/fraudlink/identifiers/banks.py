"""Which bank a bank code belongs to, from schwifty's bank registry (bundled, never downloaded)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from schwifty import BIC
from schwifty.exceptions import SchwiftyException


@dataclass(frozen=True)
class Bank:
    bic: str
    name: str | None


@cache  # a few hundred bank codes in the registry; every IBAN parse asks for one
def bank_by_code(country_code: str, bank_code: str) -> Bank | None:
    """The bank behind a bank code (``"NL"``, ``"ABNA"``), or None when the registry lacks it."""
    try:
        bic = BIC.from_bank_code(country_code.upper(), bank_code.upper())
    except SchwiftyException:
        return None
    names = bic.bank_names
    return Bank(bic=str(bic), name=names[0] if names else None)
