"""Versioned rule sets loaded by the operator, shadow rules beside the live ones, and the banks'
later findings that score both: through the command line, the API and a second worker."""

from __future__ import annotations

from pathlib import Path

import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fraudlink.cli import app as cli_app
from fraudlink.database import Database
from fraudlink.decisions.models import Decision
from fraudlink.settings import Settings
from tests.decisions.payments import LANDLORD, decide, decide_many, payment, report_mule
from tests.indicators.exchange import app_for, audit_entries
from tests.reports.partnership import ABN_AMRO, ING, Partnership

runner = CliRunner()
TEXT = {"nl": "Elke betaling boven {amount_cents} cent.", "en": "Any payment over {amount_cents}."}


def fraudlink(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli_app, list(args), env={"LANG": "en_GB.UTF-8"})
    return result.exit_code, result.stdout + result.stderr


def rule_file(tmp_path: Path, version: str, *, floor: str = "block", weight: int = 100) -> Path:
    """A rule set with one rule that fires on every payment of 1,000 euros or more."""
    path = tmp_path / f"{version}.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "version": version,
                "thresholds": {"warn": 30, "delay": 60, "block": 90},
                "rules": [
                    {
                        "code": "large",
                        "when": {"amount_cents": {"gte": 100_000}},
                        "weight": weight,
                        "floor": floor,
                        "text": TEXT,
                    }
                ],
            }
        )
    )
    return path


def normal() -> dict[str, object]:
    return payment(creditor_iban=LANDLORD, debtor_age_band="30-49", debtor_phone=None)


def test_a_new_live_version_decides_from_the_next_payment_on_every_worker(
    client: TestClient, partnership: Partnership, tmp_path: Path
) -> None:
    assert decide(client, partnership, normal())["rules_version"] == "2026.11-1"
    code, out = fraudlink("decisions", "rules", "load", str(rule_file(tmp_path, "strict-1")))
    assert code == 0, out
    assert "strict-1" in out
    decision = decide(client, partnership, normal())
    assert (decision["rules_version"], decision["outcome"]) == ("strict-1", "block")
    with TestClient(app_for()) as second_worker:
        assert decide(second_worker, partnership, normal())["rules_version"] == "strict-1"
    code, out = fraudlink("decisions", "rules", "list")
    assert "strict-1" in out
    assert "live" in out


def test_a_stored_decision_keeps_the_sentences_of_its_own_version(
    client: TestClient, partnership: Partnership, tmp_path: Path
) -> None:
    report_mule(client, partnership)
    before = decide(client, partnership, payment())
    fraudlink("decisions", "rules", "load", str(rule_file(tmp_path, "strict-1")))
    again = client.get(f"/v1/decisions/{before['id']}", headers=partnership.headers(ING)).json()
    assert again["rules_version"] == "2026.11-1"
    assert again["reasons"] == before["reasons"]
    assert again["customer_warning"] == before["customer_warning"]


def test_shadow_rules_are_stored_and_compared_but_never_acted_on(
    client: TestClient, partnership: Partnership, database: Database, tmp_path: Path
) -> None:
    code, out = fraudlink(
        "decisions", "rules", "load", str(rule_file(tmp_path, "draft-1")), "--shadow"
    )
    assert code == 0, out
    decision = decide(client, partnership, normal())
    assert (decision["outcome"], decision["rules_version"]) == ("allow", "2026.11-1")
    assert "shadow" not in str(decision)
    with database.read_only() as session:
        stored = session.get_one(Decision, decision["id"])
        assert (stored.shadow_version, stored.shadow_outcome, stored.shadow_codes) == (
            "draft-1",
            "block",
            ["large"],
        )
    figures = client.get("/v1/decisions/effectiveness", headers=partnership.headers(ING)).json()
    assert figures["agreement"] == {"draft-1": 0.0}
    assert figures["shadow"]["draft-1"]["outcomes"]["block"] == 1
    rules = client.get("/v1/decisions/rules", headers=partnership.headers(ING)).json()
    assert (rules["live"]["version"], rules["shadow"]["version"]) == ("2026.11-1", "draft-1")


