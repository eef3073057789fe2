"""SMS sender names: owners register them with their routes; operators' checks block a name on
another route and every name that only looks like a registered one."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from fraudlink.database import Database
from fraudlink.telecom.models import SmsBlock, SmsSender
from tests.indicators.exchange import audit_entries
from tests.reports.partnership import ABN_AMRO, ING, KPN, ODIDO, RABOBANK, RESEARCH, Partnership
from tests.telecom.screening import check_sms, codes, register_sender, rows

PATH = "/v1/telecom/sms-senders"
CHECK = "/v1/telecom/sms/check"


@pytest.fixture
def ing(client: TestClient, partnership: Partnership) -> dict[str, Any]:
    """ING's name, sent only through KPN's and Odido's business connections."""
    return register_sender(client, partnership, "ING", ["kpn-a2p", "ODIDO-A2P"], by=ING)


def test_a_partner_registers_its_sender_name(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    response = client.post(
        PATH,
        json={"name": " ING ", "routes": ["kpn-a2p", "ODIDO-A2P", "KPN-A2P"]},
        headers=partnership.headers(ING),
    )

    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["name"], created["routes"]) == ("ING", ["KPN-A2P", "ODIDO-A2P"])
    assert created["blocked_last_30_days"] == 0
    (entry,) = audit_entries(database, "telecom.sender_register")
    assert entry.details == {
        "partner_id": partnership.ids[ING],
        "name": "ING",
        "routes": ["KPN-A2P", "ODIDO-A2P"],
    }


@pytest.mark.parametrize(
    ("sender", "route", "verdict", "reasons"),
    [
        ("ING", "KPN-A2P", "allow", []),
        ("ING", "odido-a2p", "allow", []),
        ("ING", "CHEAP-SMS-HUB", "block", ["sender_route_not_allowed"]),
        ("1NG", "KPN-A2P", "block", ["lookalike_sender"]),
        ("I.N.G", "CHEAP-SMS-HUB", "block", ["lookalike_sender"]),
        ("ing", "KPN-A2P", "block", ["lookalike_sender"]),
        ("INGB", "CHEAP-SMS-HUB", "allow", []),
        ("PostNL", "CHEAP-SMS-HUB", "allow", []),
    ],
)
def test_checks(
    client: TestClient,
    partnership: Partnership,
    ing: dict[str, Any],
    sender: str,
    route: str,
    verdict: str,
    reasons: list[str],
) -> None:
    answer = check_sms(client, partnership, sender, route)
    assert (answer["verdict"], codes(answer)) == (verdict, reasons)


def test_blocks_count_for_the_imitated_name_and_are_audited(
    client: TestClient, partnership: Partnership, database: Database, ing: dict[str, Any]
) -> None:
    check_sms(client, partnership, "ING", "KPN-A2P")
    check_sms(client, partnership, "1NG", "CHEAP-SMS-HUB", by=KPN)
    check_sms(client, partnership, "ING", "CHEAP-SMS-HUB", by=ODIDO)

    lookalike, wrong_route = rows(database, SmsBlock)
    assert (lookalike.sender_id, lookalike.presented, lookalike.reason) == (
        ing["id"],
        "1NG",
        "lookalike_sender",
    )
    assert (wrong_route.operator_id, wrong_route.route) == (partnership.ids[ODIDO], "CHEAP-SMS-HUB")
    assert [entry.details["reason"] for entry in audit_entries(database, "telecom.sms_check")] == [
        "lookalike_sender",
        "sender_route_not_allowed",
    ]
    (listed,) = client.get(PATH, headers=partnership.headers(ING)).json()["sms_senders"]
    assert listed["blocked_last_30_days"] == 2


def test_registering_again_replaces_the_routes(
    client: TestClient, partnership: Partnership, database: Database, ing: dict[str, Any]
) -> None:
    response = client.post(
        PATH, json={"name": "ING", "routes": ["VZ-A2P"]}, headers=partnership.headers(ING)
    )

    assert response.status_code == 200
    assert response.json()["id"] == ing["id"]
    assert response.json()["routes"] == ["VZ-A2P"]
    assert check_sms(client, partnership, "ING", "KPN-A2P")["verdict"] == "block"
    register_sender(client, partnership, "ING", ["VZ-A2P"])  # the same: no new audit entry
    assert len(audit_entries(database, "telecom.sender_update")) == 1


