"""The in-memory index that checks read: every worker keeps its own and catches up from the
change feed before it answers, so what one worker takes in the next check on any worker sees."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fraudlink.i18n import LOCAL_TIME_ZONE
from fraudlink.indicators import index as index_module
from fraudlink.indicators.index import IndicatorIndex
from fraudlink.indicators.service import Policy
from fraudlink.indicators.vocabulary import IndicatorStatus
from fraudlink.settings import Settings
from tests.indicators.exchange import (
    FRAUD_DOMAIN,
    FRAUD_EMAIL,
    FRAUD_IBAN,
    FRAUD_PHONE,
    FRAUD_URL,
    FRAUD_WALLET,
    app_for,
    check,
    decide,
    file_report,
    fresh_iban,
    naming,
    open_dispute,
)
from tests.reports.partnership import Partnership, submit


@pytest.fixture
def workers(settings: Settings) -> Iterator[tuple[TestClient, TestClient]]:
    """Two apps on the test's database, as two server processes would be."""
    with TestClient(app_for()) as first, TestClient(app_for()) as second:
        yield first, second


def _index(client: TestClient) -> IndicatorIndex:
    assert isinstance(client.app, FastAPI)
    index: IndicatorIndex = client.app.state.indicator_index
    return index


def test_a_report_through_one_worker_is_seen_by_the_next_check_on_the_other(
    workers: tuple[TestClient, TestClient], partnership: Partnership
) -> None:
    first, second = workers
    assert check(first, FRAUD_IBAN)["reported"] is False
    assert check(second, FRAUD_IBAN)["reported"] is False
    file_report(first, partnership, ibans=[FRAUD_IBAN])
    assert check(second, FRAUD_IBAN)["reports_band"] == "1"
    file_report(second, partnership, ibans=[FRAUD_IBAN])
    assert check(first, FRAUD_IBAN)["reports_band"] == "2-5"
    assert check(second, FRAUD_IBAN)["reports_band"] == "2-5"


def test_disputes_and_decisions_reach_the_other_worker(
    workers: tuple[TestClient, TestClient], partnership: Partnership
) -> None:
    first, second = workers
    file_report(first, partnership, ibans=[FRAUD_IBAN])
    assert check(second, FRAUD_IBAN)["disputed"] is False
    dispute = open_dispute(first, FRAUD_IBAN)
    assert check(second, FRAUD_IBAN)["disputed"] is True
    decide(first, partnership, dispute["id"], "clear")
    assert check(second, FRAUD_IBAN)["reported"] is False


def test_a_worker_started_later_loads_everything(
    settings: Settings, partnership: Partnership
) -> None:
    values = [FRAUD_IBAN, FRAUD_PHONE, FRAUD_URL, FRAUD_DOMAIN, FRAUD_EMAIL, FRAUD_WALLET]
    with TestClient(app_for()) as early:
        file_report(early, partnership, ibans=[FRAUD_IBAN], values=values[1:5])
        file_report(early, partnership, wallets=[FRAUD_WALLET])
    with TestClient(app_for()) as late:
        assert len(_index(late)) == 0  # loaded on the first check, not before
        assert all(check(late, value)["reported"] for value in values)
        assert len(_index(late)) == len(values)


def test_catching_up_pages_through_many_changes(
    monkeypatch: pytest.MonkeyPatch,
    workers: tuple[TestClient, TestClient],
    partnership: Partnership,
) -> None:
    monkeypatch.setattr(index_module, "CATCH_UP_PAGE", 2)
    first, second = workers
    check(second, FRAUD_IBAN)
    values = [fresh_iban(number) for number in range(7)]
    file_report(first, partnership, ibans=values[:4])
    file_report(first, partnership, ibans=values[4:])
    assert check(second, values[-1])["reported"] is True
    index = _index(second)
    assert len(index) == len(values)
    assert all(check(second, value)["reports_band"] == "1" for value in values)


