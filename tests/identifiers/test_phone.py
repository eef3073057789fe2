import pytest

from fraudlink.identifiers import IdentifierKind, InvalidIdentifier, parse


@pytest.mark.parametrize(
    "spelling",
    [
        "06-12345678",
        "0612345678",
        "06 12345678",
        "06 1234 5678",
        "(06) 1234 5678",
        "06.12.34.56.78",
        "06/12345678",
        "+31 6 12345678",
        "+31612345678",
        "+31 (0)6-12345678",
        "0031612345678",
        "0031 6 1234 5678",
        "00 31 6 12 34 56 78",
    ],
)
def test_dutch_mobile_spellings_share_one_normal_form(spelling: str) -> None:
    identifier = parse(spelling, IdentifierKind.PHONE)
    assert identifier.normalized == "+31612345678"
    assert identifier.display == "+31 6 12345678"
    assert identifier.details == {"country": "NL", "calling_code": 31, "number_type": "mobile"}


@pytest.mark.parametrize(
    ("value", "normalized", "display", "details"),
    [
        ("020-1234567", "+31201234567", "+31 20 123 4567", ("NL", 31, "fixed")),
        ("010 123 4567", "+31101234567", "+31 10 123 4567", ("NL", 31, "fixed")),
        ("0800-1234", "+318001234", "+31 800 1234", ("NL", 31, "toll_free")),
        ("0900-1234567", "+319001234567", "+31 900 1234567", ("NL", 31, "premium")),
        ("088-1234567", "+31881234567", "+31 88 123 4567", ("NL", 31, "uan")),
        ("085-1234567", "+31851234567", "+31 85 123 4567", ("NL", 31, "voip")),
        ("+32 470 12 34 56", "+32470123456", "+32 470 12 34 56", ("BE", 32, "mobile")),
        ("0032 2 555 12 12", "+3225551212", "+32 2 555 12 12", ("BE", 32, "fixed")),
        ("+49 151 23456789", "+4915123456789", "+49 1512 3456789", ("DE", 49, "mobile")),
        ("+44 20 7946 0958", "+442079460958", "+44 20 7946 0958", ("GB", 44, "fixed")),
        ("+33 6 12 34 56 78", "+33612345678", "+33 6 12 34 56 78", ("FR", 33, "mobile")),
        ("+1 415 555 2671", "+14155552671", "+1 415-555-2671", ("US", 1, "fixed_or_mobile")),
        ("+800 1234 5678", "+80012345678", "+800 1234 5678", (None, 800, "toll_free")),
    ],
)
def test_valid_numbers(
    value: str, normalized: str, display: str, details: tuple[str | None, int, str]
) -> None:
    identifier = parse(value, IdentifierKind.PHONE)
    assert (identifier.normalized, identifier.display) == (normalized, display)
    country, calling_code, number_type = details
    assert identifier.details == {
        "country": country,
        "calling_code": calling_code,
        "number_type": number_type,
    }


@pytest.mark.parametrize(
    ("value", "code", "params"),
    [
        ("112", "phone_too_short", {}),
        ("+31 12", "phone_too_short", {}),
        ("0031", "phone_too_short", {}),
        ("0612345678901234", "phone_too_long", {}),
        ("+31 6 1234567890123456789", "phone_too_long", {}),
        ("+999 12345678", "phone_country_code", {}),
        ("+0612345678", "phone_country_code", {}),
        ("06123", "phone_invalid", {}),
        ("+3161234567", "phone_invalid", {}),
        ("0", "phone_invalid", {}),
        ("06-CALLNOW", "phone_characters", {"character": "C"}),
        ("06 12345678 ext. 12", "phone_characters", {"character": "e"}),
        ("06#12345678", "phone_characters", {"character": "#"}),
    ],
)
def test_precise_errors(value: str, code: str, params: dict[str, object]) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse(value, IdentifierKind.PHONE)
    assert (caught.value.code, caught.value.params) == (code, params)
