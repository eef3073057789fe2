"""The value types every domain shares: the kinds of identifier and their parsed form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

DetailValue = str | int | bool | None


class IdentifierKind(StrEnum):
    IBAN = "iban"
    PHONE = "phone"
    URL = "url"
    DOMAIN = "domain"
    EMAIL = "email"
    WALLET = "wallet"


@dataclass(frozen=True, slots=True)
class Identifier:
    """A validated identifier; obtain one from ``parse``, which guarantees the invariants.

    ``normalized`` is the one spelling used for tokens and matching: parsing it again gives an
    equal Identifier. ``display`` is how a person should read it. ``details`` are facts derived
    from ``normalized`` (so they never disagree with it); treat the mapping as read-only.
    """

    kind: IdentifierKind
    normalized: str
    display: str
    details: Mapping[str, DetailValue]

    def __hash__(self) -> int:
        # ``details`` is a mapping and so unhashable; every other field follows from these two.
        return hash((self.kind, self.normalized))

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready copy, the shape the API and the command line show."""
        return {
            "kind": self.kind.value,
            "normalized": self.normalized,
            "display": self.display,
            "details": dict(self.details),
        }