def test_a_check_with_nothing_new_leaves_the_cursor(
    workers: tuple[TestClient, TestClient], partnership: Partnership
) -> None:
    first, second = workers
    file_report(first, partnership, ibans=[FRAUD_IBAN])
    check(second, FRAUD_IBAN)
    cursor = _index(second).cursor
    assert cursor > 0
    check(second, FRAUD_PHONE)
    assert _index(second).cursor == cursor
    file_report(first, partnership, values=[FRAUD_PHONE])
    check(second, FRAUD_PHONE)
    assert _index(second).cursor > cursor


@pytest.mark.parametrize("rebuild_at", [1, 3])
def test_entries_merged_into_the_compact_arrays_answer_as_before(
    monkeypatch: pytest.MonkeyPatch,
    workers: tuple[TestClient, TestClient],
    partnership: Partnership,
    rebuild_at: int,
) -> None:
    first, second = workers
    values = [fresh_iban(number) for number in range(4)]
    file_report(first, partnership, ibans=values, fraud_type="invoice")
    file_report(first, partnership, ibans=values[:2], values=[FRAUD_PHONE], reported_days_ago=30)
    file_report(first, partnership, ibans=values[:1], reported_days_ago=400)
    before = {value: check(first, value) for value in [*values, FRAUD_PHONE]}
    monkeypatch.setattr(index_module, "REBUILD_AT", rebuild_at)
    after = {value: check(second, value) for value in [*values, FRAUD_PHONE]}
    assert _index(second).nbytes > 0  # the entries went into the arrays
    assert after == before


def test_a_merged_entry_keeps_the_dutch_date_of_its_last_report(
    monkeypatch: pytest.MonkeyPatch,
    workers: tuple[TestClient, TestClient],
    partnership: Partnership,
) -> None:
    first, second = workers
    # Half past eleven last night in UTC is already today in Amsterdam.
    late = (datetime.now(UTC) - timedelta(days=1)).replace(hour=23, minute=30, microsecond=0)
    body = naming(ibans=[FRAUD_IBAN])
    body |= {"reported_at": late.isoformat(), "occurred_at": late.replace(hour=20).isoformat()}
    submit(first, partnership, body)
    expected = late.astimezone(LOCAL_TIME_ZONE).date().isoformat()
    assert check(first, FRAUD_IBAN)["last_reported"] == expected
    monkeypatch.setattr(index_module, "REBUILD_AT", 1)
    assert check(second, FRAUD_IBAN)["last_reported"] == expected


def test_a_merged_entry_lists_its_fraud_types_in_the_same_order(
    monkeypatch: pytest.MonkeyPatch,
    workers: tuple[TestClient, TestClient],
    partnership: Partnership,
) -> None:
    first, second = workers
    file_report(first, partnership, ibans=[FRAUD_IBAN], fraud_type="purchase")
    file_report(first, partnership, ibans=[FRAUD_IBAN], fraud_type="invoice")
    before = check(first, FRAUD_IBAN)
    monkeypatch.setattr(index_module, "REBUILD_AT", 1)
    after = check(second, FRAUD_IBAN)
    assert (after["fraud_types"], after["advice"]) == (before["fraud_types"], before["advice"])


@pytest.mark.parametrize("last_byte", [0, 1, 255])
def test_a_token_ending_in_a_nul_byte_is_found_in_the_arrays(last_byte: int) -> None:
    # One token in 256 ends in a NUL byte, which numpy drops when it hands an element back.
    token = bytes(range(31)) + bytes([last_byte])
    others = [bytes([number]) * 32 for number in (7, 200)]
    entry = index_module.Entry(
        kind="iban",
        status=IndicatorStatus.ACTIVE,
        shared_as_fraud=True,
        capped=False,
        confidence=0.5,
        recent_reports=(),
        last_seen=datetime(2026, 11, 1, tzinfo=LOCAL_TIME_ZONE),
    )
    index = IndicatorIndex(Policy(min_reports=2, correlation_cap=50))
    index.load(
        np.array([*others, token], dtype=index_module.TOKEN),
        np.array([index_module.pack(entry)] * 3, dtype=index_module.ROW),
    )
    assert index.lookup(token.hex()) == entry
    assert index.lookup((bytes(31) + bytes([last_byte])).hex()) is None
