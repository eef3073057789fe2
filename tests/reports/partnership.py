"""A small partnership like the demo's, and helpers to report to it through the real API.

Real Dutch bank codes (INGB, ABNA, RABO, MLLE), so every IBAN here is valid and routes to the
bank that holds it; number ranges and domains like the demo's. Keys are made on first use only:
most tests speak as two or three partners, and a key costs a transaction and an audit entry.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import pytest
from fastapi.testclient import TestClient
from schwifty import IBAN
from sqlalchemy import text

from fraudlink.app import create_app
from fraudlink.database import Database
from fraudlink.partners import service as partner_service
from fraudlink.partners.models import PartnerType
from fraudlink.settings import Settings
from tests.factories import OPERATOR, add_key, bearer

ING: Final = "ING"
ABN_AMRO: Final = "ABN AMRO"
RABOBANK: Final = "Rabobank"
MOLLIE: Final = "Mollie"
KPN: Final = "KPN"
ODIDO: Final = "Odido"
MARKTPLAATS: Final = "Marktplaats"
POLICE: Final = "Politie"
PROSECUTION: Final = "Openbaar Ministerie"
HELPDESK: Final = "Fraudehelpdesk"
IDENTITY_DESK: Final = "Centraal Meldpunt Identiteitsfraude"
VICTIM_SUPPORT: Final = "Slachtofferhulp Nederland"
RESEARCH: Final = "Haagse Hogeschool"

# name: (type, bank codes, number ranges, domains)
PARTNERS: Final[
    dict[str, tuple[PartnerType, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]
] = {
    ING: (PartnerType.BANK, ("INGB",), (), ("ing.nl",)),
    ABN_AMRO: (PartnerType.BANK, ("ABNA",), (), ("abnamro.nl",)),
    RABOBANK: (PartnerType.BANK, ("RABO",), (), ("rabobank.nl",)),
    MOLLIE: (PartnerType.PSP, ("MLLE",), (), ("mollie.com",)),
    KPN: (PartnerType.TELECOM, (), ("+31612", "+31613"), ("kpn.com",)),
    ODIDO: (PartnerType.TELECOM, (), ("+31614",), ("odido.nl",)),
    MARKTPLAATS: (PartnerType.MARKETPLACE, (), (), ("marktplaats.nl",)),
    POLICE: (PartnerType.POLICE, (), (), ()),
    PROSECUTION: (PartnerType.PROSECUTION, (), (), ()),
    HELPDESK: (PartnerType.HELPDESK, (), (), ()),
    IDENTITY_DESK: (PartnerType.HELPDESK, (), (), ()),
    VICTIM_SUPPORT: (PartnerType.VICTIM_SUPPORT, (), (), ()),
    RESEARCH: (PartnerType.RESEARCH, (), (), ()),
}


def iban(bank_code: str, account: int) -> str:
    """A valid Dutch IBAN of the bank with this code."""
    generated: str = IBAN.generate(
        "NL", bank_code=bank_code, account_code=f"{account:010d}"
    ).compact
    return generated


ING_IBAN: Final = iban("INGB", 1234567)
ABN_IBAN: Final = iban("ABNA", 2345678)
RABO_IBAN: Final = iban("RABO", 3456789)
MOLLIE_IBAN: Final = iban("MLLE", 4567890)
TRIODOS_IBAN: Final = iban("TRIO", 5678901)  # a bank outside this partnership
BAD_IBAN: Final = "NL91ABNA0417164301"  # the textbook IBAN with its last digit changed
KPN_NUMBER: Final = "+31612345678"
ODIDO_NUMBER: Final = "+31614000001"
WALLET: Final = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"

# The contract's example (issue 3), with a real ING account as the beneficiary.
EXAMPLE: Final[Mapping[str, Any]] = {
    "fraud_type": "bank_helpdesk",
    "channel": "phone_call",
    "occurred_at": "2025-03-01T10:00:00Z",
    "payments": [{"amount_cents": 250000, "method": "transfer", "beneficiary_iban": ING_IBAN}],
    "identifiers": [{"value": KPN_NUMBER}],
    "age_band": "70+",
    "narrative": "Een medewerker van de bank belde: mijn geld moest naar een veilige rekening.",
    "external_id": "x1",
}
# The least a report needs; routes nowhere on its own.
MINIMAL: Final[Mapping[str, Any]] = {
    "fraud_type": "purchase",
    "channel": "website",
    "occurred_at": "2025-03-01T10:00:00Z",
}
REPORT_TABLES: Final = (
    "reports",
    "report_payments",
    "report_identifiers",
    "report_recipients",
    "advice_given",
    "audit_log",
)


@dataclass
class Partnership:
    """The partners of one test database, and their keys (made when first asked for)."""

    database: Database
    ids: dict[str, int]
    _keys: dict[str, str] = field(default_factory=dict)

    def key(self, name: str) -> str:
        if name not in self._keys:
            self._keys[name] = add_key(self.database, name)
        return self._keys[name]

    def headers(self, name: str) -> dict[str, str]:
        return bearer(self.key(name))


def build_partnership(database: Database) -> Partnership:
    # One transaction for all: a commit per partner would double the cost of most tests here.
    with database.transaction() as session:
        ids = {
            name: partner_service.create(
                session,
                name=name,
                partner_type=partner_type,
                bank_codes=codes,
                number_ranges=ranges,
                domains=domains,
                actor=OPERATOR,
            ).id
            for name, (partner_type, codes, ranges, domains) in PARTNERS.items()
        }
    return Partnership(database, ids)


def report(**changes: Any) -> dict[str, Any]:
    """The minimal report with ``changes``; a value of None removes the field."""
    body = {**MINIMAL, **changes}
    return {name: value for name, value in body.items() if value is not None}


def submit(
    client: TestClient, partnership: Partnership, body: Mapping[str, Any], *, by: str = HELPDESK
) -> dict[str, Any]:
    """POST /v1/reports as the reporting point ``by``; the receipt of a new report."""
    response = client.post("/v1/reports", json=body, headers=partnership.headers(by))
    assert response.status_code == 201, response.text
    receipt: dict[str, Any] = response.json()
    return receipt


def routed(receipt: Mapping[str, Any]) -> dict[str, list[str]]:
    """Who a receipt says was told, and why: ``{partner name: [reasons]}``."""
    return {item["partner"]: item["reasons"] for item in receipt["routed_to"]}


def count_rows(database: Database, tables: tuple[str, ...] = REPORT_TABLES) -> dict[str, int]:
    with database.read_only() as session:
        return {
            # The names come from the constant above, never from input.
            table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            for table in tables
        }


@contextmanager
def client_with(monkeypatch: pytest.MonkeyPatch, **environment: str) -> Iterator[TestClient]:
    """The app under other settings (``police_threshold_cents="0"``), on the test's database.

    Use it in a test that asks for the ``settings`` fixture: that one points the environment at
    the test's database, and these settings are read from the same environment.
    """
    for name, value in environment.items():
        monkeypatch.setenv(f"FRAUDLINK_{name.upper()}", value)
    with TestClient(create_app(Settings())) as client:
        yield client
