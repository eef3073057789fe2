"""Retention: ``fraudlink indicators expire`` and the daily run expire indicators not seen within
their kind's retention; they stop matching and their raw value is erased. Running it again
changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fraudlink.cli import app as cli_app
from fraudlink.database import Database
from fraudlink.indicators.scheduled import SCHEDULER, expire_once
from fraudlink.settings import Settings
from tests.indicators.exchange import (
    FRAUD_DOMAIN,
    FRAUD_IBAN,
    FRAUD_PHONE,
    FRAUD_URL,
    audit_entries,
    check,
    file_report,
    fresh_iban,
    lookup,
    stored,
    token_of,
)
from tests.reports.partnership import ING, POLICE, Partnership

runner = CliRunner()


def expire(**environment: str) -> tuple[int, str]:
    """``fraudlink indicators expire`` in English, with these FRAUDLINK_ settings."""
    env = {"LANG": "en_GB.UTF-8"} | {
        f"FRAUDLINK_{name.upper()}": value for name, value in environment.items()
    }
    result = runner.invoke(cli_app, ["indicators", "expire"], env=env)
    return result.exit_code, result.stdout


def _state(client: TestClient, partnership: Partnership, value: str) -> dict[str, Any]:
    found = lookup(client, partnership, value, by=POLICE)
    return {"status": found["status"], "value": found["value"], "change": found["change"]}


@pytest.mark.parametrize(
    ("retention_days", "ages", "expired"),
    [
        pytest.param(30, [40], [True], id="older than the retention"),
        pytest.param(30, [20], [False], id="younger"),
        pytest.param(30, [29, 31, 100, 0], [False, True, True, False], id="mixed"),
        pytest.param(730, [731, 700], [True, False], id="the default two years"),
    ],
)
def test_the_command_expires_what_was_last_seen_before_the_retention(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    retention_days: int,
    ages: list[int],
    expired: list[bool],
) -> None:
    values = [fresh_iban(number) for number in range(len(ages))]
    for value, age in zip(values, ages, strict=True):
        file_report(client, partnership, ibans=[value], reported_days_ago=age or None)
    code, out = expire(retention_days=str(retention_days))
    assert code == 0, out
    assert out.startswith(f"{sum(expired)} indicators expired")
    for value, gone in zip(values, expired, strict=True):
        indicator = stored(database, value)
        assert indicator is not None
        assert (indicator.status == "expired") is gone
        assert (indicator.value is None) is gone  # the raw value is erased
        assert indicator.token == token_of(database, value)  # only the token remains
        if gone:
            assert indicator.confidence == 0
    entries = audit_entries(database, "indicator.expire")
    # A run that expires nothing writes nothing, not even to the audit log.
    assert [entry.details for entry in entries] == (
        [{"expired": sum(expired)}] if any(expired) else []
    )
    assert all(entry.actor.startswith("cli:") for entry in entries)


def test_expiry_is_idempotent(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], reported_days_ago=40)
    file_report(client, partnership, values=[FRAUD_PHONE], reported_days_ago=10)
    assert expire(retention_days="30") == (0, expire_out(1))
    before = {value: _state(client, partnership, value) for value in (FRAUD_IBAN, FRAUD_PHONE)}
    assert expire(retention_days="30") == (0, expire_out(0))
    after = {value: _state(client, partnership, value) for value in (FRAUD_IBAN, FRAUD_PHONE)}
    assert after == before
    assert len(audit_entries(database, "indicator.expire")) == 1


def expire_out(count: int) -> str:
    return f"{count} indicators expired: they no longer match and their value is erased.\n"


@pytest.mark.parametrize(
    ("by_kind", "expired", "kept"),
    [
        pytest.param({"phone": 30}, [FRAUD_PHONE], [FRAUD_IBAN, FRAUD_URL, FRAUD_DOMAIN]),
        pytest.param({"iban": 30}, [FRAUD_IBAN], [FRAUD_PHONE, FRAUD_URL, FRAUD_DOMAIN]),
        pytest.param({"url": 30}, [FRAUD_URL], [FRAUD_IBAN, FRAUD_PHONE, FRAUD_DOMAIN]),
        pytest.param(
            {"url": 30, "domain": 30}, [FRAUD_URL, FRAUD_DOMAIN], [FRAUD_IBAN, FRAUD_PHONE]
        ),
        pytest.param({"phone": 50, "iban": 1000}, [], [FRAUD_IBAN, FRAUD_PHONE, FRAUD_URL]),
    ],
)
def test_each_kind_may_have_its_own_retention(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    by_kind: dict[str, int],
    expired: list[str],
    kept: list[str],
) -> None:
    file_report(
        client,
        partnership,
        ibans=[FRAUD_IBAN],
        values=[FRAUD_PHONE, FRAUD_URL],
        reported_days_ago=40,
    )
    code, out = expire(retention_days_by_kind=json.dumps(by_kind))
    assert (code, out) == (0, expire_out(len(expired)))
    for value in expired:
        assert lookup(client, partnership, value, by=POLICE)["status"] == "expired"
        assert check(client, value)["reported"] is False
    for value in kept:
        assert lookup(client, partnership, value, by=POLICE)["status"] == "active"
        assert check(client, value)["reported"] is True


def test_the_daily_run_does_the_same(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], reported_days_ago=40)
    file_report(client, partnership, values=[FRAUD_PHONE], reported_days_ago=40)
    file_report(client, partnership, ibans=[fresh_iban(1)], reported_days_ago=5)
    assert check(client, FRAUD_IBAN)["reported"] is True
    settings = Settings(retention_days=30, retention_days_by_kind={"phone": 60})
    assert expire_once(database, settings) == 1
    assert expire_once(database, settings) == 0
    assert check(client, FRAUD_IBAN)["reported"] is False
    assert check(client, FRAUD_PHONE)["reported"] is True
    assert check(client, fresh_iban(1))["reported"] is True
    [entry] = audit_entries(database, "indicator.expire")
    assert (entry.actor, entry.details) == (SCHEDULER.name, {"expired": 1})


def test_an_expired_indicator_keeps_its_token_and_tells_partners_in_the_feed(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], reported_days_ago=40)
    headers = partnership.headers(POLICE)
    cursor = client.get("/v1/indicators/changes", headers=headers).json()["next_since"]
    expire_once(database, Settings(retention_days=30))
    changed = client.get(
        "/v1/indicators/changes", params={"since": cursor}, headers=headers
    ).json()["indicators"]
    assert [(item["token"], item["status"], item["value"]) for item in changed] == [
        (token_of(database, FRAUD_IBAN), "expired", None)
    ]
    by_token = client.get(
        "/v1/indicators", params={"token": token_of(database, FRAUD_IBAN)}, headers=headers
    )
    assert (by_token.json()["status"], by_token.json()["value"]) == ("expired", None)
    assert by_token.json()["shared_as_fraud"] is False


def test_a_recent_sighting_keeps_an_indicator(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN, fresh_iban(1)], reported_days_ago=40)
    found = lookup(client, partnership, FRAUD_IBAN)
    client.post(
        f"/v1/indicators/{found['id']}/sightings",
        json={"kind": "payment_attempted"},
        headers=partnership.headers(ING),
    )
    assert expire_once(database, Settings(retention_days=30)) == 1
    assert lookup(client, partnership, FRAUD_IBAN)["status"] == "active"
    assert lookup(client, partnership, fresh_iban(1), by=POLICE)["status"] == "expired"


def test_a_value_reported_anew_after_it_expired_is_reported_again(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], reported_days_ago=40)
    expire_once(database, Settings(retention_days=30))
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    assert check(client, FRAUD_IBAN)["reported"] is True
    assert lookup(client, partnership, FRAUD_IBAN)["value"] == FRAUD_IBAN
