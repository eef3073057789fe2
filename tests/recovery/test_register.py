"""The central register's figures from requests with known timings: medians, nearest-rank 90th
percentiles, money recovered, by bank pair, fraud type and month; and who may see which."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fraudlink.database import Database
from fraudlink.recovery import register, service
from fraudlink.recovery.vocabulary import State
from fraudlink.settings import Settings
from tests.recovery.helpers import add_programme, rules, seed_register
from tests.reports.partnership import (
    ABN_AMRO,
    HELPDESK,
    ING,
    MOLLIE,
    POLICE,
    RABOBANK,
    RESEARCH,
    Partnership,
)

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)  # every deadline of the seeded requests has passed
ING_ABN = {
    "requests": 5,
    "answered": 5,
    "resolved": 2,
    "open": 3,
    "overdue": 0,
    "median_days_to_first_answer": 3.0,  # of 1, 2, 3, 4, 10
    "p90_days_to_first_answer": 10.0,  # rank ceil(0.9 * 5) = 5
    "answered_within_deadline_share": 0.8,  # 10 days is 8 working days
    "median_days_to_resolution": 2.5,  # of 1 and 4
    "p90_days_to_resolution": 4.0,
    "requested_euros": 5000.0,
    "recovered_euros": 1500.0,
    "recovered_share": 0.3,
    "money_back_share": 0.4,
}
TOTAL = {
    "requests": 7,
    "answered": 6,
    "resolved": 3,
    "open": 4,
    "overdue": 1,
    "median_days_to_first_answer": 2.5,  # of 1, 2, 2, 3, 4, 10
    "p90_days_to_first_answer": 10.0,  # rank ceil(0.9 * 6) = 6
    "answered_within_deadline_share": 0.8333,
    "median_days_to_resolution": 2.0,  # of 1, 2, 4
    "p90_days_to_resolution": 4.0,  # rank ceil(0.9 * 3) = 3
    "requested_euros": 6000.0,
    "recovered_euros": 2100.0,
    "recovered_share": 0.35,
    "money_back_share": 0.4286,
}
PAIRS = [(ING, ABN_AMRO), (ING, MOLLIE), (RABOBANK, ABN_AMRO)]


@pytest.fixture
def seeded(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> dict[str, int]:
    return seed_register(client, partnership, database, settings)


def whole_register(database: Database, settings: Settings) -> register.Register:
    with database.read_only() as session:
        rows = register.rows(session, partner_id=None, now=NOW)
    return register.register(rows, rules=rules(settings))


def test_the_register_counts_times_and_money_exactly(
    seeded: dict[str, int], database: Database, settings: Settings
) -> None:
    figures: dict[str, Any] = whole_register(database, settings).as_dict()
    assert figures["total"] == TOTAL
    by_pair = {(item["requester"], item["receiver"]): item for item in figures["by_pair"]}
    assert list(by_pair) == PAIRS
    assert {name: by_pair[ING, ABN_AMRO][name] for name in ING_ABN} == ING_ABN
    unanswered = by_pair[ING, MOLLIE]
    assert (unanswered["requests"], unanswered["answered"], unanswered["overdue"]) == (1, 0, 1)
    assert unanswered["median_days_to_first_answer"] is None
    assert unanswered["p90_days_to_first_answer"] is None
    assert (unanswered["recovered_euros"], unanswered["recovered_share"]) == (0.0, 0.0)
    rabobank = by_pair[RABOBANK, ABN_AMRO]
    assert (rabobank["median_days_to_first_answer"], rabobank["recovered_share"]) == (2.0, 1.0)


def test_the_register_groups_by_fraud_type_and_month(
    seeded: dict[str, int], database: Database, settings: Settings
) -> None:
    figures: dict[str, Any] = whole_register(database, settings).as_dict()
    by_type = {item["fraud_type"]: item for item in figures["by_fraud_type"]}
    assert list(by_type) == ["bank_helpdesk", "purchase", "romance"]
    assert [by_type[key]["requests"] for key in by_type] == [5, 1, 1]
    assert by_type["romance"]["recovered_euros"] == 600.0
    by_month = {item["month"]: item for item in figures["by_month"]}
    assert list(by_month) == ["2026-09", "2026-10"]
    assert [by_month[key]["requests"] for key in by_month] == [5, 2]
    assert by_month["2026-10"]["median_days_to_first_answer"] == 2.0
    assert by_month["2026-10"]["requested_euros"] == 1000.0


def test_percentiles_are_nearest_rank_and_empty_groups_have_none() -> None:
    start = datetime(2026, 9, 7, tzinfo=UTC)
    answered = [
        register.Row(
            requester=ING,
            receiver=ABN_AMRO,
            fraud_type="purchase",
            sent_at=start,
            first_answer_at=start.replace(day=7 + days),
            resolved_at=None,
            state=State.FROZEN,
            amount_cents=100,
            returned_cents=0,
            overdue=False,
        )
        for days in range(1, 11)  # 1 … 10 days
    ]
    figures = register.figures(answered, rules=rules_for_test())
    assert (figures.median_days_to_first_answer, figures.p90_days_to_first_answer) == (5.5, 9.0)
    empty = register.figures([], rules=rules_for_test())
    assert (empty.requests, empty.median_days_to_first_answer, empty.recovered_share) == (
        0,
        None,
        None,
    )


def rules_for_test() -> service.Rules:
    return service.Rules(
        require_aangifte=True,
        methods=frozenset(),
        max_age_months=13,
        countries=frozenset({"NL"}),
        answer_working_days=5,
        wait_working_days=15,
        reminder_working_days=1,
        naw_retention_days=60,
    )


def stats(client: TestClient, partnership: Partnership, reader: str) -> Any:
    response = client.get("/v1/recovery/stats", headers=partnership.headers(reader))
    assert response.status_code == 200, response.text
    return response.json()


def pairs(figures: dict[str, Any]) -> list[tuple[str, str]]:
    return [(item["requester"], item["receiver"]) for item in figures["by_pair"]]


def test_the_programme_sees_every_pair_and_a_bank_its_own(
    seeded: dict[str, int], client: TestClient, partnership: Partnership, database: Database
) -> None:
    programme = add_programme(database, partnership)
    everything = stats(client, partnership, programme)
    assert pairs(everything) == PAIRS
    assert {name: value for name, value in everything["total"].items() if name != "overdue"} == {
        name: value for name, value in TOTAL.items() if name != "overdue"
    }
    assert pairs(stats(client, partnership, ING)) == [(ING, ABN_AMRO), (ING, MOLLIE)]
    assert pairs(stats(client, partnership, ABN_AMRO)) == [(ING, ABN_AMRO), (RABOBANK, ABN_AMRO)]
    rabobank = stats(client, partnership, RABOBANK)
    assert pairs(rabobank) == [(RABOBANK, ABN_AMRO)]
    assert rabobank["total"]["requests"] == 1
    assert [item["fraud_type"] for item in rabobank["by_fraud_type"]] == ["romance"]
    assert stats(client, partnership, MOLLIE)["total"]["requests"] == 1


@pytest.mark.parametrize("reader", [RESEARCH, POLICE, HELPDESK])
def test_researchers_police_and_helpdesks_may_not_see_the_register(
    seeded: dict[str, int], client: TestClient, partnership: Partnership, reader: str
) -> None:
    for path in ("/v1/recovery/stats", "/v1/recovery/stats.csv"):
        response = client.get(path, headers=partnership.headers(reader))
        assert response.status_code == 403, path


def test_the_csv_export_holds_the_same_figures(
    seeded: dict[str, int], client: TestClient, partnership: Partnership, database: Database
) -> None:
    programme = add_programme(database, partnership)
    response = client.get("/v1/recovery/stats.csv", headers=partnership.headers(programme))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "recovery-register.csv" in response.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(response.text)))
    keyed = {(row["group"], row["key"]): row for row in table}
    assert list(keyed) == [
        ("total", ""),
        ("pair", f"{ING} -> {ABN_AMRO}"),
        ("pair", f"{ING} -> {MOLLIE}"),
        ("pair", f"{RABOBANK} -> {ABN_AMRO}"),
        ("fraud_type", "bank_helpdesk"),
        ("fraud_type", "purchase"),
        ("fraud_type", "romance"),
        ("month", "2026-09"),
        ("month", "2026-10"),
    ]
    total = keyed["total", ""]
    assert (total["requests"], total["recovered_euros"], total["recovered_share"]) == (
        "7",
        "2100.0",
        "0.35",
    )
    assert keyed["pair", f"{ING} -> {MOLLIE}"]["median_days_to_first_answer"] == ""
    assert keyed["pair", f"{ING} -> {ABN_AMRO}"]["p90_days_to_first_answer"] == "10.0"
