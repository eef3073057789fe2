"""POST /v1/reports, GET /v1/advice and POST /v1/reports/classify, as issue 3's contract says."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fraudlink.access.permissions import GRANTS, Permission
from fraudlink.database import Database
from fraudlink.partners.models import PartnerType
from fraudlink.reports.classification import classify
from fraudlink.reports.models import Report
from fraudlink.reports.vocabulary import Channel
from tests.factories import add_key, add_partner, bearer
from tests.reports.partnership import (
    BAD_IBAN,
    EXAMPLE,
    HELPDESK,
    ING,
    ING_IBAN,
    POLICE,
    WALLET,
    Partnership,
    count_rows,
    report,
    submit,
)

REFERENCE = re.compile(r"FL-(\d{4})-\d{6}")
URGENCIES = {"now", "today", "this_week"}


@pytest.mark.parametrize("reporting_point", [HELPDESK, POLICE])
def test_a_reporting_point_submits_the_contract_example_and_gets_reference_link_and_plan(
    client: TestClient, partnership: Partnership, reporting_point: str
) -> None:
    response = client.post(
        "/v1/reports", json=EXAMPLE, headers=partnership.headers(reporting_point)
    )
    assert response.status_code == 201, response.text
    receipt = response.json()
    match = REFERENCE.fullmatch(receipt["reference"])
    assert match is not None
    assert int(match[1]) == datetime.now(UTC).year
    assert receipt["follow_up_url"].startswith(
        f"http://127.0.0.1:8000/follow-up/{receipt['reference']}/"
    )
    assert receipt["advice"], "a victim always gets a plan"
    for step in receipt["advice"]:
        assert {"id", "urgency", "text"} <= set(step)
        assert step["urgency"] in URGENCIES
        assert step["text"].strip()
    assert receipt["fraud_type"] == "bank_helpdesk"
    assert receipt["fraud_type_suggested"] is False


def test_the_same_external_id_again_answers_200_with_the_same_report_and_writes_nothing(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    first = submit(client, partnership, EXAMPLE)
    before = count_rows(database)
    again = client.post("/v1/reports", json=EXAMPLE, headers=partnership.headers(HELPDESK))
    assert again.status_code == 200, again.text
    assert again.json()["reference"] == first["reference"]
    assert again.json()["follow_up_url"] == first["follow_up_url"]
    assert [step["id"] for step in again.json()["advice"]] == [
        step["id"] for step in first["advice"]
    ]
    assert count_rows(database) == before


def test_a_submission_is_in_the_submitters_audit_log_with_its_recipients(
    client: TestClient, partnership: Partnership
) -> None:
    receipt = submit(client, partnership, EXAMPLE)
    entries = client.get(
        "/v1/audit", params={"action": "report.create"}, headers=partnership.headers(HELPDESK)
    ).json()["entries"]
    [entry] = entries
    assert entry["subject_id"] == receipt["reference"]
    assert entry["actor"] == f"key:{partnership.key(HELPDESK).split('_')[1]}"
    assert entry["details"] == {
        "source": "api",
        "fraud_type": "bank_helpdesk",
        "recipients": sorted(item["partner"] for item in receipt["routed_to"]),
    }


def test_the_same_external_id_from_another_reporting_point_is_another_report(
    client: TestClient, partnership: Partnership
) -> None:
    first = submit(client, partnership, EXAMPLE, by=HELPDESK)
    second = submit(client, partnership, EXAMPLE, by=POLICE)
    assert first["reference"] != second["reference"]


@pytest.mark.parametrize("partner_type", list(PartnerType))
def test_only_partners_granted_report_submit_may_submit(
    client: TestClient, database: Database, partner_type: PartnerType
) -> None:
    add_partner(database, "Partner", partner_type)
    token = add_key(database, "Partner")
    response = client.post("/v1/reports", json=EXAMPLE, headers=bearer(token))
    allowed = Permission.REPORT_SUBMIT in GRANTS[partner_type]
    assert response.status_code == (201 if allowed else 403), response.text
    if not allowed:
        assert "report:submit" in response.json()["detail"]


def test_a_bank_key_is_refused_and_nothing_is_written(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    headers = partnership.headers(ING)
    before = count_rows(database)
    response = client.post("/v1/reports", json=EXAMPLE, headers=headers)
    assert response.status_code == 403
    assert count_rows(database) == before


def test_no_key_answers_401(client: TestClient, partnership: Partnership) -> None:
    response = client.post("/v1/reports", json=EXAMPLE)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def _in_an_hour() -> str:
    return (datetime.now(UTC) + timedelta(hours=1)).isoformat()


def _payment(**changes: Any) -> dict[str, Any]:
    return {"amount_cents": 1000, "method": "transfer", "beneficiary_iban": ING_IBAN, **changes}


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        pytest.param({"fraud_type": "lottery"}, "fraud_type", "enum", id="bad fraud type"),
        pytest.param({"age_band": "80+"}, "age_band", "enum", id="bad age band"),
        pytest.param({"channel": "carrier_pigeon"}, "channel", "enum", id="bad channel"),
        pytest.param({"occurred_at": _in_an_hour()}, "occurred_at", "in_future", id="future"),
        pytest.param(
            {"occurred_at": "2025-03-01T10:00:00"}, "occurred_at", "timezone_aware", id="naive"
        ),
        pytest.param(
            {"payments": [_payment(beneficiary_iban=BAD_IBAN)]},
            "payments.0.beneficiary_iban",
            "iban_checksum",
            id="invalid beneficiary iban",
        ),
        pytest.param(
            {"identifiers": [{"value": EXAMPLE["identifiers"][0]["value"]}, {"value": "???"}]},
            "identifiers.1",
            "unknown_kind",
            id="invalid identifier",
        ),
        pytest.param(
            {"payments": [_payment(amount_cents=-100)]},
            "payments.0.amount_cents",
            "greater_than",
            id="negative amount",
        ),
        pytest.param(
            {"payments": [_payment(beneficiary_wallet=WALLET)]},
            "payments.0",
            "two_beneficiaries",
            id="iban and wallet on one payment",
        ),
        pytest.param(
            {"payments": [_payment(method="cheque")]},
            "payments.0.method",
            "enum",
            id="bad payment method",
        ),
        pytest.param({"victim_name": "Jan"}, "victim_name", "extra_forbidden", id="unknown field"),
        pytest.param(
            {"reported_at": "2025-02-28T10:00:00Z"},
            "reported_at",
            "reported_before_occurred",
            id="reported before it happened",
        ),
    ],
)
def test_an_invalid_field_answers_422_naming_it_and_writes_nothing(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    headers = partnership.headers(HELPDESK)
    before = count_rows(database)
    response = client.post("/v1/reports", json={**EXAMPLE, **changes}, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [(field, code)]
    assert field in response.json()["detail"]
    assert count_rows(database) == before


def test_a_missing_required_field_is_named(client: TestClient, partnership: Partnership) -> None:
    body = {name: value for name, value in EXAMPLE.items() if name != "channel"}
    response = client.post("/v1/reports", json=body, headers=partnership.headers(HELPDESK))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "channel"


def test_errors_and_advice_speak_english_on_request(
    client: TestClient, partnership: Partnership
) -> None:
    english = {**partnership.headers(HELPDESK), "Accept-Language": "en"}
    bad = client.post("/v1/reports", json={**EXAMPLE, "age_band": "80+"}, headers=english)
    assert bad.json()["errors"][0]["message"].startswith("Choose one of")
    receipt = client.post("/v1/reports", json=EXAMPLE, headers=english).json()
    dutch = client.post(
        "/v1/reports", json={**EXAMPLE, "external_id": "x2"}, headers=partnership.headers(HELPDESK)
    ).json()
    assert [step["id"] for step in receipt["advice"]] == [step["id"] for step in dutch["advice"]]
    assert receipt["advice"][0]["text"] != dutch["advice"][0]["text"]


def test_the_advice_api_gives_the_same_kind_of_plan(client: TestClient) -> None:
    response = client.get("/v1/advice", params={"fraud_type": "bank_helpdesk", "hours_since": 2})
    assert response.status_code == 200, response.text
    steps = response.json()["steps"]
    assert steps[0]["id"] == "call-bank-now"
    for step in steps:
        assert {"id", "urgency", "text"} <= set(step)
        assert step["urgency"] in URGENCIES


def test_a_fresh_report_gets_the_plan_the_advice_api_gives_for_its_situation(
    client: TestClient, partnership: Partnership
) -> None:
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    body = {
        **EXAMPLE,
        "occurred_at": two_hours_ago.isoformat(),
        "payments": [{**EXAMPLE["payments"][0], "method": "instant"}],
    }
    receipt = submit(client, partnership, body)
    advice = client.get(
        "/v1/advice",
        params={
            "fraud_type": "bank_helpdesk",
            "hours_since": 2,
            "payment_method": "instant",
            "channel": "phone_call",
            "age_band": "70+",
        },
    ).json()
    assert [step["id"] for step in receipt["advice"]] == [step["id"] for step in advice["steps"]]
    assert receipt["advice"][0]["id"] == "call-bank-now"


@pytest.mark.parametrize(
    ("narrative", "channel"),
    [
        ("Een medewerker van de bank belde, ik moest naar een veilige rekening overmaken.", None),
        ("Hoi mam, dit is mijn nieuwe nummer. Kun je even een rekening betalen?", "whatsapp"),
        ("I sold my bike and the buyer sent a Tikkie link to verify.", "marketplace"),
        ("Via een advertentie ging ik beleggen in crypto en kan niets opnemen.", None),
        ("", None),
    ],
)
def test_classify_needs_no_key_and_answers_a_type_and_a_confidence(
    client: TestClient, narrative: str, channel: str | None
) -> None:
    body: dict[str, Any] = {"narrative": narrative}
    if channel is not None:
        body["channel"] = channel
    response = client.post("/v1/reports/classify", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == {"fraud_type", "confidence"}
    assert 0 <= answer["confidence"] <= 1
    expected = classify(narrative, Channel(channel) if channel else None)
    assert answer["fraud_type"] == expected.fraud_type.value


def test_classify_refuses_an_unknown_channel(client: TestClient) -> None:
    response = client.post("/v1/reports/classify", json={"narrative": "x", "channel": "fax"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "channel"


def test_an_unsure_report_gets_the_suggested_type(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    narrative = "Hoi mam, mijn telefoon is kapot, dit is mijn nieuwe nummer. Kun je iets betalen?"
    receipt = submit(
        client, partnership, report(fraud_type=None, channel="whatsapp", narrative=narrative)
    )
    suggested = classify(narrative, Channel.WHATSAPP).fraud_type
    assert suggested.value == "friend_in_need"
    assert (receipt["fraud_type"], receipt["fraud_type_suggested"]) == (suggested.value, True)
    with database.read_only() as session:
        stored = session.scalars(select(Report)).one()
    assert (stored.fraud_type, stored.fraud_type_suggested) == (suggested, True)


def test_a_given_type_is_kept_even_when_the_narrative_says_otherwise(
    client: TestClient, partnership: Partnership
) -> None:
    receipt = submit(
        client,
        partnership,
        report(fraud_type="romance", channel="whatsapp", narrative="Hoi mam, nieuw nummer."),
    )
    assert (receipt["fraud_type"], receipt["fraud_type_suggested"]) == ("romance", False)


def test_a_payment_without_a_date_is_dated_the_day_it_happened(
    client: TestClient, partnership: Partnership
) -> None:
    body = report(occurred_at="2025-03-01T14:00:00+01:00", payments=[_payment()])
    reference = submit(client, partnership, body)["reference"]
    shown = client.get(f"/v1/reports/{reference}", headers=partnership.headers(HELPDESK)).json()
    assert shown["payments"][0]["paid_on"] == "2025-03-01"


def test_a_payment_just_after_midnight_dutch_time_keeps_its_dutch_date(
    client: TestClient, partnership: Partnership
) -> None:
    body = report(occurred_at="2025-03-01T00:30:00+01:00", payments=[_payment()])
    reference = submit(client, partnership, body)["reference"]
    shown = client.get(f"/v1/reports/{reference}", headers=partnership.headers(HELPDESK)).json()
    assert shown["payments"][0]["paid_on"] == "2025-03-01"