def test_a_partner_may_register_several_spellings_of_its_own_name(
    client: TestClient, partnership: Partnership, ing: dict[str, Any]
) -> None:
    register_sender(client, partnership, "I.N.G.", ["KPN-A2P"])
    assert check_sms(client, partnership, "I.N.G.", "KPN-A2P")["verdict"] == "allow"
    assert check_sms(client, partnership, "I N G", "KPN-A2P")["verdict"] == "block"


@pytest.mark.parametrize("name", ["ING", "1NG", "ing"])
def test_another_partners_name_or_a_lookalike_cannot_be_registered(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    ing: dict[str, Any],
    name: str,
) -> None:
    response = client.post(
        PATH,
        json={"name": name, "routes": ["CHEAP-SMS-HUB"]},
        headers={**partnership.headers(RABOBANK), "Accept-Language": "en"},
    )

    assert response.status_code == 409
    (error,) = response.json()["errors"]
    assert error["field"] == "name"
    assert error["code"] in {"sender_taken", "sender_lookalike_taken"}
    assert [sender.name for sender in rows(database, SmsSender)] == ["ING"]


def test_only_the_owner_sees_and_removes_a_name(
    client: TestClient, partnership: Partnership, database: Database, ing: dict[str, Any]
) -> None:
    check_sms(client, partnership, "1NG", "KPN-A2P")
    assert client.get(PATH, headers=partnership.headers(ABN_AMRO)).json() == {"sms_senders": []}
    path = f"{PATH}/{ing['id']}"
    assert client.delete(path, headers=partnership.headers(ABN_AMRO)).status_code == 404

    assert client.delete(path, headers=partnership.headers(ING)).status_code == 204

    assert rows(database, SmsSender) == []
    assert rows(database, SmsBlock) == []  # its blocks go with it
    assert check_sms(client, partnership, "1NG", "KPN-A2P")["verdict"] == "allow"
    assert len(audit_entries(database, "telecom.sender_remove")) == 1


def test_access(client: TestClient, partnership: Partnership) -> None:
    body = {"name": "Onderzoek", "routes": ["KPN-A2P"]}
    assert client.post(PATH, json=body, headers=partnership.headers(RESEARCH)).status_code == 403
    check = {"sender": "ING", "route": "KPN-A2P"}
    assert client.post(CHECK, json=check, headers=partnership.headers(ING)).status_code == 403
    assert client.post(CHECK, json=check).status_code == 401


@pytest.mark.parametrize(
    ("path", "body", "field", "code"),
    [
        (PATH, {"name": "Rabobank NL1", "routes": ["A"]}, "name", "string_too_long"),
        (PATH, {"name": "0900 8844", "routes": ["A"]}, "name", "sender_needs_letter"),
        (PATH, {"name": "ING€", "routes": ["A"]}, "name", "sender_character"),
        (PATH, {"name": "", "routes": ["A"]}, "name", "sender_empty"),
        (PATH, {"name": "ING", "routes": []}, "routes", "too_short"),
        (PATH, {"name": "ING", "routes": ["KPN;A2P"]}, "routes", "route_invalid"),
        (PATH, {"name": "ING"}, "routes", "missing"),
        (CHECK, {"sender": "", "route": "KPN-A2P"}, "sender", "string_too_short"),
        (CHECK, {"sender": "Rabobank NL1", "route": "KPN-A2P"}, "sender", "string_too_long"),
        (CHECK, {"sender": "ING", "route": "KPN*A2P"}, "route", "route_invalid"),
        (CHECK, {"sender": "ING"}, "route", "missing"),
    ],
)
def test_bad_input_names_the_field(
    client: TestClient,
    partnership: Partnership,
    path: str,
    body: dict[str, Any],
    field: str,
    code: str,
) -> None:
    by = KPN if path == CHECK else ING
    response = client.post(path, json=body, headers=partnership.headers(by))
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == (field, code)
