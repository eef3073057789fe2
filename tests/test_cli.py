"""The operator's command line, run in-process against the test database (same env as the CLI)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from fraudlink.cli import app as cli_app
from fraudlink.database import Database
from fraudlink.settings import Settings
from tests.factories import add_partner, bearer

runner = CliRunner()


def fraudlink(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli_app, list(args), env={"LANG": "en_GB.UTF-8"})
    return result.exit_code, result.stdout, result.stderr


def test_partners_add_and_list(settings: Settings) -> None:
    code, out, _ = fraudlink("partners", "add", "ABN AMRO", "--type", "bank", "--bank-code", "ABNA")
    assert code == 0, out
    assert "ABN AMRO" in out
    fraudlink("partners", "add", "KPN", "--type", "telecom", "--number-range", "+31 612")
    code, out, _ = fraudlink("partners", "list", "--json")
    assert code == 0
    partners = {partner["name"]: partner for partner in json.loads(out)}
    assert partners["ABN AMRO"]["type"] == "bank"
    assert partners["ABN AMRO"]["bank_codes"] == [
        {"country_code": "NL", "bank_code": "ABNA", "bic": "ABNANL2A"}
    ]
    assert partners["KPN"]["number_ranges"] == ["+31612"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["partners", "add", "X", "--type", "bank", "--bank-code", "AB-NA"], "is not a bank code"),
        (["partners", "add", "X", "--type", "police", "--bank-code", "ABNA"], "Only a bank"),
        (["partners", "add", "X", "--type", "telecom", "--number-range", "0612"], "number range"),
        (["partners", "add", "Testbank", "--type", "bank"], "already exists"),
        (["partners", "add", "  ", "--type", "bank"], "Give the name"),
        (["keys", "create", "--partner", "Nobody"], "There is no partner named 'Nobody'"),
        (["keys", "create", "--partner", "Testbank", "--scope", "everything"], "not a known"),
        (["keys", "revoke", "nosuchprefix"], "There is no key"),
    ],
)
def test_mistakes_get_one_clear_line_and_write_nothing(
    settings: Settings, database: Database, args: list[str], message: str
) -> None:
    add_partner(database, "Testbank")
    with database.read_only() as session:
        before = session.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
    code, out, err = fraudlink(*args)
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err
    with database.read_only() as session:
        assert session.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == before


def test_unknown_partner_type_is_a_usage_error(settings: Settings) -> None:
    code, _, err = fraudlink("partners", "add", "X", "--type", "bakery")
    assert code == 2
    assert "bakery" in err


def test_a_created_key_is_alone_on_the_last_line_and_works(
    settings: Settings, database: Database, client: TestClient
) -> None:
    add_partner(database, "Testbank")
    code, out, _ = fraudlink("keys", "create", "--partner", "Testbank", "--label", "ops")
    assert code == 0
    token = out.strip().splitlines()[-1]
    assert token.startswith("fl_")
    assert client.get("/v1/me", headers=bearer(token)).json()["partner"] == "Testbank"

    code, out, _ = fraudlink("keys", "list", "--json")
    [listed] = json.loads(out)
    assert listed["label"] == "ops"
    assert token not in out

    code, out, _ = fraudlink("keys", "revoke", listed["prefix"])
    assert code == 0
    assert client.get("/v1/me", headers=bearer(token)).status_code == 401


def test_audit_verify_passes_then_names_the_tampered_entry(
    settings: Settings, database: Database
) -> None:
    add_partner(database, "Testbank")
    fraudlink("keys", "create", "--partner", "Testbank")
    code, out, _ = fraudlink("audit", "verify")
    assert (code, out.strip()) == (0, "The audit log is intact: 2 entries checked.")
    with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = 2"))
    code, _, err = fraudlink("audit", "verify")
    assert code == 1
    assert err.strip() == "Audit log entry 2 was changed: its content no longer matches the chain."


def test_demo_is_idempotent_and_its_keys_work(
    settings: Settings, database: Database, client: TestClient
) -> None:
    code, first, _ = fraudlink("demo")
    assert code == 0
    with database.read_only() as session:
        entries = session.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
    code, second, _ = fraudlink("demo")
    assert code == 0

    def line(out: str, prefix: str) -> str:
        """The printed line that starts with ``prefix`` (each loader prints one)."""
        return next(line for line in out.splitlines() if line.startswith(prefix))

    reports = first.splitlines().index(line(first, "Demo reports: "))
    assert first.splitlines()[:reports] == second.splitlines()[:reports]  # same partners, keys
    assert line(first, "Demo reports: ") == (
        "Demo reports: 3000 newly imported, 0 were already there. "
        "See them in a partner's inbox: http://127.0.0.1:8000/inbox"
    )
    assert "3000 were already there" in line(second, "Demo reports: ")
    requests = "Demo refund requests (PNBF): "
    sent = line(first, requests).removeprefix(requests).split()[0]
    assert int(sent) > 0
    assert f"0 newly sent, {sent} were already there" in line(second, requests)
    plan = "Demo action plan 2024 and 2025: "
    added = line(first, plan).removeprefix(plan).split()[0]
    assert int(added) > 0
    assert f"0 actions newly added, {added} were already there" in line(second, plan)
    networks = "Money-mule networks in the demo reports: "
    found = line(first, networks).removeprefix(networks).split(".")[0]
    assert int(found) > 0  # the planted networks, at least
    assert line(second, networks) == line(first, networks)
    with database.read_only() as session:
        assert session.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == entries

    code, out, _ = fraudlink("partners", "list", "--json")
    partners = json.loads(out)
    types = {partner["type"] for partner in partners}
    assert types == {
        "bank", "psp", "telecom", "marketplace", "police", "prosecution", "helpdesk",
        "victim_support", "research", "programme",
    }  # fmt: skip
    codes = {code["bank_code"] for partner in partners for code in partner["bank_codes"]}
    assert {"ABNA", "INGB", "RABO", "SNSB", "ASNB", "RBRB", "BUNQ", "TRIO", "KNAB"} <= codes
    rabobank_line = next(line for line in first.splitlines() if line.strip().startswith("Rabobank"))
    token = rabobank_line.split()[-1]
    assert client.get("/v1/me", headers=bearer(token)).json()["partner"] == "Rabobank"


def test_identifiers_parse_prints_json_or_one_human_line(settings: Settings) -> None:
    code, out, _ = fraudlink("identifiers", "parse", "06-12345678")
    assert code == 0
    parsed = json.loads(out)
    assert (parsed["kind"], parsed["normalized"]) == ("phone", "+31612345678")
    code, _, err = fraudlink("identifiers", "parse", "NL91 ABNA 0417 1643 01")
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "check digits" in err


def test_serve_refuses_an_unmigrated_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FRAUDLINK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FRAUDLINK_DATABASE_URL", raising=False)
    code, _, err = fraudlink("serve", "--port", "1")
    assert code == 1
    assert "fraudlink db upgrade" in err


def test_db_upgrade_builds_a_new_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FRAUDLINK_DATA_DIR", f"{tmp_path}/fresh")
    monkeypatch.delenv("FRAUDLINK_DATABASE_URL", raising=False)
    code, out, _ = fraudlink("db", "upgrade")
    assert (code, out.strip()) == (0, "The database is up to date.")
    code, out, _ = fraudlink("partners", "list", "--json")
    assert (code, json.loads(out)) == (0, [])


def test_the_server_log_keeps_no_looked_up_values(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    """A real ``fraudlink serve``: its access log names the path, never the query string."""
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [Path(sys.executable).parent / "fraudlink", "serve", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            answer = _get_when_up(f"http://127.0.0.1:{port}/v1/check?value=NL91ABNA0417164300")
            assert answer.status_code == 200
        finally:
            server.terminate()
            server.wait(timeout=10)
    written = log.read_text()
    assert '"GET /v1/check?… HTTP/1.1" 200' in written
    assert "NL91ABNA0417164300" not in written


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get_when_up(url: str) -> httpx2.Response:
    for _ in range(200):
        try:
            return httpx2.get(url, timeout=2)
        except httpx2.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"the server never answered {url}")
