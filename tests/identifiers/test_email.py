import pytest

from fraudlink.identifiers import IdentifierKind, InvalidIdentifier, parse

_LONGEST_LOCAL = "j" * 64
_LONG_DOMAIN = "d" * 63 + "." + "e" * 63 + "." + "f" * 60 + ".nl"  # 191 characters


@pytest.mark.parametrize(
    ("value", "normalized", "display", "registrable_domain"),
    [
        ("jan.jansen@example.nl", "jan.jansen@example.nl", None, "example.nl"),
        ("Helpdesk@Bank-Veilig.NL", "helpdesk@bank-veilig.nl", None, "bank-veilig.nl"),
        ("mailto:info@mail.shop.co.uk", "info@mail.shop.co.uk", None, "shop.co.uk"),
        ("klant+actie@bücher.de", "klant+actie@xn--bcher-kva.de", "klant+actie@bücher.de", None),
        ("o'brien!#$%&*=?^_`{|}~-@example.com", "o'brien!#$%&*=?^_`{|}~-@example.com", None, None),
        ("support@example.nl.", "support@example.nl", None, "example.nl"),
    ],
)
def test_valid_addresses(
    value: str, normalized: str, display: str | None, registrable_domain: str | None
) -> None:
    identifier = parse(value)
    assert identifier.kind is IdentifierKind.EMAIL
    assert identifier.normalized == normalized
    assert identifier.display == (display or normalized)
    domain = normalized.partition("@")[2]
    assert identifier.details == {
        "domain": domain,
        "registrable_domain": registrable_domain or domain,
    }


@pytest.mark.parametrize(
    ("value", "code", "params"),
    [
        ("jan.example.nl", "email_no_at", {}),
        ("@example.nl", "email_no_local_part", {}),
        ("jan@", "email_no_domain", {}),
        ('"jan jansen"@example.nl', "email_characters", {"character": '"'}),
        ("jan@bank@example.nl", "email_characters", {"character": "@"}),
        ("jän@example.nl", "email_characters", {"character": "ä"}),
        (".jan@example.nl", "email_dots", {}),
        ("jan.@example.nl", "email_dots", {}),
        ("jan..jansen@example.nl", "email_dots", {}),
        ("j" * 65 + "@example.nl", "email_local_too_long", {"length": 65, "maximum": 64}),
        (_LONGEST_LOCAL + "@" + _LONG_DOMAIN, "email_too_long", {"length": 256, "maximum": 254}),
        ("jan@localhost", "domain_no_suffix", {"name": "localhost"}),
        ("jan@example.invalid", "domain_suffix", {"suffix": "invalid"}),
        ("jan@[192.168.1.1]", "domain_characters", {"character": "["}),
        ("jan@192.168.1.1", "domain_ip_address", {"address": "192.168.1.1"}),
    ],
)
def test_precise_errors(value: str, code: str, params: dict[str, object]) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse(value, IdentifierKind.EMAIL)
    assert (caught.value.code, caught.value.params, caught.value.kind) == (
        code,
        params,
        IdentifierKind.EMAIL,
    )
