"""``fraudlink actions``, run in-process against the test database (the CLI reads the same
environment as the ``settings`` fixture sets)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from fraudlink.audit.models import AuditEntry
from fraudlink.cli import app as cli_app
from fraudlink.console import console
from fraudlink.database import Database
from fraudlink.settings import Settings

runner = CliRunner()
CONTRACT = {"id", "year", "theme", "title", "owner", "partners", "status", "notes"}


def fraudlink(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli_app, list(args), env={"LANG": "en_GB.UTF-8"})
    return result.exit_code, result.stdout, result.stderr


def add(title: str, *extra: str) -> None:
    code, out, err = fraudlink(
        "actions", "add", title, "--year", "2024", "--theme", "data_sharing",
        "--owner", "Ministerie van Justitie en Veiligheid",
        "--partner", "Politie", "--partner", "NVB", *extra,
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("Action ") and "is in the action plan 2024" in out


def listed(*filters: str) -> list[dict[str, object]]:
    code, out, err = fraudlink("actions", "list", "--json", *filters)
    assert code == 0, err
    actions: list[dict[str, object]] = json.loads(out)
    return actions


def test_list_json_is_the_contract(settings: Settings) -> None:
    assert listed() == []
    add("Gegevensdeling", "--status", "running", "--notes", "Complexe materie.")
    [action] = listed()
    assert set(action) >= CONTRACT
    assert (action["year"], action["theme"], action["title"], action["status"]) == (
        2024,
        "data_sharing",
        "Gegevensdeling",
        "running",
    )
    assert action["partners"] == ["Politie", "NVB"]
    assert action["notes"] == "Complexe materie."


def test_set_status_carry_over_and_filters(settings: Settings, database: Database) -> None:
    add("Gegevensdeling", "--status", "running")
    add("Webinar geldezels")
    [first, second] = (action["id"] for action in listed())
    code, out, _ = fraudlink(
        "actions", "set-status", str(second), "realised", "--notes", "Gehouden."
    )
    assert (code, out.strip()) == (0, f"Action {second}: Realised.")
    code, out, _ = fraudlink("actions", "carry-over", str(first))
    assert code == 0
    assert f"Action {first} was carried over; its continuation is action" in out
    assert [a["status"] for a in listed("--year", "2024")] == ["carried_over", "realised"]
    [continuation] = listed("--year", "2025")
    assert continuation["carried_from_id"] == first
    assert [a["id"] for a in listed("--status", "realised")] == [second]
    assert len(listed("--theme", "data_sharing")) == 3
    with database.read_only() as session:
        actors = set(
            session.scalars(select(AuditEntry.actor).where(AuditEntry.action.like("actions.%")))
        )
    assert len(actors) == 1 and next(iter(actors)).startswith("cli:")


ADD = ["actions", "add"]
NEW = ["--theme", "prevention", "--owner", "X"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([*ADD, "  ", "--year", "2025", *NEW], "title"),
        ([*ADD, "T", "--year", "1990", *NEW], "between 2022 and 2100"),
        ([*ADD, "T", "--year", "2025", *NEW, "--status", "carried_over"], "carry over"),
        (["actions", "set-status", "999", "realised"], "Action 999 does not exist"),
        (["actions", "carry-over", "999"], "Action 999 does not exist"),
    ],
)
def test_mistakes_get_one_clear_line(settings: Settings, args: list[str], message: str) -> None:
    code, _, err = fraudlink(*args)
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert message in err
    assert listed() == []


def test_a_realised_action_is_not_carried_over(settings: Settings) -> None:
    add("Vuistregels", "--status", "realised")
    [action] = listed()
    code, _, err = fraudlink("actions", "carry-over", str(action["id"]))
    assert code == 1
    assert "is realised: there is nothing to carry over" in err
    assert len(listed()) == 1


def test_list_prints_a_table_with_statuses_in_words(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console, "width", 200)
    add("Gegevensdeling", "--status", "running")
    code, out, _ = fraudlink("actions", "list")
    assert code == 0
    assert "Gegevensdeling" in out and "Data sharing" in out and "Running" in out
