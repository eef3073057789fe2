"""Reports filed for the figures tests, and the figures counted from them here, by hand: what the
figures from the monthly totals must equal."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from fraudlink.reports.regions import postcode_area, region_of
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType
from tests.reports.partnership import ABN_IBAN, ING_IBAN, RABO_IBAN, iban, report

Body = dict[str, Any]


def bodies() -> list[Body]:
    """Reports over two years in every fraud type, most channels and every age band; some
    victims report twice (the same account), some give no account and no age."""
    made = []
    types, channels, bands = list(FraudType), list(Channel), [*AgeBand, None]
    victims = [ABN_IBAN, RABO_IBAN, iban("ABNA", 42), iban("RABO", 43), None, None]
    postcodes = ["1012 AB", "3511", "9711ZZ", None, "6211", "1012"]
    for number in range(60):
        occurred = datetime(2024, 1, 3, 10, tzinfo=UTC) + timedelta(days=12 * number)
        amount = 1000 * (number % 7) + 99
        made.append(
            report(
                fraud_type=types[number % len(types)].value,
                channel=channels[number % 5].value,
                occurred_at=occurred.isoformat(),
                age_band=band.value if (band := bands[number % len(bands)]) else None,
                victim_iban=victims[number % len(victims)],
                postcode=postcodes[number % len(postcodes)],
                payments=[
                    {"amount_cents": amount, "method": "transfer", "beneficiary_iban": ING_IBAN}
                ]
                * (1 + number % 2),
            )
        )
    return made


def expected(rows: Iterable[Mapping[str, Any]], key: str) -> dict[str, tuple[int, int, float]]:
    """(reports, victims, damage in euros) per value of ``key``, counted here."""
    reports: Counter[str] = Counter()
    accounts: defaultdict[str, set[str]] = defaultdict(set)
    anonymous: Counter[str] = Counter()
    damage: Counter[str] = Counter()
    for row in rows:
        if key == "month":
            group = str(row["occurred_at"])[:7]
        elif key == "all":
            group = "all"
        elif key == "region":
            postcode = row.get("postcode")
            group = str(region_of(postcode_area(postcode))) if postcode else "unknown"
        else:
            group = row.get(key) or "unknown"
        reports[group] += 1
        if row.get("victim_iban"):
            accounts[group].add(row["victim_iban"])
        else:
            anonymous[group] += 1
        damage[group] += sum(payment["amount_cents"] for payment in row.get("payments", []))
    return {
        group: (count, len(accounts[group]) + anonymous[group], damage[group] / 100)
        for group, count in reports.items()
    }
