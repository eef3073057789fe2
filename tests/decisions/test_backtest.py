"""`fraudlink decisions backtest`: labelled payments replayed through the rules, nothing written."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fraudlink.cli import app as cli_app
from fraudlink.database import Database
from fraudlink.settings import Settings
from tests.decisions.payments import CUSTOMER, LANDLORD, MULE, report_mule
from tests.decisions.test_decisions_api import count_decisions
from tests.decisions.test_rule_versions import rule_file
from tests.reports.partnership import Partnership, iban

runner = CliRunner()
STRANGER = iban("RABO", 4_000_009)
COLUMNS = ["id", "at", "amount_cents", "debtor_iban", "creditor_iban", "creditor_name",
           "debtor_age_band", "new_creditor", "on_call", "caller_reasons", "spoofed_call",
           "label"]  # fmt: skip


def fraudlink(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli_app, list(args), env={"LANG": "en_GB.UTF-8"})
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def row(number: int, **changes: Any) -> dict[str, Any]:
    return {
        "id": f"P-{number}",
        "at": f"2026-11-{number:02d}T10:00:00+00:00",
        "amount_cents": 50_000,
        "debtor_iban": CUSTOMER,
        "creditor_iban": LANDLORD,
        "creditor_name": "Woonstichting",
        "debtor_age_band": "30-49",
        "new_creditor": "false",
        "on_call": "false",
        "caller_reasons": "",
        "spoofed_call": "false",
        "label": "genuine",
    } | changes


def test_the_figures_of_a_small_labelled_file(
    client: TestClient, partnership: Partnership, database: Database, tmp_path: Path
) -> None:
    report_mule(client, partnership)
    rows = [
        row(1),
        row(2, creditor_iban=MULE, amount_cents=300_000, label="fraud", new_creditor="true"),
        row(3, label="fraud", on_call="true", caller_reasons="protected_number_outside_network",
            new_creditor="true", amount_cents=200_000, creditor_iban=STRANGER),
        row(4, creditor_iban=LANDLORD, label="fraud", amount_cents=100),
        row(5, creditor_iban=STRANGER, creditor_name="Iemand Anders",
            amount_cents=300_000, new_creditor="true", on_call="true",
            caller_reasons="do_not_originate"),
    ]  # fmt: skip
    code, out, err = fraudlink(
        "decisions", "backtest", str(write(tmp_path / "p.csv", rows)), "--json"
    )
    assert code == 0, err
    figures = json.loads(out)
    assert figures["decisions"] == 5
    assert (figures["true_alerts"], figures["missed_fraud"], figures["false_alerts"]) == (2, 1, 1)
    assert (figures["precision"], figures["recall"]) == (round(2 / 3, 4), round(2 / 3, 4))
    assert figures["fraud_euros"] == 5001.0
    assert figures["prevented_euros"] == 5000.0
    assert figures["rules"]["creditor_reported"]["fraud"] == 1
    assert figures["rules_version"] == "2026.11-1"
    assert count_decisions(database) == 0  # a backtest writes nothing


def test_another_rule_file_and_bad_rows(settings: Settings, tmp_path: Path) -> None:
    rows = [row(1), row(2, label="maybe"), row(3, creditor_iban="NL00"), row(4, at="")]
    path = write(tmp_path / "p.csv", rows)
    rules = rule_file(tmp_path, "strict-1", weight=100)
    code, out, err = fraudlink("decisions", "backtest", str(path), "--rules", str(rules))
    assert code == 0, err
    assert "1 payments with rules strict-1" in out
    assert "3 rows skipped" in out
    for expected in ("Line 3: label", "Line 4: creditor_iban", "Line 5: at"):
        assert expected in err


def test_a_file_without_the_needed_columns_is_refused(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("amount_cents,debtor_iban\n100,NL91ABNA0417164300\n")
    code, _, err = fraudlink("decisions", "backtest", str(path))
    assert (code, "label" in err, "Traceback" in err) == (1, True, False)
    code, _, err = fraudlink("decisions", "backtest", str(tmp_path / "missing.csv"))
    assert (code, "does not exist" in err) == (1, True)


def test_the_demo_stream_backtests_with_sensible_precision_and_recall(settings: Settings) -> None:
    code, out, err = fraudlink("demo")
    assert code == 0, err
    stream = settings.data_dir / "demo-payments.csv"
    code, out, err = fraudlink("decisions", "backtest", str(stream), "--json")
    assert code == 0, err
    figures = json.loads(out)
    assert figures["decisions"] == 20_000
    assert figures["bad_rows"] == 0
    assert figures["precision"] >= 0.5
    assert figures["recall"] >= 0.6
    assert figures["alert_rate"] <= 0.05
    assert 0 < figures["prevented_euros"] <= figures["fraud_euros"]
