"""Reports feed the indicator exchange: what a report names becomes an indicator, counted."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fraudlink.database import Database
from fraudlink.indicators.models import Indicator
from tests.indicators.exchange import (
    FRAUD_DOMAIN,
    FRAUD_EMAIL,
    FRAUD_IBAN,
    FRAUD_PHONE,
    FRAUD_URL,
    FRAUD_WALLET,
    VICTIM_IBAN,
    check,
    days_ago,
    file_report,
    lookup,
    stored,
    token_of,
)
from tests.reports.partnership import (
    HELPDESK,
    IDENTITY_DESK,
    POLICE,
    VICTIM_SUPPORT,
    Partnership,
)

SPACED_IBAN = " ".join(FRAUD_IBAN[i : i + 4] for i in range(0, len(FRAUD_IBAN), 4)).lower()


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("named", "value", "kind", "normalized"),
    [
        pytest.param({"ibans": [SPACED_IBAN]}, FRAUD_IBAN, "iban", FRAUD_IBAN, id="iban"),
        pytest.param(
            {"wallets": [FRAUD_WALLET]}, FRAUD_WALLET, "wallet", FRAUD_WALLET, id="wallet"
        ),
        pytest.param({"values": ["06-12345678"]}, FRAUD_PHONE, "phone", FRAUD_PHONE, id="phone"),
        pytest.param({"values": [FRAUD_URL]}, FRAUD_URL, "url", FRAUD_URL, id="url"),
        pytest.param(
            {"values": [FRAUD_URL]}, FRAUD_DOMAIN, "domain", FRAUD_DOMAIN, id="url's domain"
        ),
        pytest.param(
            {"values": ["Verkoper@Nep-Winkel.nl"]}, FRAUD_EMAIL, "email", FRAUD_EMAIL, id="email"
        ),
    ],
)
def test_what_a_report_names_becomes_an_indicator(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    named: dict[str, Any],
    value: str,
    kind: str,
    normalized: str,
) -> None:
    before = days_ago(0)
    file_report(client, partnership, fraud_type="purchase", **named)
    found = lookup(client, partnership, value)
    assert found["kind"] == kind
    assert found["value"] == normalized
    assert found["token"] == token_of(database, value)
    assert (found["report_count"], found["partner_count"], found["confirmed_count"]) == (1, 1, 0)
    assert found["fraud_types"] == ["purchase"]
    assert found["status"] == "active"
    assert found["tlp"] == "amber"
    assert found["first_seen"] == found["last_seen"]
    assert before - timedelta(seconds=5) <= _moment(found["first_seen"]) <= days_ago(0)
    # One report is held as unconfirmed: below the standard of proof of two.
    assert found["shared_as_fraud"] is False
    assert 0 < found["confidence"] < 1


def test_first_and_last_seen_are_when_the_victims_reported(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], reported_days_ago=10)
    file_report(client, partnership, ibans=[FRAUD_IBAN], reported_days_ago=3)
    file_report(client, partnership, ibans=[FRAUD_IBAN], reported_days_ago=7)
    found = lookup(client, partnership, FRAUD_IBAN)
    assert found["report_count"] == 3
    first, last = _moment(found["first_seen"]), _moment(found["last_seen"])
    assert abs(first - days_ago(10)) < timedelta(minutes=1)
    assert abs(last - days_ago(3)) < timedelta(minutes=1)


def test_a_second_report_of_the_same_iban_raises_the_report_count_not_the_partners(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], fraud_type="purchase")
    assert lookup(client, partnership, FRAUD_IBAN)["report_count"] == 1
    file_report(client, partnership, ibans=[SPACED_IBAN], fraud_type="sale")
    found = lookup(client, partnership, FRAUD_IBAN)
    assert (found["report_count"], found["partner_count"]) == (2, 1)
    assert found["fraud_types"] == ["purchase", "sale"]
    assert found["shared_as_fraud"] is True  # two independent reports meet the standard


@pytest.mark.parametrize(
    "reporters",
    [
        [HELPDESK, POLICE],
        [HELPDESK, POLICE, VICTIM_SUPPORT],
        [HELPDESK, IDENTITY_DESK, POLICE, VICTIM_SUPPORT],
    ],
)
def test_reports_from_different_partners_raise_the_partner_count(
    client: TestClient, partnership: Partnership, reporters: list[str]
) -> None:
    for reporter in reporters:
        file_report(client, partnership, by=reporter, values=[FRAUD_PHONE])
    file_report(client, partnership, by=reporters[0], values=[FRAUD_PHONE])
    found = lookup(client, partnership, FRAUD_PHONE)
    assert found["report_count"] == len(reporters) + 1
    assert found["partner_count"] == len(reporters)


def test_a_value_named_twice_in_one_report_counts_once(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN, SPACED_IBAN], values=[FRAUD_IBAN])
    assert lookup(client, partnership, FRAUD_IBAN)["report_count"] == 1


@pytest.mark.parametrize(
    ("value", "also_not"),
    [
        pytest.param("https://bit.ly/3abcDEF", "bit.ly", id="link shortener"),
        pytest.param("https://tinyurl.com/y7nep", "tinyurl.com", id="another shortener"),
        pytest.param("+31 20 228 8800", None, id="bank helpdesk number"),
        pytest.param("088 786 73 72", None, id="fraud helpdesk number"),
        pytest.param("https://www.marktplaats.nl/v/fiets/m123", "marktplaats.nl", id="partner url"),
        pytest.param("ing.nl", None, id="partner domain"),
        pytest.param("klantenservice@ing.nl", None, id="mailbox at a partner domain"),
    ],
)
def test_warning_listed_values_never_become_indicators(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    value: str,
    also_not: str | None,
) -> None:
    for _ in range(2):
        file_report(client, partnership, ibans=[FRAUD_IBAN], values=[value])
    assert stored(database, value) is None
    if also_not is not None:
        assert stored(database, also_not) is None
    answer = check(client, value)
    assert (answer["reported"], answer["reports_band"]) == (False, None)
    missing = client.get(
        "/v1/indicators", params={"value": value}, headers=partnership.headers(POLICE)
    )
    assert missing.status_code == 404
    # The rest of the report still counts.
    assert lookup(client, partnership, FRAUD_IBAN)["report_count"] == 2


def test_a_fraudsters_mailbox_at_a_large_mail_provider_becomes_an_indicator(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, values=["ing.helpdesk.nl@gmail.com"])
    assert lookup(client, partnership, "ing.helpdesk.nl@gmail.com")["report_count"] == 1


def test_the_victims_own_account_never_becomes_an_indicator(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], victim_iban=VICTIM_IBAN)
    assert stored(database, VICTIM_IBAN) is None
    assert stored(database, FRAUD_IBAN) is not None


def test_a_report_naming_nothing_leaves_no_indicator(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file_report(client, partnership, narrative="Iemand belde mij op.")
    with database.read_only() as session:
        assert session.scalar(select(func.count()).select_from(Indicator)) == 0
