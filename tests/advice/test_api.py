"""GET /v1/advice: public, in the reader's language, 422 naming the field at fault."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok

from fraudlink.advice import service
from fraudlink.advice.service import Situation
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, PaymentMethod

BANK_HELPDESK_RECENT = {"fraud_type": "bank_helpdesk", "hours_since": "2", "paid": "true"}


def test_advice_needs_no_key(client: TestClient) -> None:
    response = client.get("/v1/advice", params=BANK_HELPDESK_RECENT)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"fraud_type", "rules_version", "steps"}
    assert body["fraud_type"] == "bank_helpdesk"
    assert body["rules_version"] == service.rules_version()
    first = body["steps"][0]
    assert set(first) == {"id", "urgency", "text", "contact"}
    assert (first["id"], first["urgency"]) == ("call-bank-now", "now")
    assert response.headers["content-language"] == "nl"


def test_the_answer_is_the_plan_of_the_service(client: TestClient) -> None:
    params = {
        "fraud_type": "purchase",
        "hours_since": "100",
        "payment_method": ["transfer", "crypto"],
        "channel": "marketplace",
        "age_band": "70+",
        "aangifte_made": "true",
    }
    response = client.get("/v1/advice", params=params, headers={"Accept-Language": "en"})
    assert response.status_code == 200, response.text
    expected = service.plan(
        Situation(
            FraudType.PURCHASE,
            hours_since=100,
            payment_methods=frozenset({PaymentMethod.TRANSFER, PaymentMethod.CRYPTO}),
            channel=Channel.MARKETPLACE,
            age_band=AgeBand.FROM_70,
            aangifte_made=True,
        ),
        "en",
    )
    assert response.json()["steps"] == [step.as_dict() for step in expected]
    step_ids = [step["id"] for step in response.json()["steps"]]
    assert {"report-crypto-wallet", "ask-bank-refund-request", "keep-aangifte-number"} <= set(
        step_ids
    )


@pytest.mark.parametrize(
    ("headers", "query", "language"),
    [
        ({}, {}, "nl"),
        ({"Accept-Language": "en-GB,en;q=0.9"}, {}, "en"),
        ({"Accept-Language": "de-DE"}, {}, "nl"),
        ({"Accept-Language": "nl"}, {"lang": "en"}, "en"),
    ],
)
def test_the_language_follows_the_reader(
    client: TestClient, headers: dict[str, str], query: dict[str, str], language: str
) -> None:
    response = client.get("/v1/advice", params=BANK_HELPDESK_RECENT | query, headers=headers)
    assert response.headers["content-language"] == language
    text = response.json()["steps"][0]["text"]
    assert text == service.step("call-bank-now").text("en" if language == "en" else "nl")


def test_dutch_and_english_differ(client: TestClient) -> None:
    dutch = client.get("/v1/advice", params=BANK_HELPDESK_RECENT).json()
    english = client.get(
        "/v1/advice", params=BANK_HELPDESK_RECENT, headers={"Accept-Language": "en"}
    ).json()
    assert [step["id"] for step in dutch["steps"]] == [step["id"] for step in english["steps"]]
    for nl, en in zip(dutch["steps"], english["steps"], strict=True):
        assert nl["text"] != en["text"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"fraud_type": "bank"}, "fraud_type"),
        ({}, "fraud_type"),
        ({"fraud_type": "purchase", "hours_since": "-1"}, "hours_since"),
        ({"fraud_type": "purchase", "hours_since": "soon"}, "hours_since"),
        ({"fraud_type": "purchase", "hours_since": "inf"}, "hours_since"),
        ({"fraud_type": "purchase", "payment_method": "cheque"}, "payment_method.0"),
        ({"fraud_type": "purchase", "channel": "fax"}, "channel"),
        ({"fraud_type": "purchase", "age_band": "70"}, "age_band"),
        ({"fraud_type": "purchase", "paid": "perhaps"}, "paid"),
    ],
)
def test_a_wrong_parameter_answers_422_naming_it(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    response = client.get("/v1/advice", params=params, headers={"Accept-Language": "en"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert [error["field"] for error in body["errors"]] == [field]
    assert field in body["detail"]


def test_the_operation_is_documented_as_public_with_problem_details(app: FastAPI) -> None:
    operation = app.openapi()["paths"]["/v1/advice"]["get"]
    assert "security" not in operation
    assert "application/problem+json" in operation["responses"]["422"]["content"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert set(parameters) == {
        "fraud_type",
        "hours_since",
        "paid",
        "payment_method",
        "channel",
        "age_band",
        "aangifte_made",
    }
    assert parameters["fraud_type"]["required"] is True


def test_generated_input_never_breaks_the_operation(app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(path="/v1/advice")
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results) == 1
    (operation,) = operations

    @given(data=st.data())
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def call(data: st.DataObject) -> None:
        data.draw(operation.as_strategy()).call_and_validate()

    call()
