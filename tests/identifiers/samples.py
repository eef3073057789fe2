"""Realistic, variously spelled identifiers of every kind, drawn from a seeded random source.

Shared by the property tests and bench/identifiers.py, so that the benchmark measures the
same kind of input the tests prove correct. Each function returns a value as a person or a
partner system might write it: spaces, dashes, capitals, prefixes and all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from random import Random

from schwifty import IBAN

from fraudlink.identifiers import IdentifierKind, parse

IBAN_COUNTRIES = ("NL", "NL", "NL", "BE", "DE", "GB", "FR", "ES", "IT", "LU")

# National significant numbers that phonenumbers' metadata counts as valid, by prefix length.
_DUTCH_PREFIXES = ("61", "62", "63", "64", "65", "10", "20", "30", "40", "70", "85", "88")
_FOREIGN_NUMBERS = (  # (calling code, leading digits, digits to add), each always valid
    ("32", "47", 7),
    ("49", "151", 8),
    ("49", "30", 8),
    ("44", "74", 8),
    ("44", "207", 7),
    ("33", "61", 7),
    ("1", "4155", 6),
)

_WORDS = (
    "bank",
    "veilig",
    "pakket",
    "bezorging",
    "inloggen",
    "klantenservice",
    "betaal",
    "shop",
    "deal",
    "actie",
    "korting",
    "mijn",
    "account",
    "verify",
    "support",
    "wallet",
    "crypto",
)
_UNICODE_WORDS = ("bücher", "café", "überweisung", "smörgås", "façade")
_SUFFIXES = ("nl", "nl", "com", "eu", "net", "org", "info", "shop", "online", "co.uk", "de", "be")
_SUBDOMAINS = ("www", "login", "secure", "mijn", "app")
_PATHS = ("/deal", "/login/index.php", "/track", "/a/../inloggen", "/%7euser/pagina", "/betaal/")
_FIRST_NAMES = ("jan", "Anna", "pieter", "SANNE", "mohammed", "Fatima", "kees", "lisa")

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def iban(random: Random) -> str:
    compact = str(IBAN.random(random.choice(IBAN_COUNTRIES), random=random))
    grouped = " ".join(compact[start : start + 4] for start in range(0, len(compact), 4))
    spelling = random.choice((compact, grouped, grouped.lower(), grouped.replace(" ", "-")))
    return random.choice(("", "", "", "IBAN ", "IBAN: ")) + spelling


def dutch_phone(random: Random) -> tuple[str, str]:
    """(national significant number, spelling)."""
    prefix = random.choice(_DUTCH_PREFIXES)
    number = prefix + "".join(random.choice("0123456789") for _ in range(9 - len(prefix)))
    spelling = random.choice(
        (
            f"0{number}",
            f"0{number[:1]}-{number[1:]}",
            f"(0{number[:1]}) {number[1:5]} {number[5:]}",
            f"+31 {number[:1]} {number[1:]}",
            f"+31{number}",
            f"0031{number}",
            f"0031 {number[:1]} {number[1:]}",
            f"+31 (0){number[:1]}-{number[1:]}",
            f"0{number[:1]}.{number[1:3]}.{number[3:5]}.{number[5:7]}.{number[7:]}",
        )
    )
    return number, spelling


def phone(random: Random) -> str:
    if random.random() < 0.7:
        return dutch_phone(random)[1]
    calling_code, leading, length = random.choice(_FOREIGN_NUMBERS)
    rest = "".join(random.choice("0123456789") for _ in range(length))
    return random.choice((f"+{calling_code} {leading} {rest}", f"00{calling_code}{leading}{rest}"))


def domain(random: Random) -> str:
    words = [random.choice(_WORDS) for _ in range(random.randint(1, 3))]
    if random.random() < 0.1:
        words[0] = random.choice(_UNICODE_WORDS)
    name = "-".join(words) + random.choice(("", "", str(random.randint(1, 99))))
    host = f"{name}.{random.choice(_SUFFIXES)}"
    if random.random() < 0.4:
        host = f"{random.choice(_SUBDOMAINS)}.{host}"
    host = random.choice((host, host, host.upper(), host.title()))
    return host + random.choice(("", "", "", "."))


def url(random: Random) -> str:
    scheme = random.choice(("https://", "https://", "http://", "HTTPS://", "Http://", ""))
    host = domain(random).rstrip(".")
    if not scheme and "." not in host.partition(".")[0]:
        host = f"www.{host}"
    port = random.choice(("", "", "", ":443" if scheme.lower() == "https://" else ":8080"))
    path = random.choice((*_PATHS, "/")) if scheme else random.choice(_PATHS)
    query = random.choice(("", "", f"?id={random.randint(1, 10**6)}", "?ref=sms&code=%4a%4B"))
    return scheme + host + port + path + query + random.choice(("", "", "#top"))


def email(random: Random) -> str:
    local = random.choice(_FIRST_NAMES)
    if random.random() < 0.5:
        local += random.choice((".", "_", "-", "+")) + random.choice(_WORDS)
    if random.random() < 0.3:
        local += str(random.randint(1, 2000))
    return f"{local}@{domain(random).rstrip('.')}"


def wallet(random: Random) -> str:
    kind = random.random()
    if kind < 0.4:
        address = "0x" + random.randbytes(20).hex()
        return random.choice((address, parse(address).display, "0x" + address[2:].upper()))
    if kind < 0.7:
        version = random.choice((0x00, 0x00, 0x05, 0x6F, 0xC4))
        return base58check(bytes([version]) + random.randbytes(20))
    version, size = random.choice(((0, 20), (0, 20), (0, 32), (1, 32)))
    address = segwit_address(random.choice(("bc", "bc", "tb")), version, random.randbytes(size))
    return address.upper() if random.random() < 0.2 else address


SAMPLERS: dict[IdentifierKind, Callable[[Random], str]] = {
    IdentifierKind.IBAN: iban,
    IdentifierKind.PHONE: phone,
    IdentifierKind.URL: url,
    IdentifierKind.DOMAIN: domain,
    IdentifierKind.EMAIL: email,
    IdentifierKind.WALLET: wallet,
}


def base58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = _BASE58[remainder] + encoded
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + encoded


def segwit_address(hrp: str, version: int, program: bytes) -> str:
    """Encode as BIP 173 (version 0, bech32) or BIP 350 (later versions, bech32m) prescribe."""
    accumulator = bits = 0
    values = [version]
    for byte in program:
        accumulator = (accumulator << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            values.append((accumulator >> bits) & 31)
    if bits:
        values.append((accumulator << (5 - bits)) & 31)
    constant = 1 if version == 0 else 0x2BC830A3
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    residue = _polymod([*expanded, *values, 0, 0, 0, 0, 0, 0]) ^ constant
    checksum = [(residue >> 5 * (5 - index)) & 31 for index in range(6)]
    return hrp + "1" + "".join(_BECH32[value] for value in values + checksum)


def _polymod(values: list[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for bit in range(5):
            if (top >> bit) & 1:
                checksum ^= generator[bit]
    return checksum
