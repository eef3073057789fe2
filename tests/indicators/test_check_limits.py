"""The public check is rate-limited per client, and harvesting it (many different values) is
stopped: 429 with Retry-After and a problem document. The dispute form spends the same budget.

The limiter itself is tested in tests/test_ratelimit.py; these tests drive it through the app.
Each test speaks from an address of its own, so that tests sharing a Redis never meet.
"""

from __future__ import annotations

import ipaddress
import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fraudlink.database import Database
from fraudlink.indicators.models import Dispute
from tests.indicators.exchange import (
    FRAUD_IBAN,
    FRAUD_PHONE,
    STATEMENT,
    app_for,
    file_report,
    fresh_iban,
)
from tests.reports.partnership import BAD_IBAN, Partnership

REDIS_URL = os.environ.get("FRAUDLINK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _address() -> str:
    """An address no other test uses: 10.0.0.0/8 with random host bits."""
    return str(ipaddress.IPv4Address((10 << 24) | (uuid.uuid4().int & 0xFFFFFF)))


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The settings that choose the limits' backend."""
    return {"redis_url": REDIS_URL} if request.param == "redis" else {}


@pytest.fixture
def clients(settings: object) -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


def _client(stack: ExitStack, address: str | None = None, **settings: Any) -> TestClient:
    app = app_for(**settings)
    return stack.enter_context(TestClient(app, client=(address or _address(), 40000)))


def _check(client: TestClient, value: str) -> httpx2.Response:
    return client.get("/v1/check", params={"value": value})


def _assert_refused(response: httpx2.Response, *, most: int, least: int = 1) -> None:
    assert response.status_code == 429, response.text
    assert least <= int(response.headers["retry-after"]) <= most
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 429
    assert body["type"].endswith("/problems/too-many-requests")
    assert body["detail"]


@pytest.mark.parametrize("same_value", [True, False])
def test_the_fourth_request_of_three_a_minute_answers_429_with_retry_after(
    clients: ExitStack, backend: dict[str, Any], same_value: bool
) -> None:
    client = _client(clients, check_requests_per_minute=3, **backend)
    values = [FRAUD_IBAN] * 4 if same_value else [fresh_iban(number) for number in range(4)]
    assert [_check(client, value).status_code for value in values[:3]] == [200, 200, 200]
    # One request each 20 seconds once the burst is spent.
    _assert_refused(_check(client, values[3]), most=20)


def test_hammering_while_refused_does_not_push_the_wait_out(clients: ExitStack) -> None:
    client = _client(clients, check_requests_per_minute=3)
    for _ in range(3):
        _check(client, FRAUD_IBAN)
    waits = [int(_check(client, FRAUD_IBAN).headers["retry-after"]) for _ in range(10)]
    assert max(waits) <= 20


def test_invalid_values_spend_the_budget_too(clients: ExitStack) -> None:
    client = _client(clients, check_requests_per_minute=3)
    assert [_check(client, value).status_code for value in ("hallo", BAD_IBAN, "12")] == [
        422,
        422,
        422,
    ]
    _assert_refused(_check(client, FRAUD_IBAN), most=20)


def test_each_client_has_its_own_budget(clients: ExitStack) -> None:
    app = app_for(check_requests_per_minute=3)
    first = clients.enter_context(TestClient(app, client=(_address(), 40000)))
    second = clients.enter_context(TestClient(app, client=(_address(), 40000)))
    for _ in range(3):
        _check(first, FRAUD_IBAN)
    assert _check(first, FRAUD_IBAN).status_code == 429
    assert _check(second, FRAUD_IBAN).status_code == 200


def test_two_workers_on_one_redis_share_a_clients_budget(clients: ExitStack) -> None:
    address = _address()
    first = _client(clients, address, check_requests_per_minute=3, redis_url=REDIS_URL)
    second = _client(clients, address, check_requests_per_minute=3, redis_url=REDIS_URL)
    assert [_check(first, FRAUD_IBAN).status_code for _ in range(2)] == [200, 200]
    assert _check(second, FRAUD_IBAN).status_code == 200
    _assert_refused(_check(first, FRAUD_IBAN), most=20)
    _assert_refused(_check(second, FRAUD_IBAN), most=20)


@pytest.mark.parametrize("penalty", [60, 300])
def test_many_different_values_trip_the_enumeration_guard_even_for_values_asked_before(
    clients: ExitStack, backend: dict[str, Any], penalty: int
) -> None:
    client = _client(
        clients,
        check_requests_per_minute=1000,
        check_distinct_values_per_hour=3,
        check_enumeration_penalty_seconds=penalty,
        **backend,
    )
    values = [fresh_iban(number) for number in range(3)]
    assert [_check(client, value).status_code for value in values] == [200, 200, 200]
    _assert_refused(_check(client, fresh_iban(99)), least=penalty - 1, most=penalty)
    for value in values:  # blocked for everything, including what it asked before
        _assert_refused(_check(client, value), least=penalty - 30, most=penalty)


def test_asking_one_value_again_and_again_is_no_enumeration(clients: ExitStack) -> None:
    client = _client(clients, check_requests_per_minute=1000, check_distinct_values_per_hour=3)
    spellings = [FRAUD_PHONE, "06-12345678", "06 1234 5678", "+31 6 12345678", "0031612345678"]
    assert {_check(client, value).status_code for value in spellings * 4} == {200}
    assert _check(client, FRAUD_IBAN).status_code == 200
    assert _check(client, fresh_iban(1)).status_code == 200
    assert _check(client, fresh_iban(2)).status_code == 429


def test_the_check_page_spends_the_same_budget(clients: ExitStack) -> None:
    client = _client(clients, check_requests_per_minute=3)
    assert client.get("/check", params={"value": FRAUD_IBAN}).status_code == 200
    assert _check(client, FRAUD_IBAN).status_code == 200
    assert client.get("/check", params={"value": FRAUD_IBAN}).status_code == 200
    refused = client.get("/check", params={"value": FRAUD_IBAN}, headers={"Accept": "text/html"})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1


def test_a_dispute_spends_the_checks_budget(
    clients: ExitStack, partnership: Partnership, database: Database
) -> None:
    client = _client(clients, check_requests_per_minute=3)
    file_report(client, partnership, ibans=[FRAUD_IBAN])  # with a key: no public budget
    assert _check(client, FRAUD_IBAN).status_code == 200
    body = {"value": FRAUD_IBAN, "statement": STATEMENT}
    assert client.post("/v1/disputes", json=body).status_code == 201
    assert _check(client, FRAUD_IBAN).status_code == 200
    _assert_refused(client.post("/v1/disputes", json=body), most=20)
    _assert_refused(_check(client, FRAUD_IBAN), most=20)
    with database.read_only() as session:
        assert session.scalar(select(func.count()).select_from(Dispute)) == 1


def test_disputes_count_as_distinct_values(clients: ExitStack, partnership: Partnership) -> None:
    client = _client(clients, check_requests_per_minute=1000, check_distinct_values_per_hour=2)
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    assert _check(client, fresh_iban(1)).status_code == 200
    body = {"value": FRAUD_IBAN, "statement": STATEMENT}
    assert client.post("/v1/disputes", json=body).status_code == 201
    assert _check(client, FRAUD_IBAN).status_code == 200  # asked already, by disputing it
    assert _check(client, fresh_iban(2)).status_code == 429
