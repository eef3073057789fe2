"""The audit log: every write is recorded, the chain proves it, tampering is found and named."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from fraudlink.audit import service
from fraudlink.audit.service import Actor
from fraudlink.database import Database
from fraudlink.partners.models import PartnerType
from tests.factories import add_key, add_partner, bearer


def _seed(database: Database, count: int = 5) -> None:
    with database.transaction() as session:
        for number in range(count):
            service.record(
                session,
                actor=Actor(name="cli:test"),
                action="test.event",
                subject_type="thing",
                subject_id=number,
                details={"number": number, "nested": {"ok": True, "list": [1, "two", None]}},
            )


def _verify(database: Database) -> service.ChainReport:
    with database.read_only() as session:
        return service.verify(session)


def _tamper(database: Database, statement: str) -> None:
    """Change audit_log as an attacker with database rights would: around the guard triggers."""
    with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text(statement))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))
            connection.execute(text(statement))


def test_an_untouched_log_verifies(database: Database) -> None:
    _seed(database, 7)
    report = _verify(database)
    assert report.problem is None
    assert report.entries_checked == 7


def test_an_empty_log_verifies(database: Database) -> None:
    assert _verify(database).entries_checked == 0
    assert _verify(database).problem is None


@pytest.mark.parametrize(
    ("statement", "problem", "bad_id"),
    [
        ("UPDATE audit_log SET action = 'harmless' WHERE id = 3", "entry_changed", 3),
        ("UPDATE audit_log SET details = '{}' WHERE id = 2", "entry_changed", 2),
        (
            "UPDATE audit_log SET partner_id = NULL, actor = 'nobody' WHERE id = 4",
            "entry_changed",
            4,
        ),
        ("DELETE FROM audit_log WHERE id = 3", "entry_missing", 3),
        ("DELETE FROM audit_log WHERE id >= 4", "tail_missing", 4),
        ("UPDATE audit_log SET previous_hash = entry_hash WHERE id = 5", "entry_changed", 5),
        ("DELETE FROM audit_chain_head", "chain_head_missing", None),
    ],
)
def test_tampering_is_found_and_names_the_first_bad_entry(
    database: Database, statement: str, problem: str, bad_id: int | None
) -> None:
    _seed(database, 5)
    _tamper(database, statement)
    report = _verify(database)
    assert report.problem == problem
    assert report.first_bad_entry_id == bad_id


def test_a_recomputed_plain_hash_does_not_fool_the_keyed_chain(database: Database) -> None:
    """Rewriting a row and its hash without the installation's secret still breaks the chain."""
    _seed(database, 3)
    _tamper(
        database,
        "UPDATE audit_log SET action = 'forged', entry_hash = "
        "'0000000000000000000000000000000000000000000000000000000000000001' WHERE id = 2",
    )
    assert _verify(database).first_bad_entry_id == 2


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log WHERE id = 1"]
)
def test_the_database_itself_refuses_changes_to_the_log(database: Database, statement: str) -> None:
    _seed(database, 2)
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as connection:
        connection.execute(text(statement))
    assert _verify(database).problem is None


def test_an_entry_vanishes_with_a_rolled_back_transaction(database: Database) -> None:
    _seed(database, 1)
    with pytest.raises(RuntimeError), database.transaction() as session:
        service.record(session, actor=Actor(name="cli:test"), action="test.lost")
        raise RuntimeError
    with database.read_only() as session:
        actions = [entry.action for entry in service.list_entries(session, partner_id=None)]
    assert actions == ["test.event"]
    assert _verify(database).problem is None


def test_concurrent_writers_keep_one_unbroken_chain(database: Database) -> None:
    def write(worker: int) -> None:
        for number in range(10):
            with database.transaction() as session:
                service.record(
                    session,
                    actor=Actor(name=f"cli:worker{worker}"),
                    action="test.concurrent",
                    details={"n": number},
                )

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = _verify(database)
    assert report.problem is None
    assert report.entries_checked == 40


def test_writes_through_the_api_are_audited(client: TestClient, database: Database) -> None:
    add_partner(database, "Testbank")
    token = add_key(database, "Testbank")
    created = client.post("/v1/keys", json={"label": "robot"}, headers=bearer(token))
    assert created.status_code == 201
    client.delete(f"/v1/keys/{created.json()['prefix']}", headers=bearer(token))
    entries = client.get("/v1/audit", headers=bearer(token)).json()["entries"]
    assert [entry["action"] for entry in entries] == ["key.create", "key.revoke"]
    assert all(entry["actor"] == f"key:{token.split('_')[1]}" for entry in entries)


def test_a_partner_sees_only_its_own_entries(client: TestClient, database: Database) -> None:
    add_partner(database, "Bank A")
    add_partner(database, "Bank B")
    token_a = add_key(database, "Bank A")
    token_b = add_key(database, "Bank B")
    client.post("/v1/keys", json={"label": "a"}, headers=bearer(token_a))
    client.post("/v1/keys", json={"label": "b"}, headers=bearer(token_b))
    entries = client.get("/v1/audit", headers=bearer(token_a)).json()["entries"]
    assert [entry["details"]["label"] for entry in entries] == ["a"]
    foreign = client.get("/v1/audit", params={"partner": "Bank B"}, headers=bearer(token_a))
    assert foreign.status_code == 403
    assert "'audit:read_all'" in foreign.json()["detail"]


def test_the_programme_sees_everyone_and_its_reading_is_audited(
    client: TestClient, database: Database
) -> None:
    add_partner(database, "Bank A")
    add_partner(database, "Programma", PartnerType.PROGRAMME)
    bank = add_key(database, "Bank A")
    programme = add_key(database, "Programma")
    client.post("/v1/keys", json={"label": "a"}, headers=bearer(bank))
    everything = client.get("/v1/audit", headers=bearer(programme)).json()["entries"]
    assert {"partner.create", "key.create"} <= {entry["action"] for entry in everything}
    only_bank = client.get(
        "/v1/audit", params={"partner": "Bank A", "action": "key.create"}, headers=bearer(programme)
    ).json()["entries"]
    assert [entry["details"]["label"] for entry in only_bank] == ["a"]
    own = client.get(
        "/v1/audit", params={"action": "audit.read"}, headers=bearer(programme)
    ).json()["entries"]
    assert len(own) == 2


def test_paging_walks_the_whole_log(client: TestClient, database: Database) -> None:
    add_partner(database, "Programma", PartnerType.PROGRAMME)
    token = add_key(database, "Programma")
    _seed(database, 12)
    seen: list[int] = []
    after_id = 0
    while True:
        page = client.get(
            "/v1/audit",
            params={"after_id": after_id, "limit": 5, "action": "test.event"},
            headers=bearer(token),
        ).json()
        seen += [entry["id"] for entry in page["entries"]]
        if page["next_after_id"] is None:
            break
        after_id = page["next_after_id"]
    assert len(seen) == 12
    assert seen == sorted(seen)
