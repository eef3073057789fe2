"""Which kind of identifier a text looks like, judged by its shape alone.

Shape, not validity: "NL91 ABNA 0417 1643 01" has a wrong check digit but is plainly meant as
an IBAN, and the IBAN parser can then say precisely what is wrong. The order of the checks
(see ``_RULES``) settles the overlaps; each overlap is named where it is settled.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Final

from fraudlink.identifiers.model import IdentifierKind

_MIN_PHONE_DIGITS: Final = 6
_MAX_PHONE_DIGITS: Final = 17  # the most phonenumbers accepts; E.164 itself allows 15

_ETHEREUM: Final = re.compile(r"0[xX][0-9a-fA-F]{40}")
_SEGWIT: Final = re.compile(r"(?:bc|tb)1[0-9a-z]{6,87}", re.IGNORECASE)
# Legacy Bitcoin: mainnet "1"/"3", testnet "m"/"n"/"2". A lower-case IBAN of a country
# starting with M or N could fit too, but IBANs nearly always hold a 0, which base58 lacks.
_BASE58: Final = re.compile(r"[13mn2][1-9A-HJ-NP-Za-km-z]{24,34}")
_IBAN: Final = re.compile(r"(?:IBAN:?\s*)?[A-Z]{2}[0-9]{2}(?:[\s-]*[A-Z0-9]){11,30}", re.IGNORECASE)
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_EMAIL: Final = re.compile(r"[^\s@]+@[^\s@]+")
_PHONE: Final = re.compile(r"\(?\+?[0-9\s\-().\/]+")
# A host name: two or more dot-separated labels of letters (any script), digits and hyphens,
# with an optional trailing dot. Possessive quantifiers keep matching linear in the length
# of the input: with plain ones a long label made the engine backtrack quadratically.
_HOST: Final = r"[\w-]++(?:\.[\w-]++)++\.?"
_DOMAIN: Final = re.compile(_HOST)
_URL_WITHOUT_SCHEME: Final = re.compile(rf"(?://)?({_HOST})(?::[0-9]*+)?(?:[/?#].*)?", re.DOTALL)
_IPV4_URL: Final = re.compile(r"(?://)?([0-9.]++)(?::[0-9]*+)?(?:[/?#].*)?", re.DOTALL)


def _is_wallet(text: str) -> bool:
    return any(shape.fullmatch(text) for shape in (_ETHEREUM, _SEGWIT, _BASE58))


def _is_ipv4_url(text: str) -> bool:
    match = _IPV4_URL.fullmatch(text)
    if match is None:
        return False
    try:
        ipaddress.IPv4Address(match.group(1))
    except ValueError:
        return False
    return True


def _ends_in_a_letter_label(host: str) -> bool:
    """Every top-level domain has a letter; "3.14" or "1.2.3" is no host name."""
    last_label = host.removesuffix(".").rpartition(".")[2]
    return any(character.isalpha() for character in last_label)


def _is_domain(text: str) -> bool:
    return bool(_DOMAIN.fullmatch(text)) and _ends_in_a_letter_label(text)


def _is_url_without_scheme(text: str) -> bool:
    match = _URL_WITHOUT_SCHEME.fullmatch(text)
    return match is not None and _ends_in_a_letter_label(match.group(1))


def _is_phone(text: str) -> bool:
    digits = sum(character.isdigit() for character in text)
    return bool(_PHONE.fullmatch(text)) and _MIN_PHONE_DIGITS <= digits <= _MAX_PHONE_DIGITS


# The first rule that matches decides; the order settles the overlaps between shapes.
_RULES: Final[tuple[tuple[Callable[[str], object], IdentifierKind], ...]] = (
    (_is_wallet, IdentifierKind.WALLET),
    (_IBAN.fullmatch, IdentifierKind.IBAN),
    # Before e-mail: "https://www.bank.nl@phish.example/" is a URL with a deceptive user name.
    (_SCHEME.match, IdentifierKind.URL),
    (_EMAIL.fullmatch, IdentifierKind.EMAIL),
    # Before phone: "192.168.1.10" has the digits and dots of a phone number. A Dutch phone
    # number written with dots starts with 0, which an IP address in its normal form never does.
    (_is_ipv4_url, IdentifierKind.URL),
    (_is_phone, IdentifierKind.PHONE),
    (_is_domain, IdentifierKind.DOMAIN),
    (_is_url_without_scheme, IdentifierKind.URL),
)


def detect(text: str) -> IdentifierKind | None:
    text = text.strip()
    return next((kind for matches, kind in _RULES if matches(text)), None)
