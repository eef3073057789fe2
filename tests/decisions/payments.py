"""Helpers for the decision tests: payments in the contract's shape, asked through the real API."""

from __future__ import annotations

from typing import Any, Final

from fastapi.testclient import TestClient

from tests.indicators.exchange import file_report
from tests.reports.partnership import ING, Partnership, iban

# An ING customer of 70+ and the people and firms they pay; none of them is reported.
CUSTOMER: Final = iban("INGB", 4_000_001)
CUSTOMER_PHONE: Final = "+31612000001"  # a KPN subscriber (KPN holds +31612)
LANDLORD: Final = iban("RABO", 4_000_002)
MULE: Final = iban("MLLE", 4_000_003)  # reported in the tests that need a reported mule
BANK_HELPDESK_NUMBER: Final = "+31205550100"  # a fixed Amsterdam number a bank protects


def payment(**changes: Any) -> dict[str, Any]:
    """The contract's example payment, to a new creditor, with ``changes``."""
    return {
        "amount_cents": 250_000,
        "currency": "EUR",
        "debtor_iban": CUSTOMER,
        "creditor_iban": MULE,
        "creditor_name": "Stichting Veilige Rekening",
        "channel": "mobile",
        "debtor_age_band": "70+",
        "new_creditor": True,
        "debtor_phone": CUSTOMER_PHONE,
    } | changes


def report_mule(client: TestClient, partnership: Partnership) -> None:
    """Two victims report MULE: enough to meet the standard of proof and be listed as fraud."""
    for _ in range(2):
        file_report(client, partnership, ibans=[MULE], fraud_type="bank_helpdesk")


def decide(
    client: TestClient, partnership: Partnership, body: dict[str, Any], *, by: str = ING
) -> dict[str, Any]:
    """POST /v1/decisions, which must answer 200; the decision."""
    response = client.post("/v1/decisions", json=body, headers=partnership.headers(by))
    assert response.status_code == 200, response.text
    decision: dict[str, Any] = response.json()
    return decision


def decide_many(
    client: TestClient, partnership: Partnership, bodies: list[dict[str, Any]], *, by: str = ING
) -> list[dict[str, Any]]:
    response = client.post(
        "/v1/decisions/batch", json={"payments": bodies}, headers=partnership.headers(by)
    )
    assert response.status_code == 200, response.text
    decisions: list[dict[str, Any]] = response.json()["decisions"]
    return decisions


def codes(decision: dict[str, Any]) -> set[str]:
    return {reason["code"] for reason in decision["reasons"]}


def reason(decision: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(item for item in decision["reasons"] if item["code"] == code)
    return found
