"""Operators' call signals inside payment decisions: used only for the asking bank's own customer,
only while valid, every use audited, and never readable any other way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from fraudlink.database import Database
from tests.decisions.payments import (
    BANK_HELPDESK_NUMBER,
    CUSTOMER_PHONE,
    LANDLORD,
    codes,
    decide,
    payment,
    reason,
    report_mule,
)
from tests.indicators.exchange import audit_entries
from tests.reports.partnership import ABN_AMRO, ABN_IBAN, ING, KPN, Partnership


def protect_helpdesk(client: TestClient, partnership: Partnership) -> None:
    """ING registers its helpdesk line as inbound-only: it never calls customers."""
    response = client.post(
        "/v1/telecom/protected-numbers",
        json={"number": BANK_HELPDESK_NUMBER, "inbound_only": True},
        headers=partnership.headers(ING),
    )
    assert response.status_code in {200, 201}, response.text


def push_call(
    client: TestClient,
    partnership: Partnership,
    *,
    caller: str = BANK_HELPDESK_NUMBER,
    origin: str = "domestic_network",
    started: datetime | None = None,
    ended: datetime | None = None,
) -> dict[str, Any]:
    """KPN says its subscriber (the ING customer) is in a call with ``caller``."""
    started = started or datetime.now(UTC) - timedelta(minutes=5)
    response = client.post(
        "/v1/telecom/call-signals",
        json={
            "subscriber_number": CUSTOMER_PHONE,
            "caller_number": caller,
            "origin": origin,
            "started_at": started.isoformat(),
            "ended_at": ended.isoformat() if ended else None,
        },
        headers=partnership.headers(KPN),
    )
    assert response.status_code == 202, response.text
    answer: dict[str, Any] = response.json()
    return answer


def normal(**changes: Any) -> dict[str, Any]:
    """A payment that nothing but a call would flag: a known landlord, an ordinary customer."""
    return payment(creditor_iban=LANDLORD, debtor_age_band="30-49", **changes)


def test_the_issue_case_a_reported_mule_an_older_customer_a_spoofed_bank_on_the_line(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    report_mule(client, partnership)
    protect_helpdesk(client, partnership)
    push_call(client, partnership)
    decision = decide(client, partnership, payment())
    assert decision["outcome"] in {"delay", "block"}
    assert {
        "creditor_reported",
        "on_call_spoofed_number",
        "on_call_large_new_creditor",
        "older_customer_large_new_creditor",
    } <= codes(decision)
    spoofed = reason(decision, "on_call_spoofed_number")
    assert spoofed["facts"]["caller_reasons"] == ["do_not_originate"]
    assert "do_not_originate" in spoofed["en"]
    assert reason(decision, "older_customer_large_new_creditor")["facts"]["older_customer"]
    assert decision["customer_warning"]["en"].startswith("A bank will never ask")
    (used,) = audit_entries(database, "decision.call_signal_used")
    assert used.subject_id == decision["id"]
    assert used.details["signals"]


def test_a_signal_changes_only_the_decision_that_names_the_customers_phone(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    protect_helpdesk(client, partnership)
    push_call(client, partnership)
    without_phone = decide(client, partnership, normal(debtor_phone=None))
    assert without_phone["outcome"] == "allow"
    with_phone = decide(client, partnership, normal())
    assert "on_call_spoofed_number" in codes(with_phone)
    assert with_phone["outcome"] in {"delay", "block"}
    assert len(audit_entries(database, "decision.call_signal_used")) == 1


def test_another_bank_cannot_use_the_signal_for_an_account_it_does_not_hold(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    protect_helpdesk(client, partnership)
    push_call(client, partnership)
    # ABN AMRO asks about ING's customer (with the customer's phone): not its own customer.
    decision = decide(client, partnership, normal(), by=ABN_AMRO)
    assert "on_call_spoofed_number" not in codes(decision)
    # For its own customer's account the same phone is used.
    own = decide(client, partnership, normal(debtor_iban=ABN_IBAN), by=ABN_AMRO)
    assert "on_call_spoofed_number" in codes(own)
    assert len(audit_entries(database, "decision.call_signal_used")) == 1


def test_a_signal_stops_mattering_once_it_expires(
    client: TestClient, partnership: Partnership
) -> None:
    protect_helpdesk(client, partnership)
    now = datetime.now(UTC)
    # Ended eleven minutes ago: signals count for ten minutes after the call.
    push_call(
        client, partnership, started=now - timedelta(minutes=30), ended=now - timedelta(minutes=11)
    )
    assert "on_call_spoofed_number" not in codes(decide(client, partnership, normal()))
    # Ended two minutes ago: the customer may still act on what the caller said.
    push_call(
        client, partnership, started=now - timedelta(minutes=9), ended=now - timedelta(minutes=2)
    )
    assert "on_call_spoofed_number" in codes(decide(client, partnership, normal()))


def test_an_ordinary_call_puts_the_customer_on_a_call_and_nothing_more(
    client: TestClient, partnership: Partnership
) -> None:
    push_call(client, partnership, caller="+31614000002")  # an Odido mobile, nothing known
    decision = decide(client, partnership, normal(amount_cents=150_000, new_creditor=True))
    assert reason(decision, "on_call_large_new_creditor")["facts"]["on_call"] is True
    assert "on_call_spoofed_number" not in codes(decision)


def test_a_blocked_spoofed_call_to_the_customer_is_remembered_for_a_while(
    client: TestClient, partnership: Partnership
) -> None:
    protect_helpdesk(client, partnership)
    callee = client.post(
        "/v1/identifiers/parse", json={"value": CUSTOMER_PHONE}, headers=partnership.headers(KPN)
    ).json()["token"]
    check = client.post(
        "/v1/telecom/calls/check",
        json={"presented_number": BANK_HELPDESK_NUMBER, "origin": "international",
              "callee_token": callee},
        headers=partnership.headers(KPN),
    )  # fmt: skip
    assert check.json()["verdict"] == "block"
    decision = decide(client, partnership, normal())
    assert "recent_spoofed_call" in codes(decision)
    assert decision["outcome"] == "warn"
