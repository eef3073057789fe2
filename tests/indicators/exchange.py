"""Helpers for the indicator tests: reports that name values, checks, lookups and stored rows.

Everything goes through the real API (reports through ``POST /v1/reports``, listings through
``POST /v1/indicators``); the database is only read, to see what was stored and audited.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from fraudlink.app import create_app
from fraudlink.audit.models import AuditEntry
from fraudlink.database import Database, keys_of
from fraudlink.identifiers import Pseudonymiser, parse
from fraudlink.indicators.models import Indicator
from fraudlink.settings import Settings
from tests.reports.partnership import (
    HELPDESK,
    ING,
    ING_IBAN,
    KPN_NUMBER,
    WALLET,
    Partnership,
    iban,
    report,
    submit,
)

# Values a fraudster uses; none is on a warning list or a partner's own domain.
FRAUD_IBAN: Final = ING_IBAN
FRAUD_PHONE: Final = KPN_NUMBER
FRAUD_URL: Final = "https://www.nep-winkel.nl/aanbieding"
FRAUD_DOMAIN: Final = "nep-winkel.nl"
FRAUD_EMAIL: Final = "verkoper@nep-winkel.nl"
FRAUD_WALLET: Final = WALLET
# The victim's own account: personal data that must never reach the check or the exchange.
VICTIM_IBAN: Final = iban("RABO", 9876543)
NARRATIVE: Final = "Ik kocht een fiets bij Jansen uit Zwolle en betaalde, maar kreeg niets."
# A day in the past that no helper chooses by accident.
OCCURRED: Final = "2025-03-01T10:00:00Z"


def fresh_iban(number: int) -> str:
    """A valid ING account of its own, for tests that need many different values."""
    return iban("INGB", 8_000_000 + number)


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def naming(
    *,
    ibans: Sequence[str] = (),
    wallets: Sequence[str] = (),
    values: Sequence[str] = (),
    fraud_type: str = "purchase",
    reported_days_ago: float | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """A report that names these beneficiaries and identifiers (phones, web and e-mail
    addresses), optionally filed as reported some days ago (a reporting point's backlog)."""
    payments = [
        {"amount_cents": 5000, "method": "transfer", "beneficiary_iban": value} for value in ibans
    ] + [
        {"amount_cents": 5000, "method": "crypto", "beneficiary_wallet": value} for value in wallets
    ]
    timing: dict[str, Any] = {}
    if reported_days_ago is not None:
        reported_at = days_ago(reported_days_ago)
        timing = {
            "reported_at": reported_at.isoformat(),
            "occurred_at": (reported_at - timedelta(hours=1)).isoformat(),
        }
    return report(
        fraud_type=fraud_type,
        payments=payments or None,
        identifiers=[{"value": value} for value in values] or None,
        **timing,
        **changes,
    )


def file_report(
    client: TestClient, partnership: Partnership, *, by: str = HELPDESK, **naming_args: Any
) -> str:
    """File a report naming these values (see ``naming``); returns its reference."""
    receipt = submit(client, partnership, naming(**naming_args), by=by)
    reference: str = receipt["reference"]
    return reference


def file_reports(
    client: TestClient, partnership: Partnership, count: int, **naming_args: Any
) -> None:
    for _ in range(count):
        file_report(client, partnership, **naming_args)


def check(client: TestClient, value: str, **headers: str) -> dict[str, Any]:
    """GET /v1/check, which must answer 200; the answer."""
    response = client.get("/v1/check", params={"value": value}, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def lookup(
    client: TestClient, partnership: Partnership, value: str, *, by: str = ING
) -> dict[str, Any]:
    """GET /v1/indicators?value= as partner ``by``, which must answer 200; the indicator."""
    response = client.get(
        "/v1/indicators", params={"value": value}, headers=partnership.headers(by)
    )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def list_indicators(
    client: TestClient,
    partnership: Partnership,
    listings: Sequence[dict[str, Any]],
    *,
    by: str = ING,
) -> list[dict[str, Any]]:
    """POST /v1/indicators as a batch, which must answer 201; the indicators."""
    response = client.post(
        "/v1/indicators", json={"indicators": list(listings)}, headers=partnership.headers(by)
    )
    assert response.status_code == 201, response.text
    indicators: list[dict[str, Any]] = response.json()["indicators"]
    return indicators


def token_of(database: Database, value: str) -> str:
    """The pseudonym token the installation gives ``value``."""
    with database.read_only() as session:
        return Pseudonymiser(keys_of(session).pseudonym).token(parse(value))


def stored(database: Database, value: str) -> Indicator | None:
    """The indicator row of ``value``, if there is one."""
    token = token_of(database, value)
    with database.read_only() as session:
        indicator = session.scalar(select(Indicator).where(Indicator.token == token))
        session.expunge_all()
        return indicator


def audit_entries(database: Database, action: str) -> list[AuditEntry]:
    with database.read_only() as session:
        entries = list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )
        session.expunge_all()
        return entries


def app_for(**settings: Any) -> FastAPI:
    """The app under these settings (``check_requests_per_minute=3``) on the test's database.

    Use it in a test that asks for the ``settings`` fixture: that one points the environment at
    the test's database, and the other settings are read from the same environment.
    """
    return create_app(Settings(**settings))


@contextmanager
def client_for(**settings: Any) -> Iterator[TestClient]:
    """A client of ``app_for(**settings)``."""
    with TestClient(app_for(**settings)) as client:
        yield client


STATEMENT: Final = "Dit is mijn eigen rekening; ik heb nooit iets verkocht op internet."


def open_dispute(client: TestClient, value: str, *, contact: str | None = None) -> dict[str, Any]:
    """POST /v1/disputes without a key, which must answer 201; the dispute."""
    body: dict[str, Any] = {"value": value, "statement": STATEMENT}
    if contact is not None:
        body["contact"] = contact
    response = client.post("/v1/disputes", json=body)
    assert response.status_code == 201, response.text
    dispute: dict[str, Any] = response.json()
    return dispute


def decide(
    client: TestClient,
    partnership: Partnership,
    dispute_id: int,
    decision: str,
    *,
    by: str = HELPDESK,
) -> dict[str, Any]:
    """A reviewer decides a dispute, which must answer 200; the dispute as reviewed."""
    response = client.post(
        f"/v1/disputes/{dispute_id}/decision",
        json={"decision": decision, "reason": "Gecontroleerd bij de bank."},
        headers=partnership.headers(by),
    )
    assert response.status_code == 200, response.text
    reviewed: dict[str, Any] = response.json()
    return reviewed
