"""``fraudlink telecom``: an operator protects a partner's number, lists every protected number
and purges; mistakes are one clear line."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fraudlink.cli import app as cli_app
from fraudlink.database import Database
from fraudlink.demo import service as demo_service
from fraudlink.telecom import service as telecom_service
from fraudlink.telecom.models import ProtectedNumber
from tests.factories import OPERATOR
from tests.indicators.exchange import audit_entries
from tests.reports.partnership import POLICE, Partnership
from tests.telecom.screening import POLICE_LINE, check_call, rows

runner = CliRunner()


def fraudlink(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli_app, ["telecom", *args], env={"LANG": "en_GB.UTF-8"})
    return result.exit_code, result.stdout, result.stderr


def test_protect_and_list(client: TestClient, partnership: Partnership, database: Database) -> None:
    code, out, _ = fraudlink("protect", "0900-8844", "--partner", POLICE, "--inbound-only")
    assert (code, out.strip()) == (0, "Protected: +31 900 8844 of Politie.")
    code, out, _ = fraudlink("protect", "+319008844", "--partner", POLICE, "--label", "Politie")
    assert (code, out.strip()) == (0, "Updated: the protection of +31 900 8844 of Politie.")
    check_call(client, partnership, POLICE_LINE, "domestic_network")  # allowed now
    check_call(client, partnership, POLICE_LINE, "international")

    code, out, _ = fraudlink("numbers", "--json")

    assert code == 0
    (listed,) = json.loads(out)
    assert {key: listed[key] for key in ("partner", "number", "inbound_only", "label")} == {
        "partner": POLICE,
        "number": POLICE_LINE,
        "inbound_only": False,
        "label": "Politie",
    }
    assert listed["spoofed_last_30_days"] == 1
    code, out, _ = fraudlink("numbers")
    assert code == 0
    assert "+31 900 8844" in out
    (entry,) = audit_entries(database, "telecom.number_protect")
    assert entry.actor.startswith("cli:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["protect", "0900-8844", "--partner", "Nobody"], "There is no partner named 'Nobody'"),
        (["protect", "0900-88", "--partner", POLICE], "This phone number does not exist"),
        (["protect", "+442079460958", "--partner", POLICE], "Only Dutch numbers"),
        (["protect", "0900-8844", "--partner", "Haagse Hogeschool"], "may not protect numbers"),
    ],
)
def test_mistakes_get_one_clear_line_and_write_nothing(
    partnership: Partnership, database: Database, args: list[str], message: str
) -> None:
    code, out, err = fraudlink(*args)
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err
    assert rows(database, ProtectedNumber) == []


def test_the_demo_protects_service_lines_and_sender_names_once(database: Database) -> None:
    for _ in range(2):
        with database.transaction() as session:
            demo_service.load(session, actor=OPERATOR)
    with database.read_only() as session:
        protected = telecom_service.protected_numbers(session)
        numbers = {item.number: item.inbound_only for item in protected}
        names = [item.name for item in telecom_service.sms_senders(session)]
    assert numbers[POLICE_LINE] is True
    assert numbers["+31202288800"] is True
    assert sorted(names) == ["ABN AMRO", "ING", "Rabobank"]
    assert len(audit_entries(database, "telecom.number_protect")) == len(numbers)
    assert audit_entries(database, "telecom.number_update") == []
    assert len(audit_entries(database, "telecom.sender_register")) == 3
