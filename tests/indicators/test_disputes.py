"""Disputes: an account holder objects without a key, the check shows the listing as disputed,
a reviewer (helpdesk or police) clears or upholds it, and a cleared value returns only with new
reports. The holder's words are encrypted at rest; every step is in the audit log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from fraudlink.database import Database
from tests.indicators.exchange import (
    FRAUD_IBAN,
    FRAUD_PHONE,
    FRAUD_URL,
    STATEMENT,
    audit_entries,
    check,
    client_for,
    decide,
    file_report,
    file_reports,
    fresh_iban,
    list_indicators,
    lookup,
    open_dispute,
    token_of,
)
from tests.reports.partnership import (
    BAD_IBAN,
    HELPDESK,
    IDENTITY_DESK,
    ING,
    KPN,
    MARKTPLAATS,
    MOLLIE,
    POLICE,
    PROSECUTION,
    RESEARCH,
    VICTIM_SUPPORT,
    Partnership,
)

CONTACT = "jan.de.vries@example.nl"
REVIEWERS = [HELPDESK, POLICE, IDENTITY_DESK, VICTIM_SUPPORT]


def _disputes(
    client: TestClient, partnership: Partnership, *, by: str = HELPDESK, status: str = "open"
) -> list[dict[str, Any]]:
    response = client.get(
        "/v1/disputes", params={"status": status}, headers=partnership.headers(by)
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["disputes"]
    return found


@pytest.mark.parametrize("value", [FRAUD_IBAN, FRAUD_PHONE, FRAUD_URL])
def test_a_holder_disputes_a_reported_value_and_the_check_shows_it(
    client: TestClient, partnership: Partnership, value: str
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], values=[FRAUD_PHONE, FRAUD_URL])
    dispute = open_dispute(client, value)
    assert dispute["status"] == "open"
    assert dispute["decided_at"] is None
    answer = check(client, value)
    assert (answer["reported"], answer["disputed"]) == (True, True)
    assert lookup(client, partnership, value)["status"] == "disputed"
    # Disputed is not shared as fraud, even with the standard of proof met.
    file_report(client, partnership, ibans=[FRAUD_IBAN], values=[FRAUD_PHONE, FRAUD_URL])
    assert lookup(client, partnership, value)["shared_as_fraud"] is False


@pytest.mark.parametrize("value", [fresh_iban(1), "+31612000000", "https://eerlijke-winkel.nl/"])
def test_disputing_an_unknown_value_answers_404_naming_value(
    client: TestClient, partnership: Partnership, value: str
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    response = client.post("/v1/disputes", json={"value": value, "statement": STATEMENT})
    assert response.status_code == 404
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("value", "nothing_to_dispute")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": BAD_IBAN, "statement": STATEMENT}, "value"),
        ({"value": "hallo", "statement": STATEMENT}, "value"),
        ({"value": FRAUD_IBAN, "statement": "te kort"}, "statement"),
        ({"value": FRAUD_IBAN}, "statement"),
        ({"value": FRAUD_IBAN, "statement": STATEMENT, "extra": 1}, "extra"),
    ],
)
def test_an_invalid_dispute_answers_422_naming_the_field(
    client: TestClient, partnership: Partnership, body: dict[str, Any], field: str
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    response = client.post("/v1/disputes", json=body)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert check(client, FRAUD_IBAN)["disputed"] is False


@pytest.mark.parametrize("reviewer", REVIEWERS)
def test_a_reviewer_lists_open_disputes_with_the_statement(
    client: TestClient, partnership: Partnership, database: Database, reviewer: str
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], values=[FRAUD_PHONE])
    first = open_dispute(client, FRAUD_IBAN, contact=CONTACT)
    second = open_dispute(client, FRAUD_PHONE)
    listed = _disputes(client, partnership, by=reviewer)
    assert [item["id"] for item in listed] == [first["id"], second["id"]]
    assert listed[0]["statement"] == STATEMENT
    assert (listed[0]["kind"], listed[0]["value"]) == ("iban", FRAUD_IBAN)
    assert (listed[0]["status"], listed[0]["reason"]) == ("open", None)
    assert listed[0]["indicator_id"] == lookup(client, partnership, FRAUD_IBAN)["id"]
    lookups = audit_entries(database, "indicator.lookup")
    assert [entry.subject_id for entry in lookups][:2] == [
        token_of(database, FRAUD_IBAN),
        token_of(database, FRAUD_PHONE),
    ]


def test_a_reviewer_sees_how_to_reach_the_holder(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    open_dispute(client, FRAUD_IBAN, contact=CONTACT)
    open_dispute(client, FRAUD_IBAN)
    with_contact, without = _disputes(client, partnership)
    assert (with_contact["contact"], without["contact"]) == (CONTACT, None)


@pytest.mark.parametrize("first", ["clear", "uphold"])
@pytest.mark.parametrize("second", ["clear", "uphold"])
def test_a_decided_dispute_cannot_be_decided_again(
    client: TestClient, partnership: Partnership, first: str, second: str
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    dispute = open_dispute(client, FRAUD_IBAN)
    decided = decide(client, partnership, dispute["id"], first)
    state = {"clear": "cleared", "uphold": "upheld"}[first]
    assert decided["status"] == state
    assert decided["reason"] == "Gecontroleerd bij de bank."
    assert decided["decided_at"] is not None
    again = client.post(
        f"/v1/disputes/{dispute['id']}/decision",
        json={"decision": second, "reason": "Toch anders."},
        headers=partnership.headers(POLICE),
    )
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert f"({state})" in again.json()["detail"]
    assert _disputes(client, partnership) == []
    [shown] = _disputes(client, partnership, status="all")
    assert shown["status"] == state


def test_clearing_stops_the_check_reporting_the_value(
    client: TestClient, partnership: Partnership
) -> None:
    file_reports(client, partnership, 3, ibans=[FRAUD_IBAN])
    dispute = open_dispute(client, FRAUD_IBAN)
    decide(client, partnership, dispute["id"], "clear", by=POLICE)
    answer = check(client, FRAUD_IBAN)
    assert (answer["reported"], answer["reports_band"], answer["disputed"]) == (False, None, False)
    found = lookup(client, partnership, FRAUD_IBAN)
    assert (found["status"], found["confidence"], found["shared_as_fraud"]) == (
        "cleared",
        0,
        False,
    )
    # A cleared listing cannot be disputed again: there is nothing left to object to.
    response = client.post("/v1/disputes", json={"value": FRAUD_IBAN, "statement": STATEMENT})
    assert response.status_code == 404


def test_upholding_makes_the_listing_active_again(
    client: TestClient, partnership: Partnership
) -> None:
    file_reports(client, partnership, 2, ibans=[FRAUD_IBAN])
    dispute = open_dispute(client, FRAUD_IBAN)
    assert lookup(client, partnership, FRAUD_IBAN)["shared_as_fraud"] is False
    decide(client, partnership, dispute["id"], "uphold")
    answer = check(client, FRAUD_IBAN)
    assert (answer["reported"], answer["reports_band"], answer["disputed"]) == (True, "2-5", False)
    found = lookup(client, partnership, FRAUD_IBAN)
    assert (found["status"], found["shared_as_fraud"]) == ("active", True)


def test_a_listing_stays_disputed_while_another_dispute_is_open(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    first, second = open_dispute(client, FRAUD_IBAN), open_dispute(client, FRAUD_IBAN)
    decide(client, partnership, first["id"], "uphold")
    assert check(client, FRAUD_IBAN)["disputed"] is True
    decide(client, partnership, second["id"], "uphold")
    assert check(client, FRAUD_IBAN)["disputed"] is False


def test_upholding_a_leftover_dispute_does_not_revive_a_cleared_listing(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    first, second = open_dispute(client, FRAUD_IBAN), open_dispute(client, FRAUD_IBAN)
    decide(client, partnership, first["id"], "clear")
    decide(client, partnership, second["id"], "uphold")
    assert check(client, FRAUD_IBAN)["reported"] is False


@pytest.mark.parametrize("min_reports", [1, 2, 3])
def test_a_cleared_value_comes_back_only_with_enough_new_reports(
    settings: object, partnership: Partnership, min_reports: int
) -> None:
    with client_for(proof_min_reports=min_reports) as client:
        file_reports(client, partnership, 2, ibans=[FRAUD_IBAN])
        dispute = open_dispute(client, FRAUD_IBAN)
        decide(client, partnership, dispute["id"], "clear")
        for _ in range(min_reports - 1):
            file_report(client, partnership, ibans=[FRAUD_IBAN])
            assert check(client, FRAUD_IBAN)["reported"] is False
            assert lookup(client, partnership, FRAUD_IBAN)["status"] == "cleared"
        file_report(client, partnership, ibans=[FRAUD_IBAN])
        assert check(client, FRAUD_IBAN)["reported"] is True
        found = lookup(client, partnership, FRAUD_IBAN)
        assert found["status"] == "active"
        assert found["report_count"] == 2 + min_reports
        assert found["confidence"] > 0


def test_reports_dated_before_the_clearing_do_not_bring_it_back(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    dispute = open_dispute(client, FRAUD_IBAN)
    decide(client, partnership, dispute["id"], "clear")
    # A reporting point's backlog: filed now, reported by the victims a week ago.
    file_reports(client, partnership, 3, ibans=[FRAUD_IBAN], reported_days_ago=7)
    assert check(client, FRAUD_IBAN)["reported"] is False
    assert lookup(client, partnership, FRAUD_IBAN)["status"] == "cleared"


def test_partner_listings_do_not_bring_a_cleared_value_back(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    dispute = open_dispute(client, FRAUD_IBAN)
    decide(client, partnership, dispute["id"], "clear")
    [listed] = list_indicators(client, partnership, [{"value": FRAUD_IBAN, "confirmed": True}])
    assert (listed["status"], listed["shared_as_fraud"]) == ("cleared", False)


@pytest.mark.parametrize("partner", [ING, MOLLIE, KPN, MARKTPLAATS, PROSECUTION, RESEARCH])
def test_partners_without_the_review_permission_get_403(
    client: TestClient, partnership: Partnership, partner: str
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    dispute = open_dispute(client, FRAUD_IBAN)
    headers = partnership.headers(partner)
    listed = client.get("/v1/disputes", headers=headers)
    assert listed.status_code == 403
    assert "indicator:review" in listed.json()["detail"]
    decided = client.post(
        f"/v1/disputes/{dispute['id']}/decision",
        json={"decision": "clear", "reason": "Niet mijn taak."},
        headers=headers,
    )
    assert decided.status_code == 403
    assert check(client, FRAUD_IBAN)["disputed"] is True


def test_reviewing_needs_a_key(client: TestClient) -> None:
    assert client.get("/v1/disputes").status_code == 401
    decision = {"decision": "clear", "reason": "Zonder sleutel."}
    assert client.post("/v1/disputes/1/decision", json=decision).status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"decision": "delete", "reason": "Weg ermee."}, 422, "decision"),
        ({"decision": "clear", "reason": "x"}, 422, "reason"),
        ({"decision": "clear"}, 422, "reason"),
    ],
)
def test_a_bad_decision_answers_422_and_decides_nothing(
    client: TestClient, partnership: Partnership, body: dict[str, Any], status: int, field: str
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    dispute = open_dispute(client, FRAUD_IBAN)
    response = client.post(
        f"/v1/disputes/{dispute['id']}/decision", json=body, headers=partnership.headers(HELPDESK)
    )
    assert response.status_code == status
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert check(client, FRAUD_IBAN)["disputed"] is True


def test_deciding_an_unknown_dispute_answers_404(
    client: TestClient, partnership: Partnership
) -> None:
    response = client.post(
        "/v1/disputes/999/decision",
        json={"decision": "clear", "reason": "Bestaat niet."},
        headers=partnership.headers(HELPDESK),
    )
    assert response.status_code == 404
    assert [error["field"] for error in response.json()["errors"]] == ["dispute_id"]


def test_the_statement_and_contact_are_encrypted_at_rest(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    open_dispute(client, FRAUD_IBAN, contact=CONTACT)
    with database.read_only() as session:
        rows = session.execute(text("SELECT * FROM indicator_disputes")).mappings().all()
        audit = session.execute(text("SELECT * FROM audit_log")).mappings().all()
    assert len(rows) == 1
    for row in [*rows, *audit]:
        for column, stored_value in row.items():
            raw = (
                bytes(stored_value)
                if isinstance(stored_value, bytes | memoryview)
                else str(stored_value).encode()
            )
            for secret in (STATEMENT, CONTACT, "eigen rekening", "jan.de.vries"):
                assert secret.encode() not in raw, column
    assert rows[0]["statement_encrypted"]
    assert rows[0]["contact_encrypted"]


def test_every_step_of_a_dispute_is_audited(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    token = token_of(database, FRAUD_IBAN)
    dispute = open_dispute(client, FRAUD_IBAN)
    _disputes(client, partnership, by=POLICE)
    decide(client, partnership, dispute["id"], "clear", by=POLICE)
    [opened] = audit_entries(database, "dispute.open")
    assert (opened.actor, opened.partner_id) == ("public", None)
    assert (opened.subject_type, opened.subject_id) == ("indicator", token)
    [looked] = audit_entries(database, "indicator.lookup")
    assert (looked.subject_id, looked.partner_id) == (token, partnership.ids[POLICE])
    [decided] = audit_entries(database, "dispute.decide")
    assert (decided.subject_id, decided.partner_id) == (token, partnership.ids[POLICE])
    assert decided.details == {"dispute": dispute["id"], "decision": "cleared"}


def test_a_value_the_check_does_not_report_cannot_be_disputed(
    client: TestClient, partnership: Partnership
) -> None:
    list_indicators(client, partnership, [{"value": FRAUD_IBAN, "tlp": "red"}], by=ING)
    assert check(client, FRAUD_IBAN)["reported"] is False
    response = client.post("/v1/disputes", json={"value": FRAUD_IBAN, "statement": STATEMENT})
    assert response.status_code == 404
    assert lookup(client, partnership, FRAUD_IBAN, by=POLICE)["status"] == "active"


def test_the_dispute_page_opens_a_dispute_end_to_end(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    form = client.get("/check/dispute", params={"value": FRAUD_IBAN, "lang": "en"})
    assert form.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert match is not None
    fields = {"csrf_token": match[1], "value": FRAUD_IBAN, "statement": STATEMENT}
    short = client.post("/check/dispute", data={**fields, "statement": "kort"})
    assert short.status_code == 422
    assert check(client, FRAUD_IBAN)["disputed"] is False
    unknown = client.post("/check/dispute", data={**fields, "value": fresh_iban(3)})
    assert unknown.status_code == 422
    received = client.post("/check/dispute", data={**fields, "contact": CONTACT})
    assert received.status_code == 200
    assert STATEMENT not in received.text
    assert check(client, FRAUD_IBAN)["disputed"] is True
    [listed] = _disputes(client, partnership)
    assert listed["statement"] == STATEMENT
