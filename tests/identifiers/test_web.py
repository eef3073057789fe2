import pytest

from fraudlink.identifiers import IdentifierKind, InvalidIdentifier, parse

FULL_WIDTH_EXAMPLE = "".join(chr(ord(letter) + 0xFEE0) for letter in "example") + "\u3002nl"


@pytest.mark.parametrize(
    ("value", "normalized", "display", "parts"),
    [
        ("example-shop.nl", "example-shop.nl", "example-shop.nl", ("example-shop.nl", "nl", None)),
        (
            "WWW.Example-Shop.NL.",
            "www.example-shop.nl",
            "www.example-shop.nl",
            ("example-shop.nl", "nl", "www"),
        ),
        ("bücher.de", "xn--bcher-kva.de", "bücher.de", ("xn--bcher-kva.de", "de", None)),
        ("XN--BCHER-KVA.DE", "xn--bcher-kva.de", "bücher.de", ("xn--bcher-kva.de", "de", None)),
        (
            "login.bank.co.uk",
            "login.bank.co.uk",
            "login.bank.co.uk",
            ("bank.co.uk", "co.uk", "login"),
        ),
        (
            "пример.рф",
            "xn--e1afmkfd.xn--p1ai",
            "пример.рф",
            ("xn--e1afmkfd.xn--p1ai", "xn--p1ai", None),
        ),
        # IDNA 2008: ß is a letter of its own, not "ss".
        ("faß.de", "xn--fa-hia.de", "faß.de", ("xn--fa-hia.de", "de", None)),
        # Full-width letters and an ideographic full stop, mapped the way browsers map them.
        (FULL_WIDTH_EXAMPLE, "example.nl", "example.nl", ("example.nl", "nl", None)),
        # A private suffix: one customer of GitHub Pages, not all of them.
        (
            "scam.github.io",
            "scam.github.io",
            "scam.github.io",
            ("scam.github.io", "github.io", None),
        ),
        ("github.io", "github.io", "github.io", ("github.io", "io", None)),
    ],
)
def test_valid_domains(
    value: str, normalized: str, display: str, parts: tuple[str, str, str | None]
) -> None:
    registrable_domain, suffix, subdomain = parts
    identifier = parse(value, IdentifierKind.DOMAIN)
    assert (identifier.normalized, identifier.display) == (normalized, display)
    assert identifier.details == {
        "registrable_domain": registrable_domain,
        "suffix": suffix,
        "subdomain": subdomain,
        "unicode": display,
    }


@pytest.mark.parametrize(
    ("value", "code", "params"),
    [
        ("localhost", "domain_no_suffix", {"name": "localhost"}),
        ("example.invalid", "domain_suffix", {"suffix": "invalid"}),
        ("co.uk", "domain_registrable", {"name": "co.uk"}),
        ("nl", "domain_registrable", {"name": "nl"}),
        ("ex_ample.nl", "domain_characters", {"character": "_"}),
        ("exa mple.nl", "domain_characters", {"character": " "}),
        ("bü_cher.de", "domain_characters", {"character": "_"}),
        ("-example.nl", "domain_hyphen", {}),
        ("example-.nl", "domain_hyphen", {}),
        ("-bücher.de", "domain_hyphen", {}),
        ("example..nl", "domain_empty_label", {}),
        (".example.nl", "domain_empty_label", {}),
        ("example.nl..", "domain_empty_label", {}),
        ("a" * 64 + ".nl", "domain_label_too_long", {"maximum": 63}),
        (".".join(["a" * 60] * 5) + ".nl", "domain_too_long", {"length": 307, "maximum": 253}),
        ("xn--zz.nl", "domain_invalid", {}),
        ("a\u200db.nl", "domain_invalid", {}),
        ("192.168.1.1", "domain_ip_address", {"address": "192.168.1.1"}),
    ],
)
def test_domain_errors(value: str, code: str, params: dict[str, object]) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse(value, IdentifierKind.DOMAIN)
    assert (caught.value.code, caught.value.params) == (code, params)


