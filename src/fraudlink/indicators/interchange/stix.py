"""STIX 2.1: the observables we use (STIX's own and OpenCTI's custom ones, registered with stix2
here), TLP markings, one bundle out, bundles in (MISP's and OpenCTI's forms included).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import stix2
from stix2 import v21
from stix2.properties import ListProperty, ReferenceProperty, StringProperty
from stix2patterns.pattern import Pattern

from fraudlink.database import utcnow
from fraudlink.identifiers import IdentifierKind
from fraudlink.indicators import service
from fraudlink.indicators.interchange.common import (
    FRAUD_TYPE_TAG,
    PAP_ALLOWED,
    PAP_FORBIDDEN,
    PRODUCER,
    TLP_ORDER,
    Format,
    Item,
    Parsed,
    Rejected,
    Seen,
    Shared,
    comment,
    default_sighting,
    fraud_types_of,
    pap_refusal,
    sighting_source,
    stable_id,
    timestamp,
    tlp_of,
)
from fraudlink.indicators.interchange.misp import MISP_OBJECTS, misp_kind
from fraudlink.indicators.vocabulary import SightingKind, Tlp

# --- Vocabulary ------------------------------------------------------------------------------

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


# --- Export ----------------------------------------------------------------------------------


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
        id=f"identity--{stable_id('identity', PRODUCER)}",
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
            id=f"indicator--{stable_id('stix', item.token)}",
            created=first_seen,
            modified=max(item.last_seen, first_seen),
            created_by_ref=producer.id,
            name=item.value or f"{item.kind.value} {item.token[:12]}…",
            description=comment(item),
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
                    id=f"relationship--{stable_id('based-on', item.token)}",
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
        stable = stable_id(f"sighting-{number}", item.token)
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


# --- Import ----------------------------------------------------------------------------------


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
    tlp = KNOWN_TLP_MARKINGS.get(marking_id) or tlp_of(names)
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
    tlp = max(marked, key=TLP_ORDER.index) if marked else tlp_of(labels)
    paps = [context.pap_markings[ref] for ref in refs if ref in context.pap_markings]
    return tlp or service.DEFAULT_TLP, pap_refusal(paps + labels, where)


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
        fraud_types=fraud_types_of(_labels(obj)),
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
    until = timestamp(obj.get("valid_until"))
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
    kind, refusal = misp_kind(misp_type, value, where)
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
        kind, refusal = misp_kind(attribute.get("type"), attribute.get("value"), where)
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
        seen_at = timestamp(obj.get("created")) or utcnow()
        for item in targets:
            item.sightings.append(Seen(SightingKind.FALSE_POSITIVE, seen_at, 1))
        return
    ref = str(obj.get("sighting_of_ref"))
    targets = context.items_by_id.get(ref, [])
    if not targets:
        parsed.rejected.append(Rejected(where, "sighting_target_missing", {"ref": ref}))
        return
    sighted_at = timestamp(obj.get("last_seen") or obj.get("first_seen") or obj.get("created"))
    count = obj["count"] if isinstance(obj.get("count"), int) and obj["count"] > 0 else 1
    for item in targets:
        if obj.get("x_opencti_negative"):  # OpenCTI's false positive
            kind: SightingKind = SightingKind.FALSE_POSITIVE
        else:
            named, _ = sighting_source(obj.get("x_fraudlink_kind"))
            kind = named or default_sighting(item)
        item.sightings.append(Seen(kind, sighted_at or utcnow(), count))
