import json
import pickle

import pytest

from fraudlink.i18n import LANGUAGES
from fraudlink.identifiers import Identifier, IdentifierKind, InvalidIdentifier, parse


def test_as_dict_is_json_ready() -> None:
    identifier = parse("bücher.de")
    assert json.loads(json.dumps(identifier.as_dict())) == {
        "kind": "domain",
        "normalized": "xn--bcher-kva.de",
        "display": "bücher.de",
        "details": {
            "registrable_domain": "xn--bcher-kva.de",
            "suffix": "de",
            "subdomain": None,
            "unicode": "bücher.de",
        },
    }


def test_identifiers_are_hashable_and_equal_by_value() -> None:
    spellings = ["06-12345678", "+31 6 12345678", "0031612345678"]
    assert len({parse(spelling) for spelling in spellings}) == 1


def test_identifier_is_frozen() -> None:
    identifier = parse("06-12345678")
    with pytest.raises(AttributeError):
        identifier.normalized = "+31600000000"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "code"),
    [("", "empty"), ("   \t\n", "empty"), ("x" * 2049, "too_long"), ("hello", "unknown_kind")],
)
def test_generic_errors(value: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse(value)
    assert caught.value.code == code
    assert caught.value.kind is None


def test_generic_errors_keep_an_explicit_kind() -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse(" ", IdentifierKind.PHONE)
    assert (caught.value.code, caught.value.kind) == ("empty", IdentifierKind.PHONE)


@pytest.mark.parametrize(
    ("value", "kind", "code"),
    [
        ("example.nl", IdentifierKind.IBAN, "iban_characters"),
        ("1234567890123456", IdentifierKind.IBAN, "iban_start"),
        ("NL91ABNA0417164300", IdentifierKind.PHONE, "phone_characters"),
        ("06-12345678", IdentifierKind.DOMAIN, "domain_no_suffix"),
        ("06-12345678", IdentifierKind.EMAIL, "email_no_at"),
        ("jan@example.nl", IdentifierKind.WALLET, "wallet_unknown"),
        ("NL91ABNA0417164300", IdentifierKind.URL, "domain_no_suffix"),
        ("mailto:jan@example.nl", IdentifierKind.URL, "url_scheme"),
    ],
)
def test_an_explicit_kind_gives_that_kinds_error(
    value: str, kind: IdentifierKind, code: str
) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse(value, kind)
    assert (caught.value.code, caught.value.kind) == (code, kind)


def test_str_is_dutch_and_message_translates() -> None:
    error = InvalidIdentifier(
        "iban_length", IdentifierKind.IBAN, country="NL", expected=18, length=17
    )
    assert str(error) == (
        "Een IBAN dat met NL begint, heeft 18 tekens, maar dit heeft er 17. "
        "Controleer of er een teken ontbreekt of te veel is."
    )
    assert error.message("en") == (
        "An IBAN starting with NL has 18 characters, but this one has 17. "
        "Check for a missing or extra character."
    )
    assert {error.message(language) for language in LANGUAGES} == {str(error), error.message("en")}


def test_invisible_characters_are_named_in_messages() -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse("NL91 ABNA\u200b0417 1643 00", IdentifierKind.IBAN)
    assert caught.value.params == {"character": "U+200B"}


def test_errors_survive_pickling() -> None:
    error = InvalidIdentifier("iban_country", IdentifierKind.IBAN, country="XX")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, just made
    assert (copy.code, copy.kind, copy.params, str(copy)) == (
        error.code,
        error.kind,
        error.params,
        str(error),
    )


def test_identifier_kind_values_are_the_wire_names() -> None:
    assert [kind.value for kind in IdentifierKind] == [
        "iban",
        "phone",
        "url",
        "domain",
        "email",
        "wallet",
    ]
    assert Identifier(IdentifierKind.IBAN, "x", "x", {}).as_dict()["kind"] == "iban"
