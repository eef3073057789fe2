"""``fraudlink recovery stats`` and ``fraudlink recovery upkeep``, run in-process against the test
database (the CLI reads the same environment as the ``settings`` fixture sets)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fraudlink.cli import app as cli_app
from fraudlink.console import console
from fraudlink.database import Database
from fraudlink.settings import Settings
from tests.recovery.helpers import (
    MONDAY,
    audit_actions,
    file_report,
    request_body,
    seed_register,
    send_at,
)
from tests.recovery.test_register import PAIRS, TOTAL
from tests.reports.partnership import ABN_AMRO, ING, Partnership

runner = CliRunner()


def fraudlink(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli_app, list(args), env={"LANG": "en_GB.UTF-8"})
    return result.exit_code, result.stdout


def test_stats_json_prints_the_whole_register(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    seed_register(client, partnership, database, settings)
    code, out = fraudlink("recovery", "stats", "--json")
    assert code == 0, out
    figures = json.loads(out)
    assert figures["total"] == TOTAL
    assert [(item["requester"], item["receiver"]) for item in figures["by_pair"]] == PAIRS
    assert figures["by_pair"][0]["median_days_to_first_answer"] == 3.0
    assert [item["month"] for item in figures["by_month"]] == ["2026-09", "2026-10"]
    assert [item["fraud_type"] for item in figures["by_fraud_type"]] == [
        "bank_helpdesk",
        "purchase",
        "romance",
    ]


def test_stats_prints_a_table_by_bank_pair(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed_register(client, partnership, database, settings)
    monkeypatch.setattr(console, "_width", 160)  # a wide terminal: one line per pair
    code, out = fraudlink("recovery", "stats")
    assert code == 0, out
    assert f"{ING} → {ABN_AMRO}" in out
    assert "2,100.00" in out  # euros recovered in total
    assert "35%" in out


def test_stats_of_an_empty_register(settings: Settings) -> None:
    code, out = fraudlink("recovery", "stats", "--json")
    assert code == 0, out
    assert json.loads(out)["total"]["requests"] == 0


def test_upkeep_prints_what_it_did_and_does_it_once(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    reference = file_report(client, partnership)
    request_id = send_at(database, settings, request_body(reference), by=ING, now=MONDAY)
    code, out = fraudlink("recovery", "upkeep")
    assert code == 0, out
    assert "0 reminders sent, 1 requests escalated" in out
    assert "erased 0 times" in out
    code, out = fraudlink("recovery", "upkeep")
    assert "0 reminders sent, 0 requests escalated" in out
    assert audit_actions(database, "recovery.escalate", request_id) == 1
