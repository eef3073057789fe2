"""Protected numbers through the API: the owning partner's key registers, updates, lists and
removes its own numbers; nobody touches another's; every change is audited."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from fraudlink.database import Database
from fraudlink.telecom.models import ProtectedNumber
from tests.indicators.exchange import audit_entries, token_of
from tests.reports.partnership import ABN_AMRO, ING, KPN, POLICE, RESEARCH, Partnership
from tests.telecom.screening import (
    BANK_LINE,
    FOREIGN_NUMBER,
    POLICE_LINE,
    check_call,
    protect,
    rows,
)

PATH = "/v1/telecom/protected-numbers"


def test_a_partner_protects_its_number(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    response = client.post(
        PATH,
        json={"number": "020 228 88 00", "inbound_only": True, "label": "Klantenservice"},
        headers=partnership.headers(ING),
    )

    assert response.status_code == 201, response.text
    created = response.json()
    assert created["number"] == BANK_LINE
    assert created["display"] == "+31 20 228 8800"
    assert (created["inbound_only"], created["label"]) == (True, "Klantenservice")
    assert created["spoofed_last_30_days"] == 0
    assert set(created) >= {"id", "created_at"}
    (stored,) = rows(database, ProtectedNumber)
    assert stored.partner_id == partnership.ids[ING]
    assert stored.token == token_of(database, BANK_LINE)
    (entry,) = audit_entries(database, "telecom.number_protect")
    assert entry.subject_id == str(created["id"])
    assert entry.details["token"] == stored.token
    assert BANK_LINE not in str(entry.details)


def test_protecting_again_updates_and_only_a_change_is_audited(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    first = protect(client, partnership, BANK_LINE, label="Klantenservice")
    again = client.post(
        PATH,
        json={"number": "+31 20 2288800", "inbound_only": True},
        headers=partnership.headers(ING),
    )
    same = client.post(
        PATH, json={"number": BANK_LINE, "inbound_only": True}, headers=partnership.headers(ING)
    )

    assert (again.status_code, same.status_code) == (200, 200)
    assert again.json()["id"] == first["id"]
    assert (again.json()["inbound_only"], again.json()["label"]) == (True, None)
    assert len(rows(database, ProtectedNumber)) == 1
    assert len(audit_entries(database, "telecom.number_update")) == 1


def test_another_partners_number_cannot_be_taken_over(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    protect(client, partnership, BANK_LINE, by=ING, inbound_only=True)

    response = client.post(
        PATH,
        json={"number": BANK_LINE, "inbound_only": False},
        headers={**partnership.headers(ABN_AMRO), "Accept-Language": "en"},
    )

    assert response.status_code == 409
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("number", "number_taken")
    assert "+31 20 228 8800" in error["message"]
    (stored,) = rows(database, ProtectedNumber)
    assert (stored.partner_id, stored.inbound_only) == (partnership.ids[ING], True)


def test_the_list_holds_the_own_numbers_with_their_spoof_counts(
    client: TestClient, partnership: Partnership
) -> None:
    protect(client, partnership, POLICE_LINE, by=POLICE, inbound_only=True)
    protect(client, partnership, BANK_LINE, by=ING)
    for origin in ("domestic_network", "international", "own_network"):
        check_call(client, partnership, POLICE_LINE, origin)
    check_call(client, partnership, BANK_LINE, "domestic_network")  # allowed: not counted

    police = client.get(PATH, headers=partnership.headers(POLICE)).json()["protected_numbers"]
    bank = client.get(PATH, headers=partnership.headers(ING)).json()["protected_numbers"]

    assert [(item["number"], item["spoofed_last_30_days"]) for item in police] == [(POLICE_LINE, 3)]
    assert [(item["number"], item["spoofed_last_30_days"]) for item in bank] == [(BANK_LINE, 0)]
    assert client.get(PATH, headers=partnership.headers(KPN)).json() == {"protected_numbers": []}


def test_only_the_owner_removes_a_number(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    number_id = protect(client, partnership, BANK_LINE)["id"]

    theirs = client.delete(f"{PATH}/{number_id}", headers=partnership.headers(ABN_AMRO))
    assert theirs.status_code == 404
    assert theirs.json()["errors"][0]["field"] == "number_id"
    assert len(rows(database, ProtectedNumber)) == 1

    assert client.delete(f"{PATH}/{number_id}", headers=partnership.headers(ING)).status_code == 204
    assert rows(database, ProtectedNumber) == []
    assert client.delete(f"{PATH}/{number_id}", headers=partnership.headers(ING)).status_code == 404
    (entry,) = audit_entries(database, "telecom.number_unprotect")
    assert entry.subject_id == str(number_id)
    # Unprotected, the line is an ordinary Dutch number again.
    assert check_call(client, partnership, BANK_LINE, "domestic_network")["verdict"] == "allow"


def test_research_may_not_protect_numbers(client: TestClient, partnership: Partnership) -> None:
    headers = partnership.headers(RESEARCH)
    assert client.post(PATH, json={"number": BANK_LINE}, headers=headers).status_code == 403
    assert client.get(PATH, headers=headers).status_code == 403
    assert client.post(PATH, json={"number": BANK_LINE}).status_code == 401


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"number": "020 228 88"}, "number", "phone_invalid"),
        ({"number": "bel 112"}, "number", "phone_characters"),
        ({"number": " "}, "number", "number_empty"),
        ({"number": 31202288800}, "number", "validation_string_type"),
        ({"number": FOREIGN_NUMBER}, "number", "number_not_dutch"),
        ({}, "number", "missing"),
        ({"number": BANK_LINE, "label": "x" * 201}, "label", "string_too_long"),
        ({"number": BANK_LINE, "label": "a\x00b"}, "label", "validation_control_character"),
        ({"number": BANK_LINE, "inbound_only": "soms"}, "inbound_only", "bool_parsing"),
        ({"number": BANK_LINE, "owner": "ING"}, "owner", "extra_forbidden"),
    ],
)
def test_bad_input_names_the_field(
    client: TestClient, partnership: Partnership, body: dict[str, Any], field: str, code: str
) -> None:
    response = client.post(PATH, json=body, headers=partnership.headers(ING))
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == (field, code)
