"""The networks API: only those who investigate, every read audited, exports police tools read."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fraudlink.audit.models import AuditEntry
from fraudlink.database import Database
from fraudlink.networks.export import GRAPHML_NS
from tests.factories import add_key, bearer

POLICE = "Politie"
ALLOWED = [POLICE, "Openbaar Ministerie", "Programma Integrale Aanpak Online Fraude"]
REFUSED = ["ABN AMRO", "Fraudehelpdesk", "KPN", "Marktplaats", "Haagse Hogeschool"]
G = f"{{{GRAPHML_NS}}}"


@pytest.fixture
def police(demo: Database) -> dict[str, str]:
    return bearer(add_key(demo, POLICE))


def first_id(client: TestClient, headers: dict[str, str]) -> int:
    listed = client.get("/v1/networks", headers=headers)
    assert listed.status_code == 200, listed.text
    return int(listed.json()["networks"][0]["id"])


@pytest.mark.parametrize("partner", ALLOWED)
def test_police_prosecution_and_programme_read_networks(
    demo: Database, client: TestClient, partner: str
) -> None:
    response = client.get("/v1/networks", headers=bearer(add_key(demo, partner)))
    assert response.status_code == 200
    assert response.json()["networks"]


@pytest.mark.parametrize("partner", REFUSED)
@pytest.mark.parametrize("path", ["/v1/networks", "/v1/networks/1", "/v1/networks/1.csv"])
def test_others_are_refused(demo: Database, client: TestClient, partner: str, path: str) -> None:
    assert client.get(path, headers=bearer(add_key(demo, partner))).status_code == 403


@pytest.mark.parametrize("path", ["/v1/networks", "/v1/networks/1", "/v1/networks/1.graphml"])
def test_without_a_key_the_answer_is_401(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 401


def test_a_network_has_its_members_ranked_reports_and_edges(
    client: TestClient, police: dict[str, str]
) -> None:
    network_id = first_id(client, police)
    network = client.get(f"/v1/networks/{network_id}", headers=police).json()
    assert network["size"] == len(network["identifiers"])
    assert [member["rank"] for member in network["identifiers"]] == list(
        range(1, network["size"] + 1)
    )
    reports = [member["reports"] for member in network["identifiers"]]
    assert reports == sorted(reports, reverse=True)
    assert network["report_count"] == len(network["reports"]) >= 2
    assert network["damage_cents"] == sum(report["loss_cents"] for report in network["reports"])
    assert all(edge["weight"] >= 1 for edge in network["edges"])
    assert network["central"] == network["identifiers"][:3]


def test_an_unknown_network_is_404(client: TestClient, police: dict[str, str]) -> None:
    assert client.get("/v1/networks/999999", headers=police).status_code == 404


def test_the_list_pages_and_filters(client: TestClient, police: dict[str, str]) -> None:
    everything = client.get("/v1/networks?limit=500", headers=police).json()["networks"]
    first = client.get("/v1/networks?limit=2", headers=police).json()
    second = client.get(
        f"/v1/networks?limit=2&after_id={first['next_after_id']}", headers=police
    ).json()
    assert [n["id"] for n in first["networks"] + second["networks"]] == [
        n["id"] for n in everything[:4]
    ]
    large = client.get("/v1/networks?min_size=8", headers=police).json()["networks"]
    assert large and all(network["size"] >= 8 for network in large)
    typed = client.get("/v1/networks?fraud_type=investment", headers=police).json()["networks"]
    assert typed and all("investment" in network["fraud_types"] for network in typed)
    recent = client.get("/v1/networks?since=2026-09-01T00:00:00Z", headers=police).json()
    assert all(network["last_seen"] >= "2026-09-01" for network in recent["networks"])
    assert len(recent["networks"]) < len(everything)


def test_the_csv_lists_members_and_edges(client: TestClient, police: dict[str, str]) -> None:
    network_id = first_id(client, police)
    network = client.get(f"/v1/networks/{network_id}", headers=police).json()
    response = client.get(f"/v1/networks/{network_id}.csv", headers=police)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    members = [row for row in rows if row["record"] == "member"]
    assert [row["value"] for row in members] == [m["value"] for m in network["identifiers"]]
    assert len([row for row in rows if row["record"] == "edge"]) == len(network["edges"])


def test_the_graphml_is_valid_with_attributes_and_weights(
    client: TestClient, police: dict[str, str]
) -> None:
    network_id = first_id(client, police)
    network = client.get(f"/v1/networks/{network_id}", headers=police).json()
    response = client.get(f"/v1/networks/{network_id}.graphml", headers=police)
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own export
    assert root.tag == f"{G}graphml"
    keys = {key.get("id"): key.get("for") for key in root.iter(f"{G}key")}
    assert {"kind": "node", "value": "node", "reports": "node", "weight": "edge"}.items() <= (
        keys.items()
    )
    graph = root.find(f"{G}graph")
    assert graph is not None
    nodes = {
        node.get("id"): {data.get("key"): data.text for data in node.iter(f"{G}data")}
        for node in graph.iter(f"{G}node")
    }
    assert len(nodes) == network["size"]
    assert nodes["n1"]["value"] == network["identifiers"][0]["value"]
    assert nodes["n1"]["reports"] == str(network["identifiers"][0]["reports"])
    edges = list(graph.iter(f"{G}edge"))
    assert len(edges) == len(network["edges"])
    for edge in edges:
        assert edge.get("source") in nodes and edge.get("target") in nodes
        weight = edge.find(f"{G}data[@key='weight']")
        assert weight is not None and int(weight.text or 0) >= 1


def test_every_read_is_audited_with_who_and_which_network(
    demo: Database, client: TestClient, police: dict[str, str]
) -> None:
    network_id = first_id(client, police)
    client.get(f"/v1/networks/{network_id}", headers=police)
    client.get(f"/v1/networks/{network_id}.csv", headers=police)
    client.get(f"/v1/networks/{network_id}.graphml", headers=police)
    with demo.read_only() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("network.%")).order_by(AuditEntry.id)
        ).all()
    assert [entry.action for entry in entries] == [
        "network.list",
        "network.read",
        "network.export_csv",
        "network.export_graphml",
    ]
    assert all(entry.actor.startswith("key:") for entry in entries)
    assert all(entry.partner_id == entries[0].partner_id for entry in entries)
    assert {entry.subject_id for entry in entries[1:]} == {str(network_id)}
    # The log names networks, never a member's value.
    values = client.get(f"/v1/networks/{network_id}", headers=police).json()["identifiers"]
    for entry in entries:
        assert not any(member["value"] in str(entry.details) for member in values)
