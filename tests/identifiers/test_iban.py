import pytest

from fraudlink.identifiers import IdentifierKind, InvalidIdentifier, parse


@pytest.mark.parametrize(
    ("value", "normalized", "display", "details"),
    [
        (
            "NL91 ABNA 0417 1643 00",
            "NL91ABNA0417164300",
            "NL91 ABNA 0417 1643 00",
            {
                "country": "NL",
                "bank_code": "ABNA",
                "bic": "ABNANL2A",
                "bank_name": "ABN AMRO BANK N.V.",
            },
        ),
        (
            "NL20INGB0001234567",
            "NL20INGB0001234567",
            "NL20 INGB 0001 2345 67",
            {"country": "NL", "bank_code": "INGB", "bic": "INGBNL2A", "bank_name": "ING"},
        ),
        (
            "nl39 rabo 0300 0652 64",
            "NL39RABO0300065264",
            "NL39 RABO 0300 0652 64",
            {"country": "NL", "bank_code": "RABO", "bic": "RABONL2U", "bank_name": "RABOBANK"},
        ),
        (
            "BE68 5390 0754 7034",
            "BE68539007547034",
            "BE68 5390 0754 7034",
            {"country": "BE", "bank_code": "539", "bic": None, "bank_name": None},
        ),
        (
            "DE89 3704 0044 0532 0130 00",
            "DE89370400440532013000",
            "DE89 3704 0044 0532 0130 00",
            {
                "country": "DE",
                "bank_code": "37040044",
                "bic": "COBADEFFXXX",
                "bank_name": "Commerzbank",
            },
        ),
        (
            "GB29 NWBK 6016 1331 9268 19",
            "GB29NWBK60161331926819",
            "GB29 NWBK 6016 1331 9268 19",
            {
                "country": "GB",
                "bank_code": "NWBK",
                "bic": "NWBKGB2LXXX",
                "bank_name": "NATIONAL WESTMINSTER BANK PUBLIC LIMITED COMPANY",
            },
        ),
        (
            "FR14 2004 1010 0505 0001 3M02 606",
            "FR1420041010050500013M02606",
            "FR14 2004 1010 0505 0001 3M02 606",
            {
                "country": "FR",
                "bank_code": "20041",
                "bic": "PSSTFRPP",
                "bank_name": "LA BANQUE POSTALE",
            },
        ),
    ],
)
def test_valid_ibans(value: str, normalized: str, display: str, details: dict[str, object]) -> None:
    identifier = parse(value)
    assert identifier.kind is IdentifierKind.IBAN
    assert identifier.normalized == normalized
    assert identifier.display == display
    assert identifier.details == details


def test_unknown_bank_code_is_accepted_without_bank_facts() -> None:
    # ZZZZ is no Dutch bank (yet); the check digits are right, so the IBAN is valid.
    identifier = parse("NL51ZZZZ0123456789")
    assert identifier.details == {
        "country": "NL",
        "bank_code": "ZZZZ",
        "bic": None,
        "bank_name": None,
    }


@pytest.mark.parametrize(
    "spelling",
    [
        "NL91ABNA0417164300",
        "nl91abna0417164300",
        "NL91 ABNA 0417 1643 00",
        "NL91-ABNA-0417-1643-00",
        "  NL91 abna 0417-1643 00 ",
        "IBAN NL91 ABNA 0417 1643 00",
        "IBAN: NL91ABNA0417164300",
        "iban:nl91abna0417164300",
        "NL91\u00a0ABNA\u00a00417\u00a01643\u00a000",  # non-breaking spaces from a web page
    ],
)
def test_spellings_share_one_normal_form(spelling: str) -> None:
    assert parse(spelling, IdentifierKind.IBAN).normalized == "NL91ABNA0417164300"


@pytest.mark.parametrize(
    ("value", "code", "params"),
    [
        ("NL91 ABNA 0417 1643 01", "iban_checksum", {}),
        ("NL19ABNA0417164300", "iban_checksum", {}),
        ("NL91 ABNA 0417 1643 0", "iban_length", {"country": "NL", "expected": 18, "length": 17}),
        ("GB29NWBK601613319268190", "iban_length", {"country": "GB", "expected": 22, "length": 23}),
        ("NL91", "iban_length", {"country": "NL", "expected": 18, "length": 4}),
        ("XX91 ABNA 0417 1643 00", "iban_country", {"country": "XX"}),
        ("NL91 AB1A 0417 1643 00", "iban_letter_expected", {"position": 7, "character": "1"}),
        ("NL91 ABNA 0417 1643 OO", "iban_digit_expected", {"position": 17, "character": "O"}),
        ("DE89 3704 0044 0532 O130 00", "iban_digit_expected", {"position": 17, "character": "O"}),
        ("NL91 ABNA 0417 1643 00!", "iban_characters", {"character": "!"}),
        ("NL91.ABNA.0417.1643.00", "iban_characters", {"character": "."}),
        ("NL91 ABNA 0417 1643 0ß", "iban_characters", {"character": "ß"}),
        ("NL9I ABNA 0417 1643 00", "iban_start", {}),
        ("1234 5678 9012 3456", "iban_start", {}),
        ("N", "iban_start", {}),
    ],
)
def test_precise_errors(value: str, code: str, params: dict[str, object]) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse(value, IdentifierKind.IBAN)
    assert (caught.value.code, caught.value.params, caught.value.kind) == (
        code,
        params,
        IdentifierKind.IBAN,
    )


def test_checksum_error_reads_as_the_house_message() -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse("NL91 ABNA 0417 1643 01")
    assert caught.value.message("en") == "The IBAN check digits do not match; check for a typo."
    assert str(caught.value).startswith("De controlecijfers van het IBAN kloppen niet")


@pytest.mark.parametrize(
    "valid", ["NL91ABNA0417164300", "DE89370400440532013000", "BE68539007547034"]
)
def test_every_single_digit_change_is_rejected(valid: str) -> None:
    # ISO 7064 mod 97-10 catches every single substitution; exhaustive for three IBANs.
    for position, character in enumerate(valid):
        if not character.isdigit():
            continue
        for digit in "0123456789".replace(character, ""):
            changed = valid[:position] + digit + valid[position + 1 :]
            with pytest.raises(InvalidIdentifier):
                parse(changed, IdentifierKind.IBAN)
