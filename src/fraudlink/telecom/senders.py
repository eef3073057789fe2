"""Alphanumeric SMS sender names: what a valid one is, and when two look alike.

A sender name (what a phone shows instead of a number as the "From" of an SMS) is at most 11
characters of the GSM 7-bit default alphabet (3GPP TS 23.038) and holds a letter: digits alone
are a number, not a name.

Two names look alike when their *skeletons* are equal: case, accents, spaces and punctuation
dropped, and characters a reader confuses mapped to one (0 and O; 1, l and I; 5 and S; 8 and B;
rn and m; vv and w; Cyrillic and Greek letters that look Latin). "1NG", "I.N.G" and "ing" all
look like "ING".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Final

from fraudlink.errors import InvalidInput

MAX_LENGTH: Final = 11
MAX_ROUTES: Final = 20
MAX_ROUTE_LENGTH: Final = 32
# The printable characters of the GSM 7-bit default alphabet (line feed, carriage return and
# the escape to the extension table left out: a sender name is one line of single characters).
GSM_CHARACTERS: Final = frozenset(
    "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# A route is the label of an SMS aggregator's or operator's connection, e.g. "KPN-A2P".
_ROUTE: Final = re.compile(r"[A-Z0-9][A-Z0-9 ._/-]*")


def _character_class(characters: Iterable[str]) -> str:
    escaped = (f"\\{c}" if c in "\\]-^[" else c for c in sorted(characters))
    return f"[{''.join(escaped)}]"


# The rules above as JSON Schema patterns, so that clients (and the fuzz test) know them.
_GSM_CLASS: Final = _character_class(GSM_CHARACTERS)
NAME_PATTERN: Final = (
    f"^{_GSM_CLASS}{{0,10}}"
    f"{_character_class(c for c in GSM_CHARACTERS if c.isalpha())}{_GSM_CLASS}{{0,10}}$"
)
ROUTE_PATTERN: Final = "^ *[A-Za-z0-9][A-Za-z0-9 ._/-]*$"

# Cyrillic and Greek letters that look like Latin ones: NFKD leaves them alone, being letters of
# their own.
_LOOKING_LATIN: Final = (
    "авекмнорстухіјѕԁαβεηικμνορτυχø",
    "abekmhopctyxijsdabenikmvoptuxo",
)
_HOMOGLYPHS: Final = str.maketrans(dict(zip(*_LOOKING_LATIN, strict=True)) | {"æ": "ae", "œ": "oe"})
_LOOKALIKES: Final = str.maketrans({"0": "o", "1": "l", "i": "l", "5": "s", "8": "b"})
_LOOKALIKE_PAIRS: Final = (("rn", "m"), ("vv", "w"))


def _shown(character: str) -> str:
    return character if character.isprintable() else f"U+{ord(character):04X}"


def valid_name(text: str, *, field: str = "name") -> str:
    """A sender name as it may be registered, surrounding spaces removed."""
    name = text.strip()
    if not name:
        raise InvalidInput("telecom.sender_empty", field=field)
    if len(name) > MAX_LENGTH:
        raise InvalidInput("telecom.sender_too_long", field=field, limit=MAX_LENGTH)
    for character in name:
        if character not in GSM_CHARACTERS:
            raise InvalidInput("telecom.sender_character", field=field, character=_shown(character))
    if not any(character.isalpha() for character in name):
        raise InvalidInput("telecom.sender_needs_letter", field=field)
    return name


def valid_route(text: str, *, field: str = "routes") -> str:
    """A route label in capitals: labels are compared without regard to case."""
    route = text.strip().upper()
    if not route or len(route) > MAX_ROUTE_LENGTH or not _ROUTE.fullmatch(route):
        raise InvalidInput("telecom.route_invalid", field=field, route=text, limit=MAX_ROUTE_LENGTH)
    return route


def valid_routes(texts: Iterable[str]) -> list[str]:
    """The distinct routes, sorted; at least one and at most MAX_ROUTES."""
    routes = sorted({valid_route(text) for text in texts})
    if not routes:
        raise InvalidInput("telecom.routes_missing", field="routes")
    if len(routes) > MAX_ROUTES:
        raise InvalidInput("telecom.routes_too_many", field="routes", limit=MAX_ROUTES)
    return routes


def skeleton(name: str) -> str:
    """What a reader takes the name for: equal skeletons look alike (see the module docstring)."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(character for character in text if not unicodedata.combining(character))
    text = text.translate(_HOMOGLYPHS).translate(_LOOKALIKES)
    text = "".join(character for character in text if character.isalnum())
    for pair, single in _LOOKALIKE_PAIRS:
        text = text.replace(pair, single)
    return text
