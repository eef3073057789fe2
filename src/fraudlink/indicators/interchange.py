"""Indicators in and out as MISP events, STIX 2.1 bundles and CSV: the formats partners' tools read.

MISP's attribute type names are the vocabulary (``iban``, ``phone-number``, ``url``, ``domain``,
``email-src``, ``btc``); STIX 2.1 uses its own observables for web and e-mail addresses and
OpenCTI's ``bank-account``, ``phone-number`` and ``cryptocurrency-wallet`` for the rest. The
mapping tables, markings, sightings and what is skipped are in docs/interchange.md.

**Export** writes the indicators that are listed (active or disputed) as the reader may see
them: the operator sees every stored value, a partner a raw value only where ``may_see_raw``
allows and the pseudonym token otherwise. Cleared and expired indicators are left out: a
cleared value is an innocent holder's account or number, and an expired one has no value left.

**Import** never stops at a bad item: every usable item becomes a partner's listing through
``service.submit`` (the same rules as the API, warning lists included) and every sighting goes
through ``service.add_sighting``; whatever cannot be used is counted with the reason. Confidence,
counts and first/last seen are never taken from a file: this installation computes them from its
own evidence.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import stix2
from pymisp import MISPAttribute, MISPEvent, MISPObject, MISPOrganisation, MISPSighting
from pymisp.exceptions import PyMISPError
from sqlalchemy import select
from sqlalchemy.orm import Session
from stix2 import v21
from stix2.properties import ListProperty, ReferenceProperty, StringProperty
from stix2patterns.pattern import Pattern

from fraudlink.access.permissions import GRANTS, Permission
from fraudlink.access.service import Principal
from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor
from fraudlink.database import Database, utcnow
from fraudlink.i18n import DEFAULT_LANGUAGE, Language, translate
from fraudlink.identifiers import DetailValue, Identifier, IdentifierKind, InvalidIdentifier, parse
from fraudlink.indicators import service
from fraudlink.indicators.models import Indicator, Sighting
from fraudlink.indicators.vocabulary import IndicatorStatus, SightingKind, Tlp
from fraudlink.partners import service as partner_service
from fraudlink.reports.vocabulary import FraudType

PRODUCER: Final = "fraudlink"
# Stable ids: the same indicator gets the same MISP uuid and STIX id in every export, so the
# receiving MISP or OpenCTI updates what it has instead of piling up copies.
NAMESPACE: Final = uuid.UUID("5f0c3a8e-2f8e-4c55-9a41-0e6c1b7d2a90")
BATCH_SIZE: Final = 500


class Format(StrEnum):
    MISP = "misp"
    STIX = "stix"
    CSV = "csv"


# --- Vocabulary: MISP ------------------------------------------------------------------------

# The MISP attribute types that name an identifier we list.
MISP_TYPES: Final[Mapping[str, IdentifierKind]] = {
    "iban": IdentifierKind.IBAN,
    "bank-account-nr": IdentifierKind.IBAN,  # taken when the number is an IBAN
    "phone-number": IdentifierKind.PHONE,
    "url": IdentifierKind.URL,
    "domain": IdentifierKind.DOMAIN,
    "hostname": IdentifierKind.DOMAIN,
    "email-src": IdentifierKind.EMAIL,
    "email": IdentifierKind.EMAIL,
    "email-dst": IdentifierKind.EMAIL,
    "email-reply-to": IdentifierKind.EMAIL,
    "btc": IdentifierKind.WALLET,
}
# What our kinds are written as. MISP has no Ethereum attribute type (its describeTypes knows
# btc, xmr and dash, nothing for Ethereum): Ethereum addresses go out as ``text`` with
# ETHEREUM_COMMENT, and a ``text`` attribute that parses as a wallet address comes back as one.
MISP_TYPE_OF: Final[Mapping[IdentifierKind, str]] = {
    IdentifierKind.IBAN: "iban",
    IdentifierKind.PHONE: "phone-number",
    IdentifierKind.URL: "url",
    IdentifierKind.DOMAIN: "domain",
    IdentifierKind.EMAIL: "email-src",
    IdentifierKind.WALLET: "btc",
}
ETHEREUM_COMMENT: Final = "Ethereum address (MISP has no attribute type for Ethereum addresses)"
# MISP objects and the attribute (object_relation) in each that holds the identifier.
MISP_OBJECTS: Final[Mapping[str, tuple[str, ...]]] = {
    "bank-account": ("iban", "account"),
    "phone-number": ("phone-number",),
    "coin-address": ("address", "address-crypto"),
    "btc-wallet": ("wallet-address",),
}
TLP_TAGS: Final[Mapping[str, Tlp]] = {
    "tlp:clear": Tlp.CLEAR,
    "tlp:white": Tlp.CLEAR,  # TLP 1.0's name for CLEAR
    "tlp:green": Tlp.GREEN,
    "tlp:amber": Tlp.AMBER,
    "tlp:amber+strict": Tlp.AMBER_STRICT,
    "tlp:red": Tlp.RED,
}
# The Permissible Actions Protocol says what a receiver may *do*. The platform acts on what it
# lists: the public check answers anyone and payment decisions block transfers, both actions the
# fraudster can notice. PAP:AMBER (passive checks only) and PAP:RED (nothing detectable) forbid
# that, so such items are not imported; PAP:CLEAR, WHITE and GREEN allow it.
PAP_ALLOWED: Final = frozenset({"pap:clear", "pap:white", "pap:green"})
PAP_FORBIDDEN: Final = frozenset({"pap:amber", "pap:red"})
MISP_SIGHTING: Final = "0"
MISP_FALSE_POSITIVE: Final = "1"
MISP_EXPIRATION: Final = "2"
FRAUD_TYPE_TAG: Final = 'fraudlink:fraud-type="{}"'
STATUS_TAG: Final = 'fraudlink:status="{}"'
CONFIDENCE_TAG: Final = 'fraudlink:confidence="{}"'
PSEUDONYM_TAG: Final = 'fraudlink:token-kind="{}"'
_MACHINE_TAG: Final = re.compile(r'^fraudlink:([a-z-]+)="([^"]*)"$')
PSEUDONYM_NOTE: Final = (
    "fraudlink pseudonym token of {kind}: HMAC-SHA256 of kind and normalised value; "
    "matches tokens of the same installation, the value itself is not shared with you"
)
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

# --- Vocabulary: STIX 2.1 --------------------------------------------------------------------

# (observable type, property) per kind: STIX's own for web and e-mail addresses, OpenCTI's
# custom observables (pycti's CustomObservableBankAccount, ...PhoneNumber, ...Cryptocurrency
# Wallet, and the property OpenCTI's pattern generator uses) for the rest.
STIX_OBSERVABLES: Final[Mapping[IdentifierKind, tuple[str, str]]] = {
    IdentifierKind.IBAN: ("bank-account", "iban"),
    IdentifierKind.PHONE: ("phone-number", "value"),
    IdentifierKind.URL: ("url", "value"),
    IdentifierKind.DOMAIN: ("domain-name", "value"),
    IdentifierKind.EMAIL: ("email-addr", "value"),
    IdentifierKind.WALLET: ("cryptocurrency-wallet", "value"),
}
STIX_IMPORTED: Final[Mapping[tuple[str, str], IdentifierKind]] = {
    **{pair: kind for kind, pair in STIX_OBSERVABLES.items()},
    ("hostname", "value"): IdentifierKind.DOMAIN,  # OpenCTI's hostname observable
}
PSEUDONYM_PROPERTY: Final = "x_fraudlink_token"
TLP_2_EXTENSION: Final = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
# STIX 2.1 predefines TLP CLEAR (as WHITE), GREEN, AMBER and RED; TLP 2.0's AMBER+STRICT has
# no predefined marking, so it goes out as the one OASIS publishes with its TLP 2.0 extension.
AMBER_STRICT = v21.MarkingDefinition(
    id="marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    created="2022-10-01T00:00:00.000Z",
    name="TLP:AMBER+STRICT",
    extensions={
        TLP_2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": "amber+strict"}
    },
)
STIX_TLP: Final[Mapping[Tlp, Any]] = {
    Tlp.CLEAR: stix2.TLP_WHITE,
    Tlp.GREEN: stix2.TLP_GREEN,
    Tlp.AMBER: stix2.TLP_AMBER,
    Tlp.AMBER_STRICT: AMBER_STRICT,
    Tlp.RED: stix2.TLP_RED,
}
# Every TLP marking id a producer may use: STIX 2.1's, OASIS's TLP 2.0 set, and OpenCTI's own
# AMBER+STRICT (OpenCTI uses STIX 2.1's ids for the others).
KNOWN_TLP_MARKINGS: Final[Mapping[str, Tlp]] = {
    **{marking.id: tlp for tlp, marking in STIX_TLP.items()},
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": Tlp.CLEAR,
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": Tlp.GREEN,
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": Tlp.AMBER,
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": Tlp.RED,
    "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37": Tlp.AMBER_STRICT,
}
# Objects that carry no indicator of their own but frame the ones that do: read, not reported.
# observed-data only wraps observables, which are read on their own.
STIX_FRAMING: Final = frozenset(
    {
        "identity",
        "marking-definition",
        "extension-definition",
        "report",
        "grouping",
        "note",
        "observed-data",
    }
)
STIX_NEGATIVE_OPINIONS: Final = frozenset({"disagree", "strongly-disagree"})


_OBSERVABLE_MARKINGS: Final = (
    "object_marking_refs",
    ListProperty(ReferenceProperty(valid_types="marking-definition", spec_version="2.1")),
)


# OpenCTI's custom observables, registered so stix2 validates and gives them their
# deterministic ids (from ``iban`` and ``value``, as OpenCTI does).
@v21.CustomObservable(
    "bank-account",
    [
        ("value", StringProperty(required=True)),
        ("iban", StringProperty(required=True)),
        ("bic", StringProperty()),
        ("account_number", StringProperty()),
        _OBSERVABLE_MARKINGS,
    ],
    ["iban"],
)
class BankAccount:
    pass


@v21.CustomObservable(
    "phone-number", [("value", StringProperty(required=True)), _OBSERVABLE_MARKINGS], ["value"]
)
class PhoneNumber:
    pass


@v21.CustomObservable(
    "cryptocurrency-wallet",
    [("value", StringProperty(required=True)), _OBSERVABLE_MARKINGS],
    ["value"],
)
class CryptocurrencyWallet:
    pass


_SCO_CLASSES: Final[Mapping[str, Any]] = {
    "bank-account": BankAccount,
    "phone-number": PhoneNumber,
    "cryptocurrency-wallet": CryptocurrencyWallet,
    "url": v21.URL,
    "domain-name": v21.DomainName,
    "email-addr": v21.EmailAddress,
}

# --- Vocabulary: CSV -------------------------------------------------------------------------

CSV_COLUMNS: Final = (
    "kind",
    "value",
    "token",
    "fraud_types",
    "tlp",
    "confidence",
    "status",
    "shared_as_fraud",
    "first_seen",
    "last_seen",
    "report_count",
)
LISTED: Final = (IndicatorStatus.ACTIVE, IndicatorStatus.DISPUTED)

# --- Messages --------------------------------------------------------------------------------

# The command's and the import report's words, Dutch and English. They belong in
# indicators/messages.toml as ``interchange_<name>`` (read through ``translate``); they are
# here until that move, which touches a file other work was changing at the same time.


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


# --- Export ----------------------------------------------------------------------------------


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


def shared_indicators(
    session: Session, *, principal: Principal | None, policy: service.Policy
) -> list[Shared]:
    """The listed indicators, with raw values only where ``principal`` may see them.

    ``principal`` None is the operator: every stored value.
    """
    if principal is not None:
        principal.require(Permission.INDICATOR_READ)
    indicators = session.scalars(
        select(Indicator).where(Indicator.status.in_(LISTED)).order_by(Indicator.id)
    ).all()
    ids = [item.id for item in indicators]
    contributed = service.contributors(session, indicator_ids=ids) if principal is not None else {}
    seen: dict[int, list[Seen]] = {}
    for row in session.scalars(
        select(Sighting).where(Sighting.indicator_id.in_(ids)).order_by(Sighting.id)
    ):
        seen.setdefault(row.indicator_id, []).append(Seen(row.kind, row.seen_at, row.count))
    shared = []
    for item in indicators:
        visible = item.value is not None and (
            principal is None
            or service.may_see_raw(
                item, principal, principal.partner_id in contributed.get(item.id, set())
            )
        )
        value = item.value if visible else None
        shared.append(
            Shared(
                kind=IdentifierKind(item.kind),
                token=item.token,
                value=value,
                details=_details(value, IdentifierKind(item.kind)),
                tlp=item.tlp,
                status=item.status,
                fraud_types=list(item.fraud_types),
                confidence=item.confidence,
                shared_as_fraud=service.meets_standard(item, policy),
                first_seen=item.first_seen,
                last_seen=item.last_seen,
                report_count=item.report_count,
                sightings=seen.get(item.id, []),
            )
        )
    return shared


def _details(value: str | None, kind: IdentifierKind) -> Mapping[str, DetailValue]:
    if value is None:
        return {}
    try:
        return parse(value, kind).details
    except InvalidIdentifier:  # a value stored under an older parser; export it as it is
        return {}


def export(
    session: Session,
    *,
    fmt: Format,
    principal: Principal | None,
    policy: service.Policy,
    actor: Actor,
    now: datetime | None = None,
) -> tuple[str, int]:
    """The listed indicators in ``fmt`` as ``principal`` (None: the operator) may see them, and
    how many; the export is audited like a lookup, once, with counts (no values)."""
    shared = shared_indicators(session, principal=principal, policy=policy)
    now = now or utcnow()
    writers: Mapping[Format, Callable[[Sequence[Shared], datetime], str]] = {
        Format.MISP: misp_event,
        Format.STIX: stix_bundle,
        Format.CSV: csv_table,
    }
    document = writers[fmt](shared, now)
    audit_service.record(
        session,
        actor=actor,
        action="indicator.export",
        subject_type="indicator",
        details={
            "format": fmt.value,
            "indicators": len(shared),
            "raw_values": sum(item.value is not None for item in shared),
            "for_partner": principal.partner_id if principal is not None else None,
        },
    )
    return document, len(shared)


def _tags(item: Shared) -> list[str]:
    tags = [f"tlp:{item.tlp.value}"]
    tags += [FRAUD_TYPE_TAG.format(fraud_type) for fraud_type in item.fraud_types]
    tags.append(STATUS_TAG.format(item.status.value))
    tags.append(CONFIDENCE_TAG.format(round(item.confidence * 100)))
    return tags


def _stable_id(kind: str, token: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{token}")


def _comment(item: Shared) -> str:
    proof = "meets the standard of proof" if item.shared_as_fraud else "held as unconfirmed"
    return f"{item.status.value}, {proof}; {item.report_count} reports; token {item.token}"


def misp_event(shared: Sequence[Shared], now: datetime) -> str:
    """One MISP event (``{"Event": ...}``, the form MISP imports) holding every indicator.

    ``to_ids`` (MISP's "use for detection") is set only for indicators that meet the standard
    of proof; the others go out as context, tagged with their status.
    """
    event = MISPEvent()
    event.info = f"{PRODUCER}: fraud indicators of {now.date().isoformat()}"
    event.date = now.date()
    organisation = MISPOrganisation()
    organisation.name = PRODUCER
    event.Orgc = organisation
    for item in shared:
        main = _misp_main_attribute(event, item)
        main.uuid = str(_stable_id("misp", item.token))
        for tag in _tags(item):
            main.add_tag(tag)
        for seen in item.sightings:
            sighting = MISPSighting()
            sighting.from_dict(
                type=MISP_FALSE_POSITIVE
                if seen.kind is SightingKind.FALSE_POSITIVE
                else MISP_SIGHTING,
                date_sighting=int(seen.seen_at.timestamp()),
                source=seen.kind.value if seen.count == 1 else f"{seen.kind.value} ({seen.count})",
            )
            main.sightings.append(sighting)
    return json.dumps({"Event": json.loads(event.to_json())}, indent=1, ensure_ascii=False)


def _misp_main_attribute(event: MISPEvent, item: Shared) -> MISPAttribute:
    common: dict[str, Any] = {
        "to_ids": item.shared_as_fraud,
        "first_seen": item.first_seen,
        "last_seen": max(item.last_seen, item.first_seen),
        "comment": _comment(item),
    }
    if item.value is None:
        common.update(to_ids=False, comment=PSEUDONYM_NOTE.format(kind=item.kind.value))
        attribute = _one(event.add_attribute("text", item.token, **common))
        attribute.add_tag(PSEUDONYM_TAG.format(item.kind.value))
        return attribute
    if item.kind is IdentifierKind.IBAN:
        account = event.add_object(name="bank-account")
        account.uuid = str(_stable_id("misp-object", item.token))
        attribute = _one(account.add_attribute("iban", value=item.value, **common))
        if item.details.get("bic"):
            account.add_attribute("swift", value=str(item.details["bic"]), to_ids=False)
        return attribute
    if item.kind is IdentifierKind.PHONE:
        number = event.add_object(name="phone-number")
        number.uuid = str(_stable_id("misp-object", item.token))
        attribute = _one(number.add_attribute("phone-number", value=item.value, **common))
        if item.details.get("country"):
            number.add_attribute("country-code", value=str(item.details["country"]), to_ids=False)
        return attribute
    if item.ethereum:
        common["comment"] = f"{ETHEREUM_COMMENT}; {common['comment']}"
        return _one(event.add_attribute("text", item.value, **common))
    return _one(event.add_attribute(MISP_TYPE_OF[item.kind], item.value, **common))


def _one(added: MISPAttribute | list[MISPAttribute] | None) -> MISPAttribute:
    """pymisp returns a list only for a list of values, and None only for no value."""
    assert isinstance(added, MISPAttribute), "one value gives one attribute"
    return added


def _stix_pattern(item: Shared) -> str:
    observable, prop = STIX_OBSERVABLES[item.kind]
    if item.value is None:
        # The token stands for the value: the pattern still says what kind of thing it is.
        return f"[{observable}:{PSEUDONYM_PROPERTY} = '{item.token}']"
    return f"[{observable}:{prop} = '{_stix_quote(item.value)}']"


def _stix_quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _stix_unquote(literal: str) -> str:
    if len(literal) >= 2 and literal[0] == literal[-1] == "'":
        literal = literal[1:-1]
    return re.sub(r"\\(.)", r"\1", literal)


def stix_bundle(shared: Sequence[Shared], now: datetime) -> str:
    """A STIX 2.1 bundle: per indicator an ``indicator`` with its pattern and, where the value
    is shared, the observable it is ``based-on``; sightings as ``sighting``, false positives as
    a disagreeing ``opinion`` (as MISP's own STIX export writes them)."""
    producer = v21.Identity(
        id=f"identity--{_stable_id('identity', PRODUCER)}",
        created=now,
        modified=now,
        name=PRODUCER,
        identity_class="system",
    )
    objects: list[Any] = [producer]
    markings = {item.tlp for item in shared}
    objects += [STIX_TLP[tlp] for tlp in Tlp if tlp in markings]
    for item in shared:
        marking = [STIX_TLP[item.tlp].id]
        first_seen = item.first_seen
        indicator = v21.Indicator(
            id=f"indicator--{_stable_id('stix', item.token)}",
            created=first_seen,
            modified=max(item.last_seen, first_seen),
            created_by_ref=producer.id,
            name=item.value or f"{item.kind.value} {item.token[:12]}…",
            description=_comment(item),
            pattern=_stix_pattern(item),
            pattern_type="stix",
            valid_from=first_seen,
            indicator_types=[
                "malicious-activity" if item.shared_as_fraud else "anomalous-activity"
            ],
            labels=[FRAUD_TYPE_TAG.format(fraud_type) for fraud_type in item.fraud_types] or None,
            confidence=round(item.confidence * 100),
            object_marking_refs=marking,
            allow_custom=True,
            **{
                PSEUDONYM_PROPERTY: item.token,
                "x_fraudlink_kind": item.kind.value,
                "x_fraudlink_status": item.status.value,
            },
        )
        objects.append(indicator)
        if item.value is not None:
            observable_type, prop = STIX_OBSERVABLES[item.kind]
            fields = {prop: item.value, "object_marking_refs": marking}
            if observable_type == "bank-account":
                fields["value"] = item.value
                if item.details.get("bic"):
                    fields["bic"] = str(item.details["bic"])
            observable = _SCO_CLASSES[observable_type](**fields)
            objects.append(observable)
            objects.append(
                v21.Relationship(
                    id=f"relationship--{_stable_id('based-on', item.token)}",
                    created=first_seen,
                    modified=first_seen,
                    relationship_type="based-on",
                    source_ref=indicator.id,
                    target_ref=observable.id,
                    created_by_ref=producer.id,
                    object_marking_refs=marking,
                )
            )
        objects += _stix_sightings(item, indicator.id, producer.id, marking)
    return str(v21.Bundle(objects=objects, allow_custom=True).serialize(pretty=True))


def _stix_sightings(
    item: Shared, indicator_id: str, producer_id: str, marking: list[str]
) -> Iterator[Any]:
    for number, seen in enumerate(item.sightings):
        stable = _stable_id(f"sighting-{number}", item.token)
        if seen.kind is SightingKind.FALSE_POSITIVE:
            yield v21.Opinion(
                id=f"opinion--{stable}",
                created=seen.seen_at,
                modified=seen.seen_at,
                created_by_ref=producer_id,
                opinion="strongly-disagree",
                explanation="False positive sighting",
                object_refs=[indicator_id],
                object_marking_refs=marking,
            )
        else:
            yield v21.Sighting(
                id=f"sighting--{stable}",
                created=seen.seen_at,
                modified=seen.seen_at,
                created_by_ref=producer_id,
                sighting_of_ref=indicator_id,
                count=seen.count,
                first_seen=seen.seen_at,
                last_seen=seen.seen_at,
                object_marking_refs=marking,
                allow_custom=True,
                x_fraudlink_kind=seen.kind.value,
            )


def csv_table(shared: Sequence[Shared], now: datetime) -> str:  # noqa: ARG001 - one writer shape
    """One row per indicator under the header ``CSV_COLUMNS``; fraud types joined by ``;``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in shared:
        writer.writerow(
            [
                item.kind.value,
                item.value or "",
                item.token,
                ";".join(item.fraud_types),
                item.tlp.value,
                f"{item.confidence:.4f}",
                item.status.value,
                "yes" if item.shared_as_fraud else "no",
                item.first_seen.isoformat(),
                item.last_seen.isoformat(),
                item.report_count,
            ]
        )
    return out.getvalue()


# --- Import: what a file holds ---------------------------------------------------------------


@dataclass(frozen=True)
class Rejected:
    """Something in the file that was not imported, where it is and why."""

    where: str
    reason: str  # a key of MESSAGES
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


def detect(content: str) -> Format:
    """MISP for JSON with ``Event`` or ``response``, STIX for a JSON bundle, CSV otherwise."""
    stripped = content.lstrip()
    if not stripped.startswith(("{", "[")):
        return Format.CSV
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError:
        return Format.CSV
    if isinstance(document, dict) and document.get("type") == "bundle":
        return Format.STIX
    if isinstance(document, dict) and ("Event" in document or "response" in document):
        return Format.MISP
    if (
        isinstance(document, list)
        and document
        and all(isinstance(entry, dict) and "Event" in entry for entry in document)
    ):
        return Format.MISP
    return Format.CSV


def read(path: Path) -> Parsed:
    """What the file at ``path`` lists; raises InterchangeError when it cannot be read at all."""
    if not path.is_file():
        raise InterchangeError("file_missing", path=str(path))
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InterchangeError(
            "file_unreadable", path=str(path), reason=f"not UTF-8 at byte {error.start}"
        ) from None
    except OSError as error:
        raise InterchangeError("file_unreadable", path=str(path), reason=error.strerror) from None
    fmt = detect(content)
    if fmt is Format.CSV:
        if content.lstrip().startswith(("{", "[")):
            try:
                json.loads(content)
            except json.JSONDecodeError as error:
                raise InterchangeError("json_invalid", path=str(path), line=error.lineno) from None
            raise InterchangeError("json_unknown", path=str(path))
        return read_csv(content, path)
    document = json.loads(content)
    return read_misp(document) if fmt is Format.MISP else read_stix(document)


def _tlp_of(names: Iterable[str]) -> Tlp | None:
    """The strictest TLP among tags: when a producer marks twice, the tighter mark holds."""
    found = [TLP_TAGS[name.lower()] for name in names if name.lower() in TLP_TAGS]
    return max(found, key=_TLP_ORDER.index) if found else None


_TLP_ORDER: Final = (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)


def _fraud_types_of(names: Iterable[str]) -> list[str]:
    """Our fraud types among tags or labels: ``fraudlink:fraud-type="x"``, or plainly ``x``."""
    known = {fraud_type.value for fraud_type in FraudType}
    found: list[str] = []
    for name in names:
        match = _MACHINE_TAG.match(name)
        candidate = (
            match.group(2) if match and match.group(1) == "fraud-type" else name.strip().lower()
        )
        if candidate in known and candidate not in found:
            found.append(candidate)
    return found


def _pap_refusal(names: Iterable[str], where: str) -> Rejected | None:
    for name in names:
        if name.lower() in PAP_FORBIDDEN:
            return Rejected(where, "pap_forbids", {"pap": name.upper()})
    return None


def _machine_tag(names: Iterable[str], predicate: str) -> str | None:
    for name in names:
        match = _MACHINE_TAG.match(name)
        if match and match.group(1) == predicate:
            return match.group(2)
    return None


def _timestamp(value: object) -> datetime | None:
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


# --- Import: MISP ----------------------------------------------------------------------------


def _tag_names(tags: object) -> list[str]:
    if not isinstance(tags, list):
        return []
    names = []
    for tag in tags:
        if isinstance(tag, dict) and isinstance(tag.get("Tag"), dict):
            tag = tag["Tag"]  # noqa: PLW2901 - MISP's EventTag form wraps the tag once more
        name = getattr(tag, "name", None) if not isinstance(tag, dict) else tag.get("name")
        if isinstance(name, str):
            names.append(name)
    return names


def read_misp(document: Any) -> Parsed:
    """Attributes and the objects bank-account, phone-number and coin-address of one event
    (``{"Event": ...}``) or many (``{"response": [...]}``, a list of events)."""
    parsed = Parsed(Format.MISP)
    if isinstance(document, list):
        events = document
    elif "Event" in document:
        events = [document]
    else:
        events = document.get("response") or []
    events = [entry.get("Event", entry) for entry in events if isinstance(entry, dict)]
    for number, event in enumerate(events, start=1):
        prefix = f"event {number}, " if len(events) > 1 else ""
        _read_misp_event(event, prefix, parsed)
    return parsed


def _read_misp_event(event: Mapping[str, Any], prefix: str, parsed: Parsed) -> None:
    source = next(
        (
            organisation["name"]
            for organisation in (event.get("Orgc"), event.get("Org"))
            if isinstance(organisation, dict) and isinstance(organisation.get("name"), str)
        ),
        None,
    )
    event_tags = _tag_names(event.get("Tag"))
    # MISP may also list sightings beside the attributes, linked by the attribute's uuid.
    loose: dict[str, list[Any]] = {}
    for sighting in event.get("Sighting") or []:
        if isinstance(sighting, dict) and sighting.get("attribute_uuid"):
            loose.setdefault(str(sighting["attribute_uuid"]), []).append(sighting)
    for number, raw in enumerate(event.get("Attribute") or [], start=1):
        where = f"{prefix}attribute {number}"
        if not isinstance(raw, dict):
            parsed.rejected.append(Rejected(where, "invalid_misp", {"error": "not an object"}))
            continue
        misp_type = raw.get("type")
        kind, refusal = _misp_kind(misp_type, raw.get("value"), where)
        if refusal is not None:
            parsed.rejected.append(refusal)
            continue
        attribute = _load_misp(MISPAttribute(), raw, where, parsed)
        if attribute is not None:
            _add_misp_item(attribute, kind, [], event_tags, source, where, loose, parsed)
    for number, raw in enumerate(event.get("Object") or [], start=1):
        name = raw.get("name") if isinstance(raw, dict) else None
        where = f"{prefix}object {number} ({name})"
        if name not in MISP_OBJECTS:
            parsed.rejected.append(Rejected(where, "unsupported_object", {"name": name}))
            continue
        misp_object = _load_misp(MISPObject(name=str(name)), raw, where, parsed)
        if misp_object is not None:
            _read_misp_object(misp_object, event_tags, source, where, loose, parsed)


def _load_misp(target: Any, raw: Mapping[str, Any], where: str, parsed: Parsed) -> Any:
    try:
        target.from_dict(**raw)
    except (PyMISPError, ValueError, TypeError, KeyError, AttributeError) as error:
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        parsed.rejected.append(Rejected(where, "invalid_misp", {"error": reason}))
        return None
    return target


def _misp_kind(
    misp_type: object, value: object, where: str
) -> tuple[IdentifierKind | None, Rejected | None]:
    """Our kind for a MISP attribute type (None: recognise a ``text`` value by its shape)."""
    if misp_type in MISP_TYPES:
        return MISP_TYPES[str(misp_type)], None
    if misp_type == "text":
        return None, None
    if misp_type == "bic":
        return None, Rejected(where, "bic_not_account")
    if isinstance(misp_type, str) and misp_type in MISPAttribute().known_types:
        return None, Rejected(where, "unsupported_attribute_type", {"type": misp_type})
    return None, Rejected(where, "unknown_attribute_type", {"type": misp_type, "value": value})


def _read_misp_object(
    misp_object: MISPObject,
    event_tags: list[str],
    source: str | None,
    where: str,
    loose: Mapping[str, list[Any]],
    parsed: Parsed,
) -> None:
    relations = MISP_OBJECTS[misp_object.name]
    attributes = [
        attribute for attribute in misp_object.attributes if attribute.object_relation in relations
    ]
    if not attributes:
        parsed.rejected.append(
            Rejected(
                where,
                "object_without_identifier",
                {"name": misp_object.name, "relations": " / ".join(relations)},
            )
        )
        return
    # Tags on the object's other attributes (a TLP on the account name) still mark the account.
    sibling_tags = [
        name for attribute in misp_object.attributes for name in _tag_names(attribute.tags)
    ]
    for attribute in attributes:
        kind, refusal = _misp_kind(attribute.type, attribute.value, where)
        if refusal is not None:
            parsed.rejected.append(refusal)
            continue
        label = f"{where}, {attribute.object_relation}"
        _add_misp_item(attribute, kind, sibling_tags, event_tags, source, label, loose, parsed)


def _add_misp_item(
    attribute: Any,
    kind: IdentifierKind | None,
    extra_tags: list[str],
    event_tags: list[str],
    source: str | None,
    where: str,
    loose: Mapping[str, list[Any]],
    parsed: Parsed,
) -> None:
    own_tags = _tag_names(attribute.tags)
    tags = own_tags + extra_tags + event_tags
    value = str(attribute.value)
    item = Item(where=where, kind=kind, value=value, source=source)
    token_kind = _machine_tag(own_tags, "token-kind")
    if attribute.type == "text" and token_kind is not None:
        try:
            item.kind = IdentifierKind(token_kind)
        except ValueError:
            parsed.rejected.append(Rejected(where, "unknown_kind", {"kind": token_kind}))
            return
        item.value, item.token = None, value
    item.tlp = _tlp_of(tags) or service.DEFAULT_TLP
    item.fraud_types = _fraud_types_of(own_tags + extra_tags) or _fraud_types_of(event_tags)
    item.refusal = _pap_refusal(tags, where)
    sightings = list(attribute.sightings) + loose.get(str(getattr(attribute, "uuid", "")), [])
    for number, sighting in enumerate(sightings, start=1):
        seen = _misp_sighting(sighting, item, f"{where}, sighting {number}", parsed)
        if seen is not None:
            item.sightings.append(seen)
    parsed.items.append(item)


def _misp_sighting(sighting: Any, item: Item, where: str, parsed: Parsed) -> Seen | None:
    fields = sighting if isinstance(sighting, dict) else sighting.to_dict()
    sighting_type = str(fields.get("type", MISP_SIGHTING))
    if sighting_type == MISP_EXPIRATION:
        parsed.rejected.append(Rejected(where, "expiration_sighting"))
        return None
    seen_at = _timestamp(fields.get("date_sighting")) or utcnow()
    if sighting_type == MISP_FALSE_POSITIVE:
        return Seen(SightingKind.FALSE_POSITIVE, seen_at, 1)
    kind, count = _sighting_source(fields.get("source"))
    return Seen(kind or _default_sighting(item), seen_at, count)


def _sighting_source(source: object) -> tuple[SightingKind | None, int]:
    """Our kind and count from a sighting's source, as our export writes it: ``kind (count)``."""
    match = _SIGHTING_SOURCE.match(source) if isinstance(source, str) else None
    if match is None:
        return None, 1
    try:
        kind = SightingKind(match.group(1))
    except ValueError:
        return None, 1
    return kind, int(match.group(2) or 1)


def _default_sighting(item: Item) -> SightingKind:
    if item.kind is None:
        return SightingKind.PAYMENT_ATTEMPTED
    return DEFAULT_SIGHTING[item.kind]


# --- Import: STIX 2.1 ------------------------------------------------------------------------


@dataclass
class _StixContext:
    objects: Mapping[str, Mapping[str, Any]]
    tlp_markings: dict[str, Tlp]
    pap_markings: dict[str, str]
    container_markings: dict[str, list[str]]
    items_by_id: dict[str, list[Item]] = field(default_factory=dict)


def read_stix(document: Mapping[str, Any]) -> Parsed:
    """Indicators with STIX patterns, the observables we list, MISP's ``x-misp-attribute`` and
    ``x-misp-object`` forms, sightings and disagreeing opinions (false positives)."""
    parsed = Parsed(Format.STIX)
    raw_objects = document.get("objects") or []
    objects = {str(obj["id"]): obj for obj in raw_objects if isinstance(obj, dict) and "id" in obj}
    context = _StixContext(objects, {}, {}, {})
    for obj in objects.values():
        if obj.get("type") == "marking-definition":
            _learn_marking(obj, context)
        if obj.get("type") in {"report", "grouping"}:
            for ref in obj.get("object_refs") or []:
                context.container_markings.setdefault(str(ref), []).extend(
                    obj.get("object_marking_refs") or []
                )
    later: list[tuple[str, Mapping[str, Any]]] = []
    for number, obj in enumerate(raw_objects, start=1):
        if not isinstance(obj, dict) or "type" not in obj or "id" not in obj:
            parsed.rejected.append(
                Rejected(f"object {number}", "invalid_stix", {"error": "no type or id"})
            )
        elif obj["type"] in {"sighting", "opinion", "relationship"}:
            later.append((str(obj["id"]), obj))  # once the things they point at are read
        elif obj["type"] not in STIX_FRAMING:
            _read_stix_object(obj, str(obj["id"]), context, parsed)
    for where, link in later:
        if _valid_stix(link, where, parsed):
            _read_stix_link(link, where, context, parsed)
    return parsed


def _read_stix_object(
    obj: Mapping[str, Any], where: str, context: _StixContext, parsed: Parsed
) -> None:
    object_type = obj["type"]
    if not _valid_stix(obj, where, parsed):
        return
    if object_type == "indicator":
        _read_stix_indicator(obj, where, context, parsed)
    elif object_type == "x-misp-attribute":
        _read_x_misp_attribute(obj, where, context, parsed)
    elif object_type == "x-misp-object":
        _read_x_misp_object(obj, where, context, parsed)
    elif any(object_type == observable for observable, _ in STIX_IMPORTED):
        _read_stix_observable(obj, where, context, parsed)
    else:
        parsed.rejected.append(Rejected(where, "unsupported_stix_type", {"type": object_type}))


def _valid_stix(obj: Mapping[str, Any], where: str, parsed: Parsed) -> bool:
    """Whether stix2 accepts the object; custom properties and types are allowed."""
    try:
        stix2.parse(dict(obj), allow_custom=True)
    except (stix2.exceptions.STIXError, ValueError, TypeError, KeyError) as error:
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        parsed.rejected.append(Rejected(where, "invalid_stix", {"error": reason}))
        return False
    return True


def _learn_marking(obj: Mapping[str, Any], context: _StixContext) -> None:
    """TLP and PAP markings by their definition, for producers with ids of their own."""
    marking_id = str(obj["id"])
    definition = obj["definition"] if isinstance(obj.get("definition"), dict) else {}
    # STIX 2.1 writes {"tlp": "amber"}, OpenCTI {"TLP": "TLP:AMBER+STRICT"} and a name.
    written = [str(value) for value in definition.values()] + [str(obj.get("name") or "")]
    names = written + [f"tlp:{value}" for value in written]
    extensions = obj["extensions"] if isinstance(obj.get("extensions"), dict) else {}
    extension = extensions.get(TLP_2_EXTENSION) or {}
    if extension.get("tlp_2_0"):
        names.append(f"tlp:{extension['tlp_2_0']}")
    tlp = KNOWN_TLP_MARKINGS.get(marking_id) or _tlp_of(names)
    if tlp is not None:
        context.tlp_markings[marking_id] = tlp
    for name in names:
        if name.lower() in PAP_FORBIDDEN | PAP_ALLOWED:
            context.pap_markings[marking_id] = name


def _stix_marks(
    obj: Mapping[str, Any], context: _StixContext, where: str
) -> tuple[Tlp, Rejected | None]:
    refs = [str(ref) for ref in obj.get("object_marking_refs") or []]
    refs += context.container_markings.get(str(obj.get("id")), [])
    labels = _labels(obj)
    tlps = [context.tlp_markings.get(ref) or KNOWN_TLP_MARKINGS.get(ref) for ref in refs]
    marked = [tlp for tlp in tlps if tlp is not None]
    tlp = max(marked, key=_TLP_ORDER.index) if marked else _tlp_of(labels)
    paps = [context.pap_markings[ref] for ref in refs if ref in context.pap_markings]
    return tlp or service.DEFAULT_TLP, _pap_refusal(paps + labels, where)


def _labels(obj: Mapping[str, Any]) -> list[str]:
    labels = list(obj.get("labels") or []) + list(obj.get("x_opencti_labels") or [])
    return [label for label in labels if isinstance(label, str)]


def _source(obj: Mapping[str, Any], context: _StixContext) -> str | None:
    # Observables have no created_by_ref in STIX 2.1; OpenCTI puts theirs in a custom property.
    reference = obj.get("created_by_ref") or obj.get("x_opencti_created_by_ref") or ""
    creator = context.objects.get(str(reference))
    name = creator.get("name") if creator else None
    return name if isinstance(name, str) else None


def _stix_item(
    obj: Mapping[str, Any],
    where: str,
    kind: IdentifierKind | None,
    value: str | None,
    context: _StixContext,
) -> Item:
    tlp, refusal = _stix_marks(obj, context, where)
    return Item(
        where=where,
        kind=kind,
        value=value,
        tlp=tlp,
        fraud_types=_fraud_types_of(_labels(obj)),
        source=_source(obj, context),
        refusal=refusal,
    )


def _keep(item: Item, obj: Mapping[str, Any], context: _StixContext, parsed: Parsed) -> None:
    parsed.items.append(item)
    context.items_by_id.setdefault(str(obj["id"]), []).append(item)


def _read_stix_indicator(
    obj: Mapping[str, Any], where: str, context: _StixContext, parsed: Parsed
) -> None:
    if obj.get("revoked"):
        parsed.rejected.append(Rejected(where, "revoked"))
        return
    until = _timestamp(obj.get("valid_until"))
    if until is not None and until < utcnow():
        parsed.rejected.append(Rejected(where, "valid_until_passed", {"until": until.date()}))
        return
    if obj.get("pattern_type", "stix") != "stix":
        parsed.rejected.append(Rejected(where, "pattern_type", {"type": obj.get("pattern_type")}))
        return
    pattern = str(obj.get("pattern", ""))
    found = 0
    for object_type, comparisons in Pattern(pattern).inspect().comparisons.items():
        for path, operator, literal in comparisons:
            if operator != "=" or len(path) != 1:
                continue
            kind = STIX_IMPORTED.get((object_type, path[0]))
            if path[0] == PSEUDONYM_PROPERTY:
                kind = next(
                    (known for known, (name, _) in STIX_OBSERVABLES.items() if name == object_type),
                    None,
                )
            if kind is None:
                continue
            item = _stix_item(obj, where, kind, _stix_unquote(literal), context)
            if path[0] == PSEUDONYM_PROPERTY:
                item.value, item.token = None, _stix_unquote(literal)
            _keep(item, obj, context, parsed)
            found += 1
    if not found:
        parsed.rejected.append(Rejected(where, "unsupported_pattern", {"pattern": pattern}))


def _read_stix_observable(
    obj: Mapping[str, Any], where: str, context: _StixContext, parsed: Parsed
) -> None:
    object_type = str(obj["type"])
    for (observable, prop), kind in STIX_IMPORTED.items():
        if observable == object_type and isinstance(obj.get(prop), str):
            _keep(_stix_item(obj, where, kind, obj[prop], context), obj, context, parsed)
            return
    parsed.rejected.append(Rejected(where, "unsupported_stix_type", {"type": object_type}))


def _read_x_misp_attribute(
    obj: Mapping[str, Any], where: str, context: _StixContext, parsed: Parsed
) -> None:
    """MISP's STIX export writes attributes STIX cannot express as ``x-misp-attribute`` with
    ``x_misp_type`` and ``x_misp_value``; tags it had become labels."""
    misp_type, value = obj.get("x_misp_type"), obj.get("x_misp_value")
    kind, refusal = _misp_kind(misp_type, value, where)
    if refusal is not None:
        parsed.rejected.append(refusal)
        return
    _keep(_stix_item(obj, where, kind, str(value), context), obj, context, parsed)


def _read_x_misp_object(
    obj: Mapping[str, Any], where: str, context: _StixContext, parsed: Parsed
) -> None:
    name = obj.get("x_misp_name")
    relations = MISP_OBJECTS.get(str(name))
    if relations is None:
        parsed.rejected.append(Rejected(where, "unsupported_object", {"name": name}))
        return
    found = False
    for attribute in obj.get("x_misp_attributes") or []:
        if not isinstance(attribute, dict) or attribute.get("object_relation") not in relations:
            continue
        kind, refusal = _misp_kind(attribute.get("type"), attribute.get("value"), where)
        if refusal is not None:
            parsed.rejected.append(refusal)
            continue
        _keep(
            _stix_item(obj, where, kind, str(attribute.get("value")), context), obj, context, parsed
        )
        found = True
    if not found:
        parsed.rejected.append(
            Rejected(
                where,
                "object_without_identifier",
                {"name": name, "relations": " / ".join(relations)},
            )
        )


def _read_stix_link(
    obj: Mapping[str, Any], where: str, context: _StixContext, parsed: Parsed
) -> None:
    """Sightings and false-positive opinions attach to imported items; a relationship is read
    only between imported items (an indicator ``based-on`` its observable)."""
    object_type = obj["type"]
    if object_type == "relationship":
        if not (
            str(obj.get("source_ref")) in context.items_by_id
            and str(obj.get("target_ref")) in context.items_by_id
        ):
            parsed.rejected.append(
                Rejected(where, "relationship_unused", {"type": obj.get("relationship_type")})
            )
        return
    if object_type == "opinion":
        if obj.get("opinion") not in STIX_NEGATIVE_OPINIONS:
            parsed.rejected.append(Rejected(where, "opinion_unused"))
            return
        refs = [str(ref) for ref in obj.get("object_refs") or []]
        targets = [item for ref in refs for item in context.items_by_id.get(ref, [])]
        if not targets:
            parsed.rejected.append(
                Rejected(where, "sighting_target_missing", {"ref": ", ".join(refs)})
            )
        seen_at = _timestamp(obj.get("created")) or utcnow()
        for item in targets:
            item.sightings.append(Seen(SightingKind.FALSE_POSITIVE, seen_at, 1))
        return
    ref = str(obj.get("sighting_of_ref"))
    targets = context.items_by_id.get(ref, [])
    if not targets:
        parsed.rejected.append(Rejected(where, "sighting_target_missing", {"ref": ref}))
        return
    sighted_at = _timestamp(obj.get("last_seen") or obj.get("first_seen") or obj.get("created"))
    count = obj["count"] if isinstance(obj.get("count"), int) and obj["count"] > 0 else 1
    for item in targets:
        if obj.get("x_opencti_negative"):  # OpenCTI's false positive
            kind: SightingKind = SightingKind.FALSE_POSITIVE
        else:
            named, _ = _sighting_source(obj.get("x_fraudlink_kind"))
            kind = named or _default_sighting(item)
        item.sightings.append(Seen(kind, sighted_at or utcnow(), count))


# --- Import: CSV -----------------------------------------------------------------------------


def read_csv(content: str, path: Path) -> Parsed:
    """Rows under a header with ``value`` or ``token``; ``kind`` (ours) or ``type`` (MISP's)
    names the kind, ``fraud_types`` (``;``-separated) and ``tlp`` are read; the other columns
    of our export (confidence, counts, dates) are this installation's to compute, and columns
    of other tools (MISP's CSV export) are ignored."""
    parsed = Parsed(Format.CSV)
    reader = csv.DictReader(io.StringIO(content, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if "value" not in header and "token" not in header:
        raise InterchangeError("csv_columns", path=str(path))
    reader.fieldnames = header
    for row in reader:
        where = f"line {reader.line_num}"
        cells = {name: (cell or "").strip() for name, cell in row.items() if isinstance(name, str)}
        if not any(cells.values()):
            continue
        item = _csv_item(cells, where, parsed)
        if item is not None:
            parsed.items.append(item)
    return parsed


def _csv_item(cells: Mapping[str, str], where: str, parsed: Parsed) -> Item | None:
    status = cells.get("status", "").lower()
    if status and status not in {listed.value for listed in LISTED}:
        parsed.rejected.append(Rejected(where, "status_not_listed", {"status": status}))
        return None
    kind, refusal = _csv_kind(cells, where)
    tlp = service.DEFAULT_TLP
    if refusal is None and cells.get("tlp"):
        written = cells["tlp"].lower()
        tlp = _tlp_of([written if written.startswith("tlp:") else f"tlp:{written}"]) or tlp
        if f"tlp:{written.removeprefix('tlp:')}" not in TLP_TAGS:
            refusal = Rejected(where, "unknown_tlp", {"tlp": cells["tlp"]})
    value, token = cells.get("value") or None, cells.get("token") or None
    if refusal is None and value is None and token is None:
        refusal = Rejected(where, "no_value")
    if refusal is None and value is None and kind is None:
        refusal = Rejected(where, "unknown_kind", {"kind": "-"})
    if refusal is not None:
        parsed.rejected.append(refusal)
        return None
    names = re.split(r"[;,]", cells.get("fraud_types", ""))
    return Item(
        where=where,
        kind=kind,
        value=value,
        token=None if value else token,
        tlp=tlp,
        fraud_types=_fraud_types_of(names),
    )


def _csv_kind(
    cells: Mapping[str, str], where: str
) -> tuple[IdentifierKind | None, Rejected | None]:
    """The kind a row names: ours in ``kind``, or MISP's attribute type in ``type``."""
    if cells.get("kind"):
        try:
            return IdentifierKind(cells["kind"].lower()), None
        except ValueError:
            return None, Rejected(where, "unknown_kind", {"kind": cells["kind"]})
    if cells.get("type"):
        return _misp_kind(cells["type"], cells.get("value"), where)
    return None, None


# --- Import: into the exchange ---------------------------------------------------------------


@dataclass
class ImportSummary:
    format: Format
    listed: int = 0  # listings submitted (new indicators and updates alike)
    sightings: int = 0  # sightings added
    sightings_present: int = 0  # the same sighting imported before: not added twice
    rejected: list[Rejected] = field(default_factory=list)

    def as_dict(self, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "format": self.format.value,
            "listed": self.listed,
            "sightings": self.sightings,
            "sightings_present": self.sightings_present,
            "rejected": [
                {"where": item.where, "reason": item.reason, "message": item.message(language)}
                for item in self.rejected
            ],
        }


@dataclass
class _Ready:
    """An item checked against this installation: what ``submit`` gets, and for whom."""

    item: Item
    identifier: Identifier
    token: str
    partner_id: int


def import_file(
    database: Database,
    path: Path,
    *,
    partner_id: int | None,
    actor: Actor,
    policy: service.Policy,
    token_of: Callable[[Identifier], str],
    confirmed: bool = False,
) -> ImportSummary:
    """List every usable item of the file as ``partner_id``'s (None: the partner the file names
    as its producer) and add its sightings; report the rest. Raises InterchangeError only for a
    file that cannot be read at all.

    ``confirmed`` says the partner established these cases itself (see ``Listing``).
    """
    parsed = read(path)
    summary = ImportSummary(parsed.format, rejected=list(parsed.rejected))
    for start in range(0, len(parsed.items), BATCH_SIZE):
        batch = parsed.items[start : start + BATCH_SIZE]
        with database.transaction() as session:
            ready = _resolve(session, batch, partner_id, token_of, summary)
            _submit(session, ready, token_of, actor, policy, confirmed, summary)
    return summary


def _resolve(
    session: Session,
    items: Sequence[Item],
    partner_id: int | None,
    token_of: Callable[[Identifier], str],
    summary: ImportSummary,
) -> list[_Ready]:
    directory = partner_service.directory(session)
    partner_domains = directory.by_domain.keys()
    ready: dict[tuple[int, str], _Ready] = {}
    for item in items:
        if item.refusal is not None:
            summary.rejected.append(item.refusal)
            continue
        owner = partner_id if partner_id is not None else _producer(item, directory, summary)
        if owner is None:
            continue
        identifier = _identifier(session, item, summary)
        if identifier is None:
            continue
        if service.is_warning_listed(identifier, partner_domains):
            summary.rejected.append(
                Rejected(item.where, "warning_listed", {"value": identifier.display})
            )
            continue
        token = token_of(identifier)
        earlier = ready.get((owner, token))
        if earlier is None:
            ready[(owner, token)] = _Ready(item, identifier, token, owner)
        else:  # the same value twice (an indicator and its observable): one listing
            if _TLP_ORDER.index(item.tlp) > _TLP_ORDER.index(earlier.item.tlp):
                earlier.item.tlp = item.tlp
            earlier.item.fraud_types = earlier.item.fraud_types or item.fraud_types
            earlier.item.sightings += item.sightings
    return list(ready.values())


def _producer(
    item: Item, directory: partner_service.Directory, summary: ImportSummary
) -> int | None:
    if item.source is None:
        summary.rejected.append(Rejected(item.where, "no_source"))
        return None
    owner = directory.named(item.source)
    if owner is None:
        summary.rejected.append(Rejected(item.where, "unknown_source", {"name": item.source}))
        return None
    if Permission.INDICATOR_SUBMIT not in GRANTS[directory.types[owner]]:
        summary.rejected.append(Rejected(item.where, "source_cannot_submit", {"name": item.source}))
        return None
    return owner


def _identifier(session: Session, item: Item, summary: ImportSummary) -> Identifier | None:
    if item.token is not None:
        # A token from an export of this installation stands for the value stored here.
        indicator = service.find(session, token=item.token.lower())
        if indicator is None or (item.kind and indicator.kind != item.kind.value):
            summary.rejected.append(Rejected(item.where, "unknown_token", {"token": item.token}))
            return None
        if indicator.value is None:
            summary.rejected.append(Rejected(item.where, "token_erased", {"token": item.token}))
            return None
        return parse(indicator.value, IdentifierKind(indicator.kind))
    assert item.value is not None, "an item has a value or a token"
    kind = item.kind
    try:
        return parse(item.value, kind)
    except InvalidIdentifier as error:
        if kind is None and error.code == "unknown_kind":
            summary.rejected.append(Rejected(item.where, "text_not_wallet"))
            return None
        summary.rejected.append(
            Rejected(item.where, "invalid_value", {"value": item.value[:100]}, cause=error)
        )
        return None


def _submit(
    session: Session,
    ready: Sequence[_Ready],
    token_of: Callable[[Identifier], str],
    actor: Actor,
    policy: service.Policy,
    confirmed: bool,
    summary: ImportSummary,
) -> None:
    by_partner: dict[int, list[_Ready]] = {}
    for entry in ready:
        by_partner.setdefault(entry.partner_id, []).append(entry)
    for partner_id, entries in by_partner.items():
        indicators = service.submit(
            session,
            listings=[
                service.Listing(
                    entry.identifier,
                    (entry.item.fraud_types or [FraudType.OTHER.value])[0],
                    confirmed,
                    entry.item.tlp,
                )
                for entry in entries
            ],
            partner_id=partner_id,
            token_of=token_of,
            actor=actor,
            policy=policy,
        )
        summary.listed += len(entries)
        by_token = {indicator.token: indicator for indicator in indicators}
        for entry in entries:
            for seen in entry.item.sightings:
                _add_sighting(
                    session, by_token[entry.token], partner_id, seen, actor, policy, summary
                )


def _add_sighting(
    session: Session,
    indicator: Indicator,
    partner_id: int,
    seen: Seen,
    actor: Actor,
    policy: service.Policy,
    summary: ImportSummary,
) -> None:
    """Add a sighting unless this partner reported the very same one before (a re-import)."""
    present = session.scalar(
        select(Sighting.id).where(
            Sighting.indicator_id == indicator.id,
            Sighting.partner_id == partner_id,
            Sighting.kind == seen.kind,
            Sighting.seen_at == seen.seen_at,
        )
    )
    if present is not None:
        summary.sightings_present += 1
        return
    service.add_sighting(
        session,
        indicator_id=indicator.id,
        partner_id=partner_id,
        kind=seen.kind,
        seen_at=seen.seen_at,
        count=seen.count,
        actor=actor,
        policy=policy,
    )
    summary.sightings += 1
