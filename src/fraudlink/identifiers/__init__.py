"""The one place that parses, validates, normalises and pseudonymises fraud identifiers.

Every domain of the platform goes through :func:`parse`: reports, checks, decisions and
exchange formats all agree on one normal form per identifier, so an IBAN typed with spaces
by a victim matches the same IBAN sent compact by a bank. Nothing else checks an IBAN.

    >>> parse("nl91 abna 0417 1643 00").normalized
    'NL91ABNA0417164300'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from fraudlink.identifiers.email import parse_email
from fraudlink.identifiers.errors import InvalidIdentifier
from fraudlink.identifiers.iban import parse_iban
from fraudlink.identifiers.model import DetailValue, Identifier, IdentifierKind
from fraudlink.identifiers.phone import parse_phone
from fraudlink.identifiers.pseudonym import Pseudonymiser
from fraudlink.identifiers.shapes import detect
from fraudlink.identifiers.wallet import parse_wallet
from fraudlink.identifiers.web import parse_domain, parse_url

__all__ = [
    "MAX_INPUT_LENGTH",
    "DetailValue",
    "Identifier",
    "IdentifierKind",
    "InvalidIdentifier",
    "Pseudonymiser",
    "detect",
    "parse",
]

# Longer than any identifier (a URL is the longest) and a bound on the work one value can cause.
MAX_INPUT_LENGTH: Final = 2048

_PARSERS: Final[dict[IdentifierKind, Callable[[str], Identifier]]] = {
    IdentifierKind.IBAN: parse_iban,
    IdentifierKind.PHONE: parse_phone,
    IdentifierKind.URL: parse_url,
    IdentifierKind.DOMAIN: parse_domain,
    IdentifierKind.EMAIL: parse_email,
    IdentifierKind.WALLET: parse_wallet,
}


def parse(value: str, kind: IdentifierKind | None = None) -> Identifier:
    """Parse ``value`` as ``kind``, or as the kind its shape suggests when ``kind`` is None.

    Raises InvalidIdentifier, and nothing else, for any string.
    """
    if len(value) > MAX_INPUT_LENGTH:
        raise InvalidIdentifier("too_long", kind, maximum=MAX_INPUT_LENGTH)
    text = value.strip()
    if not text:
        raise InvalidIdentifier("empty", kind)
    if kind is None:
        kind = detect(text)
        if kind is None:
            raise InvalidIdentifier("unknown_kind")
    return _PARSERS[kind](text)
