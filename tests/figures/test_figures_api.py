"""The figures through the API equal what the test counts itself from the reports it filed:
through POST /v1/reports (``filed.bodies``, built to cover every group) and from the demo
generator."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any, Final

import pytest
from fastapi.testclient import TestClient

from fraudlink.audit.service import Actor
from fraudlink.database import Database
from fraudlink.demo import service as demo_service
from fraudlink.demo.reports import demo_reports
from fraudlink.reports.service import RoutingPolicy
from fraudlink.settings import Settings
from tests.factories import add_key, bearer
from tests.figures.filed import Body, expected
from tests.reports.partnership import Partnership

NAMES: Final = (
    "by-fraud-type",
    "by-channel",
    "by-age-band",
    "by-region",
    "by-month",
    "month-on-month",
    "climbing-fraud-types",
    "emerging-domains",
)
DEMO_REPORTS: Final = 120


def figure(client: TestClient, headers: dict[str, str], name: str, **query: Any) -> Body:
    response = client.get(f"/v1/figures/{name}", params=query, headers=headers)
    assert response.status_code == 200, response.text
    found: Body = response.json()
    return found


def as_table(document: Body) -> dict[str, tuple[int, int, float]]:
    return {
        row["key"]: (row["reports"], row["victims"], row["damage_euros"])
        for row in document["rows"]
    }


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("by-fraud-type", "fraud_type"),
        ("by-channel", "channel"),
        ("by-age-band", "age_band"),
        ("by-region", "region"),
        ("by-month", "month"),
    ],
)
def test_each_breakdown_equals_the_counts_of_the_filed_reports(
    client: TestClient, partnership: Partnership, filed: list[Body], name: str, key: str
) -> None:
    document = figure(client, partnership.headers("ING"), name)
    assert as_table(document) == expected(filed, key)
    assert document["period"] == {"from": None, "to": None}


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ({"year": 2025}, "2025-01-01", "2025-12-31"),
        ({"from": "2024-03-01", "to": "2024-06-30"}, "2024-03-01", "2024-06-30"),
        ({"from": "2025-07-15"}, "2025-07-15", "9999"),
        ({"to": "2024-02-01"}, "0000", "2024-02-01"),
    ],
)
def test_a_period_counts_the_reports_that_occurred_in_it(
    client: TestClient,
    partnership: Partnership,
    filed: list[Body],
    query: dict[str, Any],
    start: str,
    end: str,
) -> None:
    inside = [row for row in filed if start <= row["occurred_at"][:10] <= end]
    assert inside, "the period holds reports"
    document = figure(client, partnership.headers("ING"), "by-fraud-type", **query)
    assert as_table(document) == expected(inside, "fraud_type")


def test_victims_count_an_account_once(
    client: TestClient, partnership: Partnership, filed: list[Body]
) -> None:
    document = figure(client, partnership.headers("ING"), "by-month")
    reports = sum(row["reports"] for row in document["rows"])
    assert reports == len(filed)
    victims = sum(row["victims"] for row in document["rows"])
    [(_reports, everyone, _damage)] = expected(filed, "all").values()
    # The same accounts came back in other months: counted once a month, once in all.
    assert everyone < victims <= reports


def test_each_figure_is_also_csv_with_the_same_rows(
    client: TestClient, partnership: Partnership, filed: list[Body]
) -> None:
    headers = partnership.headers("ING")
    document = figure(client, headers, "by-channel")
    response = client.get("/v1/figures/by-channel.csv", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(row["key"], int(row["reports"]), float(row["damage_euros"])) for row in rows] == [
        (row["key"], row["reports"], row["damage_euros"]) for row in document["rows"]
    ]


@pytest.mark.parametrize("name", NAMES)
def test_every_listed_figure_answers_json_and_csv(
    client: TestClient, partnership: Partnership, filed: list[Body], name: str
) -> None:
    headers = partnership.headers("KPN")  # any partner's key: no permission of its own
    listed = client.get("/v1/figures", headers=headers)
    assert listed.status_code == 200
    links = {item["name"]: item for item in listed.json()["figures"]}
    assert set(links) == set(NAMES)
    assert client.get(links[name]["json_url"], headers=headers).json()["name"] == name
    csv_response = client.get(links[name]["csv_url"], headers=headers, params={"year": 2025})
    assert csv_response.status_code == 200
    assert csv_response.text.splitlines()[0]


def test_labels_follow_the_readers_language(
    client: TestClient, partnership: Partnership, filed: list[Body]
) -> None:
    headers = partnership.headers("ING")
    dutch = figure(client, headers, "by-age-band")
    english = figure(client, {**headers, "Accept-Language": "en"}, "by-age-band")
    assert {row["label"] for row in dutch["rows"]} >= {"Onbekend"}
    assert {row["label"] for row in english["rows"]} >= {"Unknown"}


@pytest.mark.parametrize(
    "query",
    [
        {"year": 2025, "from": "2025-01-01"},
        {"from": "2025-02-01", "to": "2025-01-01"},
        {"year": 1999},
        {"from": "gisteren"},
        {"days": 0},
    ],
)
def test_a_period_that_makes_no_sense_is_refused(
    client: TestClient, partnership: Partnership, query: dict[str, Any]
) -> None:
    response = client.get("/v1/figures/by-month", params=query, headers=partnership.headers("ING"))
    assert response.status_code == 422, response.text


def test_an_unknown_figure_is_404_naming_the_figures(
    client: TestClient, partnership: Partnership
) -> None:
    response = client.get(
        "/v1/figures/by-postcode", headers={**partnership.headers("ING"), "Accept-Language": "en"}
    )
    assert response.status_code == 404
    assert "by-fraud-type" in response.text


@pytest.mark.parametrize(
    "path", ["/v1/figures", "/v1/figures/by-fraud-type", "/v1/figures/by-month.csv"]
)
def test_the_figures_need_a_key(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 401
    bad = client.get(path, headers={"Authorization": "Bearer fl_nonsense"})
    assert bad.status_code == 401


def test_the_demo_reports_give_the_figures_the_generator_made(
    settings: Settings, database: Database, client: TestClient
) -> None:
    with database.transaction() as session:
        demo_service.load(session, actor=Actor(name="cli:test"))
    demo_service.load_reports(
        database,
        actor=Actor(name="cli:test"),
        policy=RoutingPolicy.from_settings(settings),
        count=DEMO_REPORTS,
    )
    generated = list(demo_reports(count=DEMO_REPORTS))
    headers = bearer(add_key(database, "ING"))
    for name, key in (
        ("by-channel", "channel"),
        ("by-age-band", "age_band"),
        ("by-region", "region"),
        ("by-month", "month"),
    ):
        assert as_table(figure(client, headers, name)) == expected(generated, key), name
    by_type = figure(client, headers, "by-fraud-type")
    assert sum(row["reports"] for row in by_type["rows"]) == DEMO_REPORTS
    stated = Counter(row["fraud_type"] for row in generated if row["fraud_type"])
    for row in by_type["rows"]:  # a sixth left their type to the classifier: at least these
        assert row["reports"] >= stated[row["key"]]
