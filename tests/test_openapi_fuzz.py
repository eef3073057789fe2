"""Schemathesis feeds every API operation generated input: no 5xx, answers match the schema."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import positive_data_acceptance

from fraudlink.database import Database
from fraudlink.partners.models import PartnerType
from tests.factories import add_key, add_partner

EXAMPLES_PER_OPERATION = 25
# Operations whose valid input the schema cannot describe: a string is only an identifier if
# it parses as one, so a schema-valid request may rightly be refused with 422.
CONTENT_VALIDATED = frozenset(
    {
        "/v1/check",
        "/v1/identifiers/parse",
        "/v1/disputes",
        "/v1/indicators",
        "/v1/decisions",
        "/v1/decisions/batch",
        "/v1/decisions/allow-list",
        "/v1/telecom/protected-numbers",
        "/v1/telecom/calls/check",
        "/v1/telecom/call-signals",
        # A year and dates together, or an end before the start: refused, and no schema says so.
        "/v1/figures/{name}",
        "/v1/figures/{name}.csv",
        "/v1/opendata",
        "/v1/opendata.csv",
    }
)


@pytest.fixture
def programme_key(database: Database) -> str:
    add_partner(database, "Programma", PartnerType.PROGRAMME)
    add_partner(database, "Testbank", PartnerType.BANK, bank_codes=["INGB"])
    return add_key(database, "Programma")


def fuzz(app: FastAPI, key: str, *, paths: str = "/") -> None:
    """Call the operations under ``paths`` with generated input as ``key``'s partner."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "every operation's schema must load"
    operations = [operation for operation in operations if operation.path.startswith(paths)]
    assert len(operations) >= 8
    headers = {"Authorization": f"Bearer {key}"}

    @given(data=st.data())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION * len(operations),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def call(data: st.DataObject) -> None:
        operation = data.draw(st.sampled_from(operations))
        case = data.draw(operation.as_strategy())
        excluded = [positive_data_acceptance] if operation.path in CONTENT_VALIDATED else []
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    call()


def test_every_operation_survives_generated_input(app: FastAPI, programme_key: str) -> None:
    fuzz(app, programme_key)


def test_payment_decisions_survive_generated_input(app: FastAPI, database: Database) -> None:
    # The programme may not ask for decisions: a bank's key reaches past the 403.
    add_partner(database, "Testbank", PartnerType.BANK, bank_codes=["INGB"])
    fuzz(app, add_key(database, "Testbank"), paths="/v1/decisions")
