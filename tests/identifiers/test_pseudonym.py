import hashlib
import hmac

import pytest

from fraudlink.identifiers import IdentifierKind, Pseudonymiser, parse

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def test_token_is_the_documented_hmac() -> None:
    identifier = parse("NL91 ABNA 0417 1643 00")
    expected = hmac.new(KEY, b"iban:NL91ABNA0417164300", hashlib.sha256).hexdigest()
    assert Pseudonymiser(KEY).token(identifier) == expected


def test_token_is_deterministic_and_follows_the_normal_form() -> None:
    pseudonymiser = Pseudonymiser(KEY)
    tokens = {
        pseudonymiser.token(parse(spelling))
        for spelling in ("06-12345678", "+31 6 12345678", "0031612345678")
    }
    assert len(tokens) == 1
    token = tokens.pop()
    assert len(token) == 64
    assert token == token.lower()
    assert Pseudonymiser(KEY).token(parse("06-12345678")) == token


def test_token_differs_between_keys() -> None:
    identifier = parse("06-12345678")
    assert Pseudonymiser(KEY).token(identifier) != Pseudonymiser(OTHER_KEY).token(identifier)


def test_token_differs_between_kinds_of_the_same_text() -> None:
    # "example.nl" as a domain and the URL of that domain are different indicators.
    pseudonymiser = Pseudonymiser(KEY)
    domain = parse("example.nl", IdentifierKind.DOMAIN)
    same_text_as_url = type(domain)(IdentifierKind.URL, domain.normalized, domain.display, {})
    assert pseudonymiser.token(domain) != pseudonymiser.token(same_text_as_url)


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        Pseudonymiser(b"secret")


def test_repr_does_not_show_the_key() -> None:
    assert KEY.hex() not in repr(Pseudonymiser(KEY))
