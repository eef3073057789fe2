import pytest

from fraudlink.identifiers import IdentifierKind, detect

IBAN = IdentifierKind.IBAN
PHONE = IdentifierKind.PHONE
URL = IdentifierKind.URL
DOMAIN = IdentifierKind.DOMAIN
EMAIL = IdentifierKind.EMAIL
WALLET = IdentifierKind.WALLET


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("NL91 ABNA 0417 1643 00", IBAN),
        ("NL91 ABNA 0417 1643 01", IBAN),  # bad check digits: still meant as an IBAN
        ("nl91abna0417164300", IBAN),
        ("IBAN: NL91-ABNA-0417-1643-00", IBAN),
        ("XX91 ABNA 0417 1643 00", IBAN),
        ("GB29 NWBK 6016 1331 9268 19", IBAN),
        ("06-12345678", PHONE),
        ("+31 6 12345678", PHONE),
        ("0031612345678", PHONE),
        ("(06) 1234 5678", PHONE),
        ("020.123.45.67", PHONE),  # dots and a leading 0: a phone number, not an IP address
        ("+32 470 12 34 56", PHONE),
        ("112", None),  # fewer than six digits
        ("www.example-shop.nl/deal", URL),
        ("https://example.nl", URL),
        ("HTTP://EXAMPLE.NL", URL),
        ("ftp://example.nl/file", URL),  # a URL, which parse then refuses precisely
        ("example.nl:8080", URL),
        ("example.nl?ref=sms", URL),
        ("bücher.de/angebot", URL),
        ("192.168.1.10", URL),
        ("192.168.1.10:8080/admin", URL),
        ("https://www.ing.nl@phish.example.com/", URL),
        ("example-shop.nl", DOMAIN),
        ("www.example-shop.nl.", DOMAIN),
        ("bücher.de", DOMAIN),
        ("example.invalid", DOMAIN),
        ("jan@example.nl", EMAIL),
        ("mailto:jan@example.nl", EMAIL),
        ("jan@localhost", EMAIL),
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", WALLET),
        ("0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed", WALLET),  # bad checksum: still a wallet
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", WALLET),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", WALLET),
        ("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", WALLET),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", WALLET),
        ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", WALLET),
        ("", None),
        ("   ", None),
        ("hello", None),
        ("localhost", None),
        ("3.14", None),
        ("Jan Jansen", None),
        ("javascript:alert(1)", None),
    ],
)
def test_detect(text: str, kind: IdentifierKind | None) -> None:
    assert detect(text) is kind
