"""The action plan through the API: reading for every partner, writing for the programme."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fraudlink.actions.models import Action
from fraudlink.audit import service as audit_service
from fraudlink.audit.models import AuditEntry
from fraudlink.database import Database
from tests.actions.conftest import action, add
from tests.factories import bearer


def audit_actions(database: Database) -> list[tuple[str, str | None]]:
    with database.read_only() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.subject_id).order_by(AuditEntry.id)
        )
        return [(name, subject) for name, subject in rows if name.startswith("actions.")]


def count_actions(database: Database) -> int:
    with database.read_only() as session:
        return session.scalar(select(func.count()).select_from(Action)) or 0


def test_the_programme_adds_an_action_and_every_partner_reads_it(
    client: TestClient, programme_key: str, bank_key: str, database: Database
) -> None:
    created = add(client, programme_key, partners=["Politie", " NVB ", "Politie"])
    assert created["partners"] == ["Politie", "NVB"]  # trimmed, each once
    assert (created["status"], created["carried_from_id"], created["carried_to_id"]) == (
        "running",
        None,
        None,
    )
    read = client.get(f"/v1/actions/{created['id']}", headers=bearer(bank_key))
    assert read.status_code == 200
    assert read.json() == created
    listed = client.get("/v1/actions", headers=bearer(bank_key)).json()["actions"]
    assert [item["id"] for item in listed] == [created["id"]]
    assert audit_actions(database) == [("actions.create", str(created["id"]))]


def test_a_change_is_saved_and_audited_only_when_something_changed(
    client: TestClient, programme_key: str, database: Database
) -> None:
    created = add(client, programme_key)
    headers = bearer(programme_key)
    changed = client.patch(
        f"/v1/actions/{created['id']}",
        json={"status": "realised", "notes": "Campagne gedraaid in maart.", "owner": "NVB"},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["status"], body["notes"], body["owner"]) == (
        "realised",
        "Campagne gedraaid in maart.",
        "NVB",
    )
    assert body["title"] == created["title"]  # left out: unchanged
    again = client.patch(
        f"/v1/actions/{created['id']}", json={"status": "realised"}, headers=headers
    )
    assert again.status_code == 200
    assert [name for name, _ in audit_actions(database)] == ["actions.create", "actions.update"]


def test_carry_over_marks_the_action_and_starts_its_continuation(
    client: TestClient, programme_key: str, bank_key: str, database: Database
) -> None:
    created = add(client, programme_key, year=2024, theme="data_sharing", title="Gegevensdeling")
    carried = client.post(f"/v1/actions/{created['id']}/carry-over", headers=bearer(programme_key))
    assert carried.status_code == 201, carried.text
    continuation = carried.json()
    assert continuation["year"] == 2025
    assert continuation["carried_from_id"] == created["id"]
    assert continuation["status"] == "running"  # it keeps going
    assert (continuation["title"], continuation["owner"], continuation["partners"]) == (
        created["title"],
        created["owner"],
        created["partners"],
    )
    original = client.get(f"/v1/actions/{created['id']}", headers=bearer(bank_key)).json()
    assert original["status"] == "carried_over"
    assert original["carried_to_id"] == continuation["id"]
    assert audit_actions(database) == [
        ("actions.create", str(created["id"])),
        ("actions.carry_over", str(created["id"])),
        ("actions.create", str(continuation["id"])),
    ]


@pytest.mark.parametrize(
    ("status", "message"),
    [("realised", "nothing to carry over"), ("carried_over", "carried over already")],
)
def test_a_realised_or_carried_action_is_not_carried_over_again(
    client: TestClient, programme_key: str, database: Database, status: str, message: str
) -> None:
    created = add(client, programme_key, status="realised" if status == "realised" else "running")
    path = f"/v1/actions/{created['id']}/carry-over"
    headers = {**bearer(programme_key), "Accept-Language": "en"}
    if status == "carried_over":
        assert client.post(path, headers=headers).status_code == 201
    before = (count_actions(database), audit_actions(database))
    refused = client.post(path, headers=headers)
    assert refused.status_code == 409
    assert message in refused.json()["detail"]
    assert refused.json()["errors"][0]["field"] == "status"
    assert (count_actions(database), audit_actions(database)) == before


def test_a_carried_over_action_keeps_its_status(client: TestClient, programme_key: str) -> None:
    created = add(client, programme_key)
    headers = bearer(programme_key)
    client.post(f"/v1/actions/{created['id']}/carry-over", headers=headers)
    refused = client.patch(
        f"/v1/actions/{created['id']}", json={"status": "realised"}, headers=headers
    )
    assert refused.status_code == 409
    notes = client.patch(
        f"/v1/actions/{created['id']}", json={"notes": "Loopt door in 2026."}, headers=headers
    )
    assert notes.status_code == 200
    assert notes.json()["status"] == "carried_over"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"owner": ""}, "owner"),
        ({"year": 2021}, "year"),
        ({"year": 2101}, "year"),
        ({"theme": "research"}, "theme"),
        ({"status": "carried_over"}, "status"),
        ({"status": "done"}, "status"),
        ({"partners": ["Politie", "  "]}, "partners.1"),
        ({"partners": [f"Partner {n}" for n in range(31)]}, "partners"),
        ({"notes": "a\x00b"}, "notes"),
        ({"notes": "x" * 4001}, "notes"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_input_is_refused_naming_the_field(
    client: TestClient,
    programme_key: str,
    database: Database,
    changes: dict[str, Any],
    field: str,
) -> None:
    refused = client.post("/v1/actions", json=action(**changes), headers=bearer(programme_key))
    assert refused.status_code == 422, refused.text
    assert field in [error["field"] for error in refused.json()["errors"]]
    assert count_actions(database) == 0
    assert audit_actions(database) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"status": "carried_over"}, "status"),
        ({"notes": "\x07"}, "notes"),
    ],
)
def test_an_invalid_change_changes_nothing(
    client: TestClient, programme_key: str, changes: dict[str, Any], field: str
) -> None:
    created = add(client, programme_key)
    path = f"/v1/actions/{created['id']}"
    refused = client.patch(path, json={"owner": "NVB", **changes}, headers=bearer(programme_key))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == field
    assert client.get(path, headers=bearer(programme_key)).json() == created


def test_filters_by_year_theme_and_status(
    client: TestClient, programme_key: str, bank_key: str
) -> None:
    first = add(client, programme_key, year=2024, theme="money_mules", status="realised")
    second = add(client, programme_key, year=2025, theme="money_mules", status="planned")
    third = add(client, programme_key, year=2025, theme="prevention", status="running")

    def ids(query: str) -> list[int]:
        response = client.get(f"/v1/actions{query}", headers=bearer(bank_key))
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["actions"]]

    # By year, then in the plan's order of themes (prevention before money mules).
    assert ids("") == [first["id"], third["id"], second["id"]]
    assert ids("?year=2025") == [third["id"], second["id"]]
    assert ids("?theme=money_mules") == [first["id"], second["id"]]
    assert ids("?status=realised") == [first["id"]]
    assert ids("?year=2025&theme=money_mules&status=planned") == [second["id"]]
    assert ids("?year=2030") == []
    for query in ("?year=1999", "?theme=research", "?status=done"):
        refused = client.get(f"/v1/actions{query}", headers=bearer(bank_key))
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == query[1:].split("=")[0]


def test_only_the_programme_writes_and_only_partners_read(
    client: TestClient, programme_key: str, bank_key: str, database: Database
) -> None:
    created = add(client, programme_key)
    path = f"/v1/actions/{created['id']}"
    bank = bearer(bank_key)
    assert client.post("/v1/actions", json=action(), headers=bank).status_code == 403
    assert client.patch(path, json={"status": "realised"}, headers=bank).status_code == 403
    assert client.post(f"{path}/carry-over", headers=bank).status_code == 403
    for method, url in [
        ("GET", "/v1/actions"),
        ("GET", path),
        ("POST", "/v1/actions"),
        ("PATCH", path),
        ("POST", f"{path}/carry-over"),
    ]:
        response = client.request(method, url, json=action() if method != "GET" else None)
        assert response.status_code == 401, (method, url)
    assert count_actions(database) == 1


def test_an_unknown_action_is_404(client: TestClient, programme_key: str) -> None:
    headers = bearer(programme_key)
    assert client.get("/v1/actions/999", headers=headers).status_code == 404
    assert client.patch("/v1/actions/999", json={}, headers=headers).status_code == 404
    assert client.post("/v1/actions/999/carry-over", headers=headers).status_code == 404


def test_a_carry_over_that_fails_halfway_leaves_nothing_behind(
    app: FastAPI, programme_key: str, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(app) as client:
        created = add(client, programme_key)
    before = (count_actions(database), audit_actions(database))

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(audit_service, "record_many", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        failed = client.post(
            f"/v1/actions/{created['id']}/carry-over", headers=bearer(programme_key)
        )
        assert failed.status_code == 500
        status = client.get(f"/v1/actions/{created['id']}", headers=bearer(programme_key))
    assert status.json()["status"] == "running"  # not marked carried over
    assert (count_actions(database), audit_actions(database)) == before