def test_promoting_the_shadow_makes_it_live_and_stopping_it_ends_the_comparison(
    client: TestClient, partnership: Partnership, tmp_path: Path
) -> None:
    fraudlink("decisions", "rules", "load", str(rule_file(tmp_path, "draft-1")), "--shadow")
    code, out = fraudlink("decisions", "rules", "promote")
    assert code == 0, out
    assert decide(client, partnership, normal())["rules_version"] == "draft-1"
    code, out = fraudlink("decisions", "rules", "stop-shadow")
    assert code == 1
    assert "No shadow rules" in out
    fraudlink("decisions", "rules", "load", str(rule_file(tmp_path, "draft-2")), "--shadow")
    assert fraudlink("decisions", "rules", "stop-shadow")[0] == 0
    rules = client.get("/v1/decisions/rules", headers=partnership.headers(ING)).json()
    assert (rules["live"]["version"], rules["shadow"]) == ("draft-1", None)


def test_a_version_is_loaded_once_and_a_bad_document_is_refused(
    settings: Settings, tmp_path: Path
) -> None:
    path = rule_file(tmp_path, "strict-1")
    assert fraudlink("decisions", "rules", "load", str(path))[0] == 0
    code, out = fraudlink("decisions", "rules", "load", str(path))
    assert (code, "exists already" in out) == (1, True)
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: x\nthresholds: {warn: 1, delay: 2, block: 3}\nrules: []\n")
    code, out = fraudlink("decisions", "rules", "load", str(bad))
    assert code == 1
    assert "rules" in out
    assert "Traceback" not in out
    code, out = fraudlink("decisions", "rules", "load", str(tmp_path / "missing.yaml"))
    assert (code, "does not exist" in out) == (1, True)


def test_outcomes_reported_later_score_each_rule(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    report_mule(client, partnership)
    fraud, alarm, missed = decide_many(
        client,
        partnership,
        [
            payment(),
            payment(debtor_iban=LANDLORD),
            payment(creditor_iban=LANDLORD, amount_cents=900),
        ],
    )
    assert fraud["outcome"] != "allow"
    assert missed["outcome"] == "allow"
    for decision, truth in (
        (fraud, "confirmed_fraud"),
        (alarm, "false_alarm"),
        (missed, "confirmed_fraud"),
    ):
        response = client.post(
            f"/v1/decisions/{decision['id']}/outcome",
            json={"outcome": truth},
            headers=partnership.headers(ING),
        )
        assert response.status_code == 200, response.text
        assert response.json()["truth"] == truth
    figures = client.get("/v1/decisions/effectiveness", headers=partnership.headers(ING)).json()
    live = figures["live"]["2026.11-1"]
    assert (live["true_alerts"], live["false_alerts"], live["missed_fraud"]) == (1, 1, 1)
    assert (live["precision"], live["recall"]) == (0.5, 0.5)
    assert live["prevented_euros"] == (2500.0 if fraud["outcome"] in {"delay", "block"} else 0.0)
    assert live["rules"]["creditor_reported"] == {
        "fired": 2,
        "fraud": 1,
        "genuine": 1,
        "precision": 0.5,
    }
    assert [entry.subject_id for entry in audit_entries(database, "decision.outcome")] == [
        fraud["id"],
        alarm["id"],
        missed["id"],
    ]
    other = client.get("/v1/decisions/effectiveness", headers=partnership.headers(ABN_AMRO))
    assert other.json()["live"] == {}


def test_a_wrong_outcome_names_the_field_and_changes_nothing(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    decision = decide(client, partnership, normal())
    response = client.post(
        f"/v1/decisions/{decision['id']}/outcome",
        json={"outcome": "maybe"},
        headers=partnership.headers(ING),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "outcome"
    with database.read_only() as session:
        assert session.get_one(Decision, decision["id"]).truth is None
