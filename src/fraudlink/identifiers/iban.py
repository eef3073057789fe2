"""IBANs: validated by schwifty, with an error that says what exactly is wrong.

Only the international check digits are verified, not national account checksums: the
mod-97 check already catches every single-character typo and nearly every swap of two
neighbours, while national rules (Dutch "elfproef", German bank-specific methods) have
exceptions that would turn away real accounts a victim paid money into.
"""

from __future__ import annotations

import re
from typing import Final

from schwifty import IBAN
from schwifty.exceptions import InvalidChecksumDigits, InvalidCountryCode, SchwiftyException

from fraudlink.identifiers.banks import bank_by_code
from fraudlink.identifiers.errors import InvalidIdentifier, shown
from fraudlink.identifiers.model import Identifier, IdentifierKind

KIND: Final = IdentifierKind.IBAN

# People copy IBANs from invoices ("IBAN: NL91 ABNA ...") and online banking ("NL91-ABNA-...").
_PREFIX: Final = re.compile(r"IBAN:?", re.IGNORECASE)
_SEPARATORS: Final = re.compile(r"[\s-]+")
_NOT_ALPHANUMERIC: Final = re.compile(r"[^A-Za-z0-9]")
_START: Final = re.compile(r"[A-Z]{2}[0-9]{2}")
# One segment of a BBAN format such as "4!a10!n": a count, "!" for a fixed count, and a class.
_FORMAT_SEGMENT: Final = re.compile(r"(\d+)(!?)([acen])")
_GROUP_SIZE: Final = 4


def parse_iban(text: str) -> Identifier:
    compact = _compact(text)
    iban = IBAN(compact, allow_invalid=True)
    try:
        spec = iban.spec
    except InvalidCountryCode:
        raise InvalidIdentifier("iban_country", KIND, country=iban.country_code) from None
    if len(compact) != spec.iban_length:
        raise InvalidIdentifier(
            "iban_length",
            KIND,
            country=iban.country_code,
            expected=spec.iban_length,
            length=len(compact),
        )
    try:
        iban.validate()
    except InvalidChecksumDigits:
        raise InvalidIdentifier("iban_checksum", KIND) from None
    except SchwiftyException:  # InvalidStructure, or whatever a newer schwifty adds
        raise _structure_error(iban, spec.bban_spec) from None
    bank = bank_by_code(iban.country_code, iban.bank_code) if iban.bank_code else None
    return Identifier(
        kind=KIND,
        normalized=compact,
        display=" ".join(
            compact[start : start + _GROUP_SIZE] for start in range(0, len(compact), _GROUP_SIZE)
        ),
        details={
            "country": iban.country_code,
            "bank_code": iban.bank_code or None,
            # An unknown bank code is no error: registries lag behind newly licensed banks.
            "bic": bank.bic if bank else None,
            "bank_name": bank.name if bank else None,
        },
    )


def _compact(text: str) -> str:
    """Upper-case letters and digits only, or the error about the first thing in the way."""
    compact = _SEPARATORS.sub("", text)
    if _PREFIX.match(compact):
        compact = _PREFIX.sub("", compact, count=1)
    # Checked before upper-casing because str.upper() turns "ß" into "SS", a valid-looking IBAN.
    stray = _NOT_ALPHANUMERIC.search(compact)
    if stray:
        raise InvalidIdentifier("iban_characters", KIND, character=shown(stray.group()))
    compact = compact.upper()
    if not _START.match(compact):
        raise InvalidIdentifier("iban_start", KIND)
    return compact


def _structure_error(iban: IBAN, bban_format: str) -> InvalidIdentifier:
    """Point at the first character of the wrong class, e.g. the letter O where a 0 belongs."""
    segments = _FORMAT_SEGMENT.findall(bban_format)
    if all(fixed for _, fixed, _ in segments):
        expected_classes = "".join(letter_class * int(count) for count, _, letter_class in segments)
        bban = iban.bban.compact
        for offset, (character, expected) in enumerate(zip(bban, expected_classes, strict=False)):
            position = offset + 5  # after the country code and check digits, counted from 1
            if expected == "n" and not character.isdigit():
                return InvalidIdentifier(
                    "iban_digit_expected", KIND, position=position, character=character
                )
            if expected == "a" and not character.isalpha():
                return InvalidIdentifier(
                    "iban_letter_expected", KIND, position=position, character=character
                )
    return InvalidIdentifier("iban_structure", KIND, country=iban.country_code)
