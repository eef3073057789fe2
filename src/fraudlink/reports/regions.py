"""The victim's postcode area and its province: the region of the figures.

Only the four digits of a postcode are kept. With the letters a postcode narrows a victim down
to a street, often a few houses; the four digits name a neighbourhood or a village, enough for
figures by province and too coarse to find anyone. The province comes from ``regions.toml``,
a table of ranges that is approximate where areas straddle a border.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Final

from fraudlink.errors import InvalidInput
from fraudlink.reports.vocabulary import Region

TABLE: Final = Path(__file__).with_name("regions.toml")
FIRST_AREA: Final = 1000
LAST_AREA: Final = 9999
# Four digits, the first never 0, then optionally two letters. ASCII only: "١٢٣٤" is no postcode.
_POSTCODE: Final = re.compile(r"([1-9][0-9]{3})\s*([A-Za-z]{2})?", re.ASCII)
# PostNL never hands out these letter pairs (they recall the SA, SD and SS of the war years).
_UNUSED_LETTERS: Final = frozenset({"SA", "SD", "SS"})
_AREA: Final = re.compile(r"[0-9]{4}", re.ASCII)
_RANGE: Final = re.compile(r"([0-9]{4})(?:-([0-9]{4}))?", re.ASCII)


@dataclass(frozen=True, order=True)
class AreaRange:
    """The postcode areas ``first`` to ``last`` (both included), all counted to ``region``."""

    first: int
    last: int
    region: Region


def postcode_area(value: str) -> str:
    """The four digits of "1234", "1234 AB", "1234AB" or " 1234 ab "; InvalidInput otherwise."""
    match = _POSTCODE.fullmatch(value.strip())
    if match is None or (match[2] or "").upper() in _UNUSED_LETTERS:
        raise InvalidInput("reports.postcode_invalid", field="postcode")
    return match[1]


def region_of(postcode_area: str) -> Region | None:
    """The province of a four-digit postcode area; None for anything the table does not cover."""
    if not _AREA.fullmatch(postcode_area):
        return None
    area = int(postcode_area)
    table = ranges()
    index = bisect_right(_firsts(), area) - 1
    if index >= 0 and area <= table[index].last:
        return table[index].region
    return None


@cache
def ranges() -> tuple[AreaRange, ...]:
    """The table of ``regions.toml``, sorted; overlapping ranges are refused, since a bisect
    would silently pick one of them."""
    with TABLE.open("rb") as handle:
        table = tomllib.load(handle)
    found = sorted(
        _area_range(text, Region(name)) for name, texts in table.items() for text in texts
    )
    for before, after in pairwise(found):
        if after.first <= before.last:
            raise ValueError(f"{TABLE.name}: {before} overlaps {after}")
    return tuple(found)


@cache
def _firsts() -> list[int]:
    return [area_range.first for area_range in ranges()]


def _area_range(text: str, region: Region) -> AreaRange:
    match = _RANGE.fullmatch(text)
    if match is None:
        raise ValueError(f"{TABLE.name}: {text!r} is no range like '1000-1299' or area '1396'")
    first = int(match[1])
    last = int(match[2] or first)
    if not FIRST_AREA <= first <= last <= LAST_AREA:
        raise ValueError(f"{TABLE.name}: {text!r} lies outside {FIRST_AREA}-{LAST_AREA}")
    return AreaRange(first, last, region)