@pytest.mark.parametrize(
    ("value", "normalized", "display", "registrable_domain", "path"),
    [
        (
            "www.example-shop.nl/deal",
            "https://www.example-shop.nl/deal",
            None,
            "example-shop.nl",
            "/deal",
        ),
        ("HTTP://Example.NL", "http://example.nl/", None, "example.nl", "/"),
        (
            "https://example.nl:443/a/./b/../c?x=%7e%2f&y=1#top",
            "https://example.nl/a/c?x=~%2F&y=1",
            None,
            "example.nl",
            "/a/c",
        ),
        ("http://example.nl:80/", "http://example.nl/", None, "example.nl", "/"),
        ("http://example.nl:8080", "http://example.nl:8080/", None, "example.nl", "/"),
        ("example.nl:8443/login", "https://example.nl:8443/login", None, "example.nl", "/login"),
        (
            "https://Bücher.de/Straße?q=ä b",
            "https://xn--bcher-kva.de/Stra%C3%9Fe?q=%C3%A4%20b",
            "https://bücher.de/Stra%C3%9Fe?q=%C3%A4%20b",
            "xn--bcher-kva.de",
            "/Stra%C3%9Fe",
        ),
        # The user-name trick stays visible; the host is what follows the @.
        (
            "https://www.ing.nl@phish.example.com/login",
            "https://www.ing.nl@phish.example.com/login",
            None,
            "example.com",
            "/login",
        ),
        # Browsers read backslashes as slashes.
        ("https:\\\\example.nl\\login", "https://example.nl/login", None, "example.nl", "/login"),
        ("http://192.168.1.10:8080/admin", "http://192.168.1.10:8080/admin", None, None, "/admin"),
        ("https://[2001:DB8:0:0::1]/x", "https://[2001:db8::1]/x", None, None, "/x"),
        ("https://example.nl/?", "https://example.nl/", None, "example.nl", "/"),
        ("https://example.nl/%", "https://example.nl/%25", None, "example.nl", "/%25"),
    ],
)
def test_valid_urls(
    value: str,
    normalized: str,
    display: str | None,
    registrable_domain: str | None,
    path: str,
) -> None:
    identifier = parse(value, IdentifierKind.URL)
    assert identifier.normalized == normalized
    assert identifier.display == (display or normalized)
    scheme, _, rest = normalized.partition("://")
    host = rest.split("/")[0].rpartition("@")[2]
    host = host if host.startswith("[") else host.partition(":")[0]
    assert identifier.details == {
        "scheme": scheme,
        "host": host,
        "registrable_domain": registrable_domain,
        "path": path,
    }


@pytest.mark.parametrize(
    "spelling",
    [
        "https://www.example.nl/deal",
        "HTTPS://WWW.EXAMPLE.NL/deal",
        "https://www.example.nl:443/deal",
        "https://www.example.nl./deal",
        "www.example.nl/deal",
        "//www.example.nl/deal",
        "https://www.example.nl/deal#voorwaarden",
        "https://www.example.nl/./deal",
        "https://www.example.nl/x/../deal",
        "https://www.example.nl/%64eal",
    ],
)
def test_url_spellings_share_one_normal_form(spelling: str) -> None:
    assert parse(spelling, IdentifierKind.URL).normalized == "https://www.example.nl/deal"


@pytest.mark.parametrize(
    ("value", "code", "params"),
    [
        ("ftp://example.nl/file", "url_scheme", {"scheme": "ftp"}),
        ("javascript:alert(1)", "url_scheme", {"scheme": "javascript"}),
        ("https:///path", "url_no_host", {}),
        ("https://user@/", "url_no_host", {}),
        ("https://example.nl:99999/", "url_port", {"port": "99999"}),
        ("https://example.nl:0/", "url_port", {"port": "0"}),
        ("https://example.nl:http/", "url_port", {"port": "http"}),
        ("https://[::1]x/", "url_port", {"port": "x"}),
        ("https://999.1.1.1/", "url_ip_address", {"address": "999.1.1.1"}),
        ("https://[::g]/", "url_ip_address", {"address": "[::g]"}),
        ("https://[fe80::1%25eth0]/", "url_ip_address", {"address": "[fe80::1%25eth0]"}),
        ("https://[::1/", "url_ip_address", {"address": "[::1"}),
        ("https://example.invalid/", "domain_suffix", {"suffix": "invalid"}),
        ("https://exa mple.nl/", "domain_characters", {"character": " "}),
        ("https://example.nl/" + "%C3%A4" * 400, "too_long", {"maximum": 2048}),
    ],
)
def test_url_errors(value: str, code: str, params: dict[str, object]) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse(value, IdentifierKind.URL)
    assert (caught.value.code, caught.value.params, caught.value.kind) == (
        code,
        params,
        IdentifierKind.URL,
    )


def test_lone_surrogate_in_a_path_is_escaped_not_a_crash() -> None:
    assert parse("https://example.nl/\ud800", IdentifierKind.URL).details["path"] == "/%ED%A0%80"
