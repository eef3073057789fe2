"""Postcode areas to provinces: the table covers every area once, and known places land right."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import pytest

from fraudlink.demo.reports import POPULATION, POSTCODE_SHARE, demo_reports
from fraudlink.i18n import LANGUAGES, Language, translate
from fraudlink.reports.regions import FIRST_AREA, LAST_AREA, ranges, region_of
from fraudlink.reports.vocabulary import Region


def test_the_ranges_cover_every_area_from_1000_to_9999() -> None:
    table = ranges()
    assert table[0].first == FIRST_AREA == 1000
    assert table[-1].last == LAST_AREA == 9999
    gaps = [(before.last, after.first) for before, after in pairwise(table)]
    assert [gap for gap in gaps if gap[1] != gap[0] + 1] == []


def test_no_two_ranges_overlap() -> None:
    claimed = Counter(area for span in ranges() for area in range(span.first, span.last + 1))
    assert [area for area, times in claimed.items() if times > 1] == []
    assert len(claimed) == LAST_AREA - FIRST_AREA + 1


def test_every_province_has_areas() -> None:
    assert {span.region for span in ranges()} == set(Region)


@pytest.mark.parametrize(
    ("area", "region"),
    [
        ("1012", Region.NOORD_HOLLAND),  # Amsterdam, the Dam
        ("3011", Region.ZUID_HOLLAND),  # Rotterdam centre
        ("3512", Region.UTRECHT),  # Utrecht, the Dom
        ("5611", Region.NOORD_BRABANT),  # Eindhoven
        ("6211", Region.LIMBURG),  # Maastricht
        ("9711", Region.GRONINGEN),  # Groningen
        ("8911", Region.FRIESLAND),  # Leeuwarden
        ("1315", Region.FLEVOLAND),  # Almere
        ("4331", Region.ZEELAND),  # Middelburg
        ("7511", Region.OVERIJSSEL),  # Enschede
        ("6811", Region.GELDERLAND),  # Arnhem
        ("9401", Region.DRENTHE),  # Assen
        # Exceptions to the broad ranges.
        ("1391", Region.UTRECHT),  # Abcoude
        ("3771", Region.GELDERLAND),  # Barneveld
        ("3891", Region.FLEVOLAND),  # Zeewolde
        ("4691", Region.ZEELAND),  # Tholen
        ("5301", Region.GELDERLAND),  # Zaltbommel
        ("5831", Region.NOORD_BRABANT),  # Boxmeer
        ("6021", Region.NOORD_BRABANT),  # Budel
        ("6585", Region.LIMBURG),  # Mook
        ("7741", Region.DRENTHE),  # Coevorden
        ("8051", Region.GELDERLAND),  # Hattem
        ("8321", Region.FLEVOLAND),  # Urk
        ("9351", Region.GRONINGEN),  # Leek
        ("9531", Region.DRENTHE),  # Borger
        ("9761", Region.DRENTHE),  # Eelde
    ],
)
def test_a_known_area_lies_in_its_province(area: str, region: Region) -> None:
    assert region_of(area) is region


@pytest.mark.parametrize("value", ["0999", "123", "12345", "1234AB", "abcd", "", "١٢٣٤"])
def test_what_is_no_four_digit_area_has_no_region(value: str) -> None:
    assert region_of(value) is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_province_has_a_label(language: Language) -> None:
    labels = {translate(f"reports.region_{region.value}", language) for region in Region}
    assert len(labels) == len(Region)


def test_most_demo_victims_have_a_postcode_spread_like_the_population() -> None:
    postcodes = [report["postcode"] for report in demo_reports()]
    given = [postcode for postcode in postcodes if postcode is not None]
    assert abs(len(given) / len(postcodes) - POSTCODE_SHARE) < 0.03
    assert all(len(postcode) == 4 and postcode.isdigit() for postcode in given)
    regions = Counter(region_of(postcode) for postcode in given)
    assert None not in regions
    by_size = sorted(POPULATION, key=POPULATION.__getitem__, reverse=True)
    # The three largest provinces give more victims than the three smallest, each of them.
    assert min(regions[region] for region in by_size[:3]) > max(
        regions[region] for region in by_size[-3:]
    )
    assert [report["postcode"] for report in demo_reports(count=50)] == postcodes[:50]
