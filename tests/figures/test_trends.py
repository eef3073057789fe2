"""What rises and falls, and what is new, on reports built for it: the months, the spans and the
domains are known here, so every change can be stated exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fraudlink.database import Database
from fraudlink.figures import service
from fraudlink.figures.service import Change, Period
from tests.reports.partnership import Partnership, report, submit

TODAY = date(2025, 7, 10)  # the last complete month is June 2025


def file(
    client: TestClient,
    partnership: Partnership,
    month: str,
    count: int,
    *,
    fraud_type: str = "purchase",
    channel: str = "website",
    **changes: Any,
) -> None:
    for number in range(count):
        moment = datetime.fromisoformat(f"{month}-02T09:00:00+00:00") + timedelta(days=number % 20)
        submit(
            client,
            partnership,
            report(
                fraud_type=fraud_type, channel=channel, occurred_at=moment.isoformat(), **changes
            ),
        )


@pytest.mark.parametrize(
    ("period", "today", "month"),
    [
        (Period(), date(2025, 7, 10), date(2025, 6, 1)),
        (Period(), date(2025, 7, 1), date(2025, 6, 1)),
        (Period(), date(2025, 1, 1), date(2024, 12, 1)),
        (Period.year(2024), date(2025, 7, 10), date(2024, 12, 1)),
        (Period(end=date(2025, 5, 31)), date(2025, 7, 10), date(2025, 5, 1)),
        (Period(end=date(2025, 5, 30)), date(2025, 7, 10), date(2025, 4, 1)),
        (Period.year(2025), date(2025, 3, 15), date(2025, 2, 1)),  # the year is not over
    ],
)
def test_the_last_complete_month(period: Period, today: date, month: date) -> None:
    assert service.last_complete_month(period, today=today) == month


def test_month_on_month_says_what_rose_and_fell(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file(client, partnership, "2025-05", 4, fraud_type="purchase", channel="website")
    file(client, partnership, "2025-06", 10, fraud_type="purchase", channel="website")
    file(client, partnership, "2025-05", 8, fraud_type="phishing", channel="sms")
    file(client, partnership, "2025-06", 2, fraud_type="phishing", channel="sms")
    file(client, partnership, "2025-06", 3, fraud_type="romance", channel="dating_app")
    file(client, partnership, "2025-07", 9, fraud_type="invoice", channel="email")  # not complete
    with database.read_only() as session:
        moved = service.month_on_month(session, period=Period(), today=TODAY)
    assert (moved.month, moved.previous_month) == ("2025-06", "2025-05")
    assert moved.by_fraud_type == [
        Change("purchase", 4, 10),
        Change("romance", 0, 3),
        Change("phishing", 8, 2),
    ]
    assert [change.change_percent for change in moved.by_fraud_type] == [150.0, None, -75.0]
    assert [(change.key, change.change) for change in moved.by_channel] == [
        ("website", 6),
        ("dating_app", 3),
        ("sms", -6),
    ]


def test_month_on_month_through_the_api_for_a_period(
    client: TestClient, partnership: Partnership
) -> None:
    file(client, partnership, "2025-01", 3, fraud_type="purchase")
    file(client, partnership, "2025-02", 5, fraud_type="purchase")
    response = client.get(
        "/v1/figures/month-on-month",
        params={"from": "2025-01-01", "to": "2025-02-28"},
        headers=partnership.headers("ING"),
    )
    document = response.json()
    assert document["compared"] == {"month": "2025-02", "previous_month": "2025-01"}
    [purchase] = document["rows"]
    assert (purchase["previous"], purchase["current"], purchase["change"]) == (3, 5, 2)
    assert purchase["change_percent"] == 66.7
    assert document["by_channel"][0]["key"] == "website"
    csv_text = client.get(
        "/v1/figures/month-on-month.csv",
        params={"from": "2025-01-01", "to": "2025-02-28"},
        headers=partnership.headers("ING"),
    ).text
    assert csv_text.splitlines()[0].startswith("group,key,label,previous,current,change")
    assert "fraud_type,purchase," in csv_text
    assert "channel,website," in csv_text


def test_climbing_fraud_types_compare_three_months_with_the_three_before(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    for month in ("2025-01", "2025-02", "2025-03"):  # before: 2 a month of purchase
        file(client, partnership, month, 2, fraud_type="purchase")
        file(client, partnership, month, 4, fraud_type="phishing")
    for month in ("2025-04", "2025-05", "2025-06"):
        file(client, partnership, month, 4, fraud_type="purchase")  # doubled
        file(client, partnership, month, 3, fraud_type="phishing")  # fell
    file(client, partnership, "2025-06", 2, fraud_type="mule_recruitment")  # new
    file(client, partnership, "2024-12", 50, fraud_type="sale")  # before both spans
    with database.read_only() as session:
        climbing = service.climbing_fraud_types(session, period=Period(), today=TODAY)
    assert climbing.months == ["2025-04", "2025-05", "2025-06"]
    assert climbing.previous_months == ["2025-01", "2025-02", "2025-03"]
    assert climbing.fraud_types == [Change("mule_recruitment", 0, 2), Change("purchase", 6, 12)]
    assert climbing.fraud_types[1].change_percent == 100.0


def test_new_domains_are_those_first_named_in_the_window(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    now = datetime.now(UTC)

    def named(url: str, days_ago: int, count: int = 1) -> None:
        for _ in range(count):
            moment = (now - timedelta(days=days_ago)).isoformat()
            submit(
                client,
                partnership,
                report(occurred_at=moment, reported_at=moment, identifiers=[{"value": url}]),
            )

    named("https://nieuw-voordeel-shop.nl/actie", 3, count=3)
    named("https://www.nieuw-voordeel-shop.nl/", 10)  # the same registrable domain
    named("https://tweede-nieuwe.com/x", 20)
    named("https://oude-bekende.nl/", 90)  # first named long ago ...
    named("https://oude-bekende.nl/opnieuw", 2)  # ... so not new now
    named("https://www.marktplaats.nl/v/fietsen", 1)  # a partner's own domain
    named("mijn-ing-verificatie7.com", 5)  # a bare domain counts too
    with database.read_only() as session:
        emerging = service.emerging_domains(session, period=Period(), now=now, days=30)
    assert [(item.domain, item.reports) for item in emerging.domains] == [
        ("nieuw-voordeel-shop.nl", 4),
        ("tweede-nieuwe.com", 1),
        ("mijn-ing-verificatie7.com", 1),
    ]
    document = client.get(
        "/v1/figures/emerging-domains", params={"days": 7}, headers=partnership.headers("ING")
    ).json()
    assert [row["domain"] for row in document["rows"]] == ["mijn-ing-verificatie7.com"]
