"""Phone numbers: parsed by phonenumbers, with the Netherlands as the home region.

Numbers without a country code are Dutch, because the platform's users are: "06-12345678" is
+31 6 12345678. The normal form is E.164 ("+31612345678"), the one spelling shared by every
way of writing a number.
"""

from __future__ import annotations

import re
from typing import Final

import phonenumbers
from phonenumbers import (
    NumberParseException,
    PhoneNumberFormat,
    PhoneNumberType,
    ValidationResult,
)

from fraudlink.identifiers.errors import InvalidIdentifier, shown
from fraudlink.identifiers.model import Identifier, IdentifierKind

KIND: Final = IdentifierKind.PHONE
HOME_REGION: Final = "NL"

# phonenumbers also reads letters ("0800-FRAUDE") and extensions ("ext. 12"); neither belongs
# in a reported number, so only digits, a plus and the usual separators pass.
_STRAY_CHARACTER: Final = re.compile(r"[^0-9\s+\-().\/]")

# Region codes phonenumbers uses for numbers of no country (+800 and the like) or unknown ones.
_NO_COUNTRY: Final = frozenset({"001", "ZZ"})

_NUMBER_TYPES: Final = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PREMIUM_RATE: "premium",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.PERSONAL_NUMBER: "personal",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}


def parse_phone(text: str) -> Identifier:
    stray = _STRAY_CHARACTER.search(text)
    if stray:
        raise InvalidIdentifier("phone_characters", KIND, character=shown(stray.group()))
    try:
        number = phonenumbers.parse(text, HOME_REGION)
    except NumberParseException as error:
        raise _parse_error(error) from None
    _check_possible(number)
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier("phone_invalid", KIND)
    region = phonenumbers.region_code_for_number(number)
    return Identifier(
        kind=KIND,
        normalized=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        display=phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
        details={
            "country": None if region is None or region in _NO_COUNTRY else region,
            "calling_code": number.country_code,
            "number_type": _NUMBER_TYPES.get(phonenumbers.number_type(number), "unknown"),
        },
    )


def _parse_error(error: NumberParseException) -> InvalidIdentifier:
    if error.error_type == NumberParseException.INVALID_COUNTRY_CODE:
        return InvalidIdentifier("phone_country_code", KIND)
    if error.error_type == NumberParseException.TOO_LONG:
        return InvalidIdentifier("phone_too_long", KIND)
    if error.error_type in (
        NumberParseException.TOO_SHORT_NSN,
        NumberParseException.TOO_SHORT_AFTER_IDD,
    ):
        return InvalidIdentifier("phone_too_short", KIND)
    return InvalidIdentifier("phone_invalid", KIND)


def _check_possible(number: phonenumbers.PhoneNumber) -> None:
    """The length checks come first: "too short" helps more than "does not exist"."""
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == ValidationResult.TOO_SHORT:
        raise InvalidIdentifier("phone_too_short", KIND)
    if reason == ValidationResult.TOO_LONG:
        raise InvalidIdentifier("phone_too_long", KIND)
    if reason == ValidationResult.INVALID_LENGTH:
        raise InvalidIdentifier("phone_length", KIND)
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        raise InvalidIdentifier("phone_country_code", KIND)
    if reason == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        raise InvalidIdentifier("phone_local_only", KIND)
