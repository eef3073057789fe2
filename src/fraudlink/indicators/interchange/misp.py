"""MISP: the attribute types, objects, tags and sighting types we use; one event out, events in.

``misp_kind`` (our kind for a MISP attribute type) serves the STIX reader too, for MISP's
``x-misp-attribute`` and ``x-misp-object``, and the CSV reader, for a ``type`` column.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from pymisp import MISPAttribute, MISPEvent, MISPObject, MISPOrganisation, MISPSighting
from pymisp.exceptions import PyMISPError

from fraudlink.database import utcnow
from fraudlink.identifiers import IdentifierKind
from fraudlink.indicators import service
from fraudlink.indicators.interchange.common import (
    FRAUD_TYPE_TAG,
    MACHINE_TAG,
    PRODUCER,
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
from fraudlink.indicators.vocabulary import SightingKind

# --- Vocabulary ------------------------------------------------------------------------------

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
MISP_SIGHTING: Final = "0"
MISP_FALSE_POSITIVE: Final = "1"
MISP_EXPIRATION: Final = "2"
STATUS_TAG: Final = 'fraudlink:status="{}"'
CONFIDENCE_TAG: Final = 'fraudlink:confidence="{}"'
PSEUDONYM_TAG: Final = 'fraudlink:token-kind="{}"'
PSEUDONYM_NOTE: Final = (
    "fraudlink pseudonym token of {kind}: HMAC-SHA256 of kind and normalised value; "
    "matches tokens of the same installation, the value itself is not shared with you"
)


# --- Export ----------------------------------------------------------------------------------


def _tags(item: Shared) -> list[str]:
    tags = [f"tlp:{item.tlp.value}"]
    tags += [FRAUD_TYPE_TAG.format(fraud_type) for fraud_type in item.fraud_types]
    tags.append(STATUS_TAG.format(item.status.value))
    tags.append(CONFIDENCE_TAG.format(round(item.confidence * 100)))
    return tags


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
        main.uuid = str(stable_id("misp", item.token))
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
        "comment": comment(item),
    }
    if item.value is None:
        common.update(to_ids=False, comment=PSEUDONYM_NOTE.format(kind=item.kind.value))
        attribute = _one(event.add_attribute("text", item.token, **common))
        attribute.add_tag(PSEUDONYM_TAG.format(item.kind.value))
        return attribute
    if item.kind is IdentifierKind.IBAN:
        account = event.add_object(name="bank-account")
        account.uuid = str(stable_id("misp-object", item.token))
        attribute = _one(account.add_attribute("iban", value=item.value, **common))
        if item.details.get("bic"):
            account.add_attribute("swift", value=str(item.details["bic"]), to_ids=False)
        return attribute
    if item.kind is IdentifierKind.PHONE:
        number = event.add_object(name="phone-number")
        number.uuid = str(stable_id("misp-object", item.token))
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


# --- Import ----------------------------------------------------------------------------------


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
        kind, refusal = misp_kind(misp_type, raw.get("value"), where)
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


def misp_kind(
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
        kind, refusal = misp_kind(attribute.type, attribute.value, where)
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
    item.tlp = tlp_of(tags) or service.DEFAULT_TLP
    item.fraud_types = fraud_types_of(own_tags + extra_tags) or fraud_types_of(event_tags)
    item.refusal = pap_refusal(tags, where)
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
    seen_at = timestamp(fields.get("date_sighting")) or utcnow()
    if sighting_type == MISP_FALSE_POSITIVE:
        return Seen(SightingKind.FALSE_POSITIVE, seen_at, 1)
    kind, count = sighting_source(fields.get("source"))
    return Seen(kind or default_sighting(item), seen_at, count)


def _machine_tag(names: Iterable[str], predicate: str) -> str | None:
    for name in names:
        match = MACHINE_TAG.match(name)
        if match and match.group(1) == predicate:
            return match.group(2)
    return None
