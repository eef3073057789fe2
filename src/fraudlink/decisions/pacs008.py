"""ISO 20022 pacs.008 (FI to FI customer credit transfer), in XML or JSON, as payments to decide.

Banks already hold their payments in this shape; each credit transfer (``CdtTrfTxInf``) becomes
one payment: ``IntrBkSttlmAmt`` (with ``Ccy``) the amount, ``DbtrAcct``/``CdtrAcct`` the IBANs,
``Cdtr/Nm`` the creditor name, ``PmtId/EndToEndId`` the reference, ``AccptncDtTm`` (or the group
header's ``CreDtTm``) the time. What pacs.008 does not carry (channel, the debtor's age band and
phone, whether the creditor is new) the caller adds as query parameters, for every payment.

The JSON form uses the same element names: ``{"FIToFICstmrCdtTrf": {"GrpHdr": {...},
"CdtTrfTxInf": [...]}}`` (optionally inside ``"Document"``), an amount as ``{"Ccy": "EUR",
"Amt": "2500.00"}``. XML is read with the standard library's parser; a document with a DTD
is refused, so no entity can expand.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final
from xml.etree import ElementTree

from fraudlink.errors import InvalidInput

ROOT: Final = "FIToFICstmrCdtTrf"
_AMOUNT_KEYS: Final = ("Amt", "value", "#text", "$")


def is_pacs008(document: object) -> bool:
    return isinstance(document, Mapping) and (ROOT in document or "Document" in document)


def from_xml(body: bytes) -> list[dict[str, Any]]:
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise InvalidInput("decisions.pacs008_dtd", field="body")
    try:
        root = ElementTree.fromstring(body)  # noqa: S314 - no DTD, so no entities (checked above)
    except ElementTree.ParseError as error:
        raise InvalidInput("decisions.pacs008_not_xml", field="body", error=str(error)) from None
    return from_json({_local(root.tag): _as_mapping(root)})


def from_json(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    message = document.get("Document", document)
    transfer = message.get(ROOT) if isinstance(message, Mapping) else None
    if not isinstance(transfer, Mapping):
        raise InvalidInput("decisions.pacs008_no_transfer", field=ROOT)
    created = _path(transfer, "GrpHdr", "CreDtTm")
    transactions = transfer.get("CdtTrfTxInf")
    if isinstance(transactions, Mapping):
        transactions = [transactions]
    if not isinstance(transactions, list) or not transactions:
        raise InvalidInput("decisions.pacs008_no_transfer", field=f"{ROOT}.CdtTrfTxInf")
    return [
        _payment(transaction, created, f"{ROOT}.CdtTrfTxInf.{position}")
        for position, transaction in enumerate(transactions)
    ]


def _payment(transaction: object, created: object, where: str) -> dict[str, Any]:
    if not isinstance(transaction, Mapping):
        raise InvalidInput("decisions.pacs008_no_transfer", field=where)
    amount = transaction.get("IntrBkSttlmAmt")
    currency, cents = _amount(amount, f"{where}.IntrBkSttlmAmt")
    payment = {
        "amount_cents": cents,
        "currency": currency,
        "debtor_iban": _path(transaction, "DbtrAcct", "Id", "IBAN"),
        "creditor_iban": _path(transaction, "CdtrAcct", "Id", "IBAN"),
        "creditor_name": _path(transaction, "Cdtr", "Nm"),
        "reference": _path(transaction, "PmtId", "EndToEndId"),
        "at": _path(transaction, "AccptncDtTm") or created,
    }
    for account in ("debtor_iban", "creditor_iban"):
        if not payment[account]:
            element = "DbtrAcct" if account == "debtor_iban" else "CdtrAcct"
            raise InvalidInput("decisions.pacs008_missing", field=f"{where}.{element}.Id.IBAN")
    return {name: value for name, value in payment.items() if value is not None}


def _amount(amount: object, where: str) -> tuple[str, int]:
    if not isinstance(amount, Mapping):
        raise InvalidInput("decisions.pacs008_missing", field=where)
    currency = amount.get("Ccy") or amount.get("@Ccy")
    text = next((amount[key] for key in _AMOUNT_KEYS if key in amount), None)
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise InvalidInput("decisions.pacs008_amount", field=where) from None
    cents = value * 100
    if not value.is_finite() or cents != cents.to_integral_value() or not isinstance(currency, str):
        raise InvalidInput("decisions.pacs008_amount", field=where)
    return currency, int(cents)


def _path(node: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        found = node.get(name)
        if found is None:
            return None
        node = found
    return node if isinstance(node, str) else None


def _as_mapping(element: ElementTree.Element) -> dict[str, Any]:
    """An element's children by local name (namespace dropped); repeated names become lists."""
    children: dict[str, Any] = {}
    for child in element:
        name = _local(child.tag)
        value: Any
        if len(child):
            value = _as_mapping(child)
        elif child.attrib:
            value = {"#text": (child.text or "").strip()} | {
                _local(key): attribute for key, attribute in child.attrib.items()
            }
        else:
            value = (child.text or "").strip()
        if name == "CdtTrfTxInf":
            children.setdefault(name, []).append(value)
        elif name in children:
            children[name] = [*_listed(children[name]), value]
        else:
            children[name] = value
    return children


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
