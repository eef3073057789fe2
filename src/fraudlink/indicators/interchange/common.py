"""What the formats share: the records an export writes (``Shared``, ``Seen``) and a reader
returns (``Parsed``, ``Item``, ``Rejected``), the error and its messages, and the TLP, PAP and
tag names with the helpers that read them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final

from fraudlink.i18n import DEFAULT_LANGUAGE, Language, translate
from fraudlink.identifiers import DetailValue, IdentifierKind, InvalidIdentifier
from fraudlink.indicators import service
from fraudlink.indicators.vocabulary import IndicatorStatus, SightingKind, Tlp
from fraudlink.reports.vocabulary import FraudType

PRODUCER: Final = "fraudlink"
# Stable ids: the same indicator gets the same MISP uuid and STIX id in every export, so the
# receiving MISP or OpenCTI updates what it has instead of piling up copies.
NAMESPACE: Final = uuid.UUID("5f0c3a8e-2f8e-4c55-9a41-0e6c1b7d2a90")


class Format(StrEnum):
    MISP = "misp"
    STIX = "stix"
    CSV = "csv"


# --- Vocabulary: markings and tags -----------------------------------------------------------

TLP_TAGS: Final[Mapping[str, Tlp]] = {
    "tlp:clear": Tlp.CLEAR,
    "tlp:white": Tlp.CLEAR,  # TLP 1.0's name for CLEAR
    "tlp:green": Tlp.GREEN,
    "tlp:amber": Tlp.AMBER,
    "tlp:amber+strict": Tlp.AMBER_STRICT,
    "tlp:red": Tlp.RED,
}
TLP_ORDER: Final = (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)
# The Permissible Actions Protocol says what a receiver may *do*. The platform acts on what it
# lists: the public check answers anyone and payment decisions block transfers, both actions the
# fraudster can notice. PAP:AMBER (passive checks only) and PAP:RED (nothing detectable) forbid
# that, so such items are not imported; PAP:CLEAR, WHITE and GREEN allow it.
PAP_ALLOWED: Final = frozenset({"pap:clear", "pap:white", "pap:green"})
PAP_FORBIDDEN: Final = frozenset({"pap:amber", "pap:red"})
FRAUD_TYPE_TAG: Final = 'fraudlink:fraud-type="{}"'
MACHINE_TAG: Final = re.compile(r'^fraudlink:([a-z-]+)="([^"]*)"$')
# A sighting without a kind of its own is what this kind of value is typically seen doing.
DEFAULT_SIGHTING: Final[Mapping[IdentifierKind, SightingKind]] = {
    IdentifierKind.IBAN: SightingKind.PAYMENT_ATTEMPTED,
    IdentifierKind.WALLET: SightingKind.PAYMENT_ATTEMPTED,
    IdentifierKind.PHONE: SightingKind.CALL_RECEIVED,
    IdentifierKind.EMAIL: SightingKind.MESSAGE_RECEIVED,
    IdentifierKind.URL: SightingKind.VISITED,
    IdentifierKind.DOMAIN: SightingKind.VISITED,
}
_SIGHTING_SOURCE: Final = re.compile(r"^([a-z_]+)(?: \((\d+)\))?$")
LISTED: Final = (IndicatorStatus.ACTIVE, IndicatorStatus.DISPUTED)


# --- Messages --------------------------------------------------------------------------------


def text(name: str, language: Language = DEFAULT_LANGUAGE, /, **params: object) -> str:
    return translate(f"indicators.interchange_{name}", language, **params)


class InterchangeError(Exception):
    """A file that cannot be imported at all: missing, unreadable, or of no known shape."""

    def __init__(self, name: str, /, **params: object) -> None:
        self.name = name
        self.params = params
        super().__init__(text(name, DEFAULT_LANGUAGE, **params))

    def message(self, language: Language = DEFAULT_LANGUAGE) -> str:
        return text(self.name, language, **self.params)


# --- What an export shows --------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    kind: SightingKind
    seen_at: datetime
    count: int


@dataclass(frozen=True)
class Shared:
    """One indicator as an export shows it to its reader."""

    kind: IdentifierKind
    token: str
    value: str | None  # None where the reader may not see it: the token stands in
    details: Mapping[str, DetailValue]
    tlp: Tlp
    status: IndicatorStatus
    fraud_types: Sequence[str]
    confidence: float
    shared_as_fraud: bool  # meets the standard of proof
    first_seen: datetime
    last_seen: datetime
    report_count: int
    sightings: Sequence[Seen]

    @property
    def ethereum(self) -> bool:
        return self.kind is IdentifierKind.WALLET and self.details.get("chain") == "ethereum"


# --- What a file holds -----------------------------------------------------------------------


@dataclass(frozen=True)
class Rejected:
    """Something in the file that was not imported, where it is and why."""

    where: str
    reason: str  # a message: interchange_<reason> in indicators/messages.toml
    params: Mapping[str, object] = field(default_factory=dict)
    cause: InvalidIdentifier | None = None

    def message(self, language: Language = DEFAULT_LANGUAGE) -> str:
        params = dict(self.params)
        if self.cause is not None:
            params["problem"] = self.cause.message(language)
        return text(self.reason, language, **params)


@dataclass
class Item:
    """One identifier a file lists, before it is checked against this installation."""

    where: str
    kind: IdentifierKind | None  # None: recognise it from its shape
    value: str | None
    token: str | None = None  # set when the file holds only the pseudonym
    tlp: Tlp = service.DEFAULT_TLP
    fraud_types: list[str] = field(default_factory=list)
    source: str | None = None  # the producer the file names (MISP Orgc, STIX created_by_ref)
    refusal: Rejected | None = None  # set when a marking forbids importing it
    sightings: list[Seen] = field(default_factory=list)


@dataclass
class Parsed:
    format: Format
    items: list[Item] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


# --- Helpers of several formats --------------------------------------------------------------


def stable_id(kind: str, token: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{token}")


def comment(item: Shared) -> str:
    proof = "meets the standard of proof" if item.shared_as_fraud else "held as unconfirmed"
    return f"{item.status.value}, {proof}; {item.report_count} reports; token {item.token}"


def tlp_of(names: Iterable[str]) -> Tlp | None:
    """The strictest TLP among tags: when a producer marks twice, the tighter mark holds."""
    found = [TLP_TAGS[name.lower()] for name in names if name.lower() in TLP_TAGS]
    return max(found, key=TLP_ORDER.index) if found else None


def fraud_types_of(names: Iterable[str]) -> list[str]:
    """Our fraud types among tags or labels: ``fraudlink:fraud-type="x"``, or plainly ``x``."""
    known = {fraud_type.value for fraud_type in FraudType}
    found: list[str] = []
    for name in names:
        match = MACHINE_TAG.match(name)
        candidate = (
            match.group(2) if match and match.group(1) == "fraud-type" else name.strip().lower()
        )
        if candidate in known and candidate not in found:
            found.append(candidate)
    return found


def pap_refusal(names: Iterable[str], where: str) -> Rejected | None:
    for name in names:
        if name.lower() in PAP_FORBIDDEN:
            return Rejected(where, "pap_forbids", {"pap": name.upper()})
    return None


def timestamp(value: object) -> datetime | None:
    """A MISP or STIX time: epoch seconds (as number or text) or ISO 8601."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        return datetime.fromtimestamp(int(value), UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def sighting_source(source: object) -> tuple[SightingKind | None, int]:
    """Our kind and count from a sighting's source, as our export writes it: ``kind (count)``."""
    match = _SIGHTING_SOURCE.match(source) if isinstance(source, str) else None
    if match is None:
        return None, 1
    try:
        kind = SightingKind(match.group(1))
    except ValueError:
        return None, 1
    return kind, int(match.group(2) or 1)


def default_sighting(item: Item) -> SightingKind:
    if item.kind is None:
        return SightingKind.PAYMENT_ATTEMPTED
    return DEFAULT_SIGHTING[item.kind]
