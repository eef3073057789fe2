"""The action tests' partners: the programme keeps the plan, a bank reads it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from fraudlink.database import Database
from fraudlink.partners.models import PartnerType
from tests.factories import add_key, add_partner, bearer

PROGRAMME = "Programma Integrale Aanpak Online Fraude"
BANK = "Testbank"


@pytest.fixture
def programme_key(database: Database) -> str:
    add_partner(database, PROGRAMME, PartnerType.PROGRAMME)
    return add_key(database, PROGRAMME)


@pytest.fixture
def bank_key(database: Database) -> str:
    add_partner(database, BANK, PartnerType.BANK, bank_codes=["INGB"])
    return add_key(database, BANK)


def action(**changes: Any) -> dict[str, Any]:
    """A new action as the programme would send it."""
    return {
        "year": 2025,
        "theme": "prevention",
        "title": "Preventiecampagne voor ouderen",
        "owner": "Fraudehelpdesk",
        "partners": ["Politie", "NVB"],
        "status": "running",
        "notes": "Meer dan de helft van de slachtoffers is 70+.",
        **changes,
    }


def add(client: TestClient, key: str, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/actions", json=action(**changes), headers=bearer(key))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created
