"""The PNBF conditions: each one met or failed by itself and named in the 422, the check that
writes nothing, and the settings that change the conditions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from schwifty import IBAN

from fraudlink.database import Database, utcnow
from fraudlink.recovery import service
from fraudlink.recovery.schemas import RecoveryRequestIn
from fraudlink.recovery.vocabulary import Condition
from fraudlink.settings import Settings
from tests.recovery.helpers import (
    ENGLISH,
    count,
    errors_of,
    file_report,
    principal,
    request_body,
    rules,
)
from tests.reports.partnership import (
    ABN_AMRO,
    ING,
    ING_IBAN,
    MOLLIE,
    RABO_IBAN,
    TRIODOS_IBAN,
    Partnership,
    client_with,
    iban,
)

BELGIAN = IBAN.generate("BE", bank_code="539", account_code="0075470").compact
GERMAN = IBAN.generate("DE", bank_code="37040044", account_code="0532013000").compact
CONDITIONS = [condition.value for condition in Condition]


def post(
    client: TestClient, partnership: Partnership, body: dict[str, Any], *, by: str = ING
) -> Any:
    return client.post(
        "/v1/recovery/requests", json=body, headers={**partnership.headers(by), **ENGLISH}
    )


def check(
    client: TestClient, partnership: Partnership, body: dict[str, Any], *, by: str = ING
) -> dict[str, bool]:
    """POST /v1/recovery/eligibility: each condition, met or not."""
    response = client.post(
        "/v1/recovery/eligibility", json=body, headers={**partnership.headers(by), **ENGLISH}
    )
    assert response.status_code == 200, response.text
    result = response.json()
    met = {item["condition"]: item["met"] for item in result["conditions"]}
    assert result["eligible"] == all(met.values())
    return met


@pytest.fixture
def reference(client: TestClient, partnership: Partnership) -> str:
    """A report of an ING customer without an aangifte."""
    return file_report(client, partnership)


@pytest.mark.parametrize(
    ("changes", "failed"),
    [
        ({"victim_consent": False}, {("victim_consent", "condition_victim_consent_failed")}),
        ({"aangifte_reference": None}, {("aangifte_reference", "condition_aangifte_failed")}),
        ({"method": "crypto"}, {("method", "condition_method_failed")}),
        ({"method": "card"}, {("method", "condition_method_failed")}),
        ({"paid_on": "2024-01-15"}, {("paid_on", "condition_age_failed")}),
        (
            {"beneficiary_iban": BELGIAN},
            {
                ("beneficiary_iban", "condition_beneficiary_in_scope_failed"),
                ("beneficiary_iban", "condition_beneficiary_partner_failed"),
            },
        ),
        (
            {"beneficiary_iban": GERMAN},
            {
                ("beneficiary_iban", "condition_beneficiary_in_scope_failed"),
                ("beneficiary_iban", "condition_beneficiary_partner_failed"),
            },
        ),
        (
            {"beneficiary_iban": TRIODOS_IBAN},
            {("beneficiary_iban", "condition_beneficiary_partner_failed")},
        ),
        (
            {"beneficiary_iban": iban("INGB", 7_654_321)},
            {("beneficiary_iban", "condition_not_own_account_failed")},
        ),
        ({"victim_iban": GERMAN}, {("victim_iban", "condition_victim_in_scope_failed")}),
    ],
    ids=[
        "no-consent",
        "no-aangifte",
        "crypto",
        "card",
        "too-old",
        "belgian-beneficiary",
        "german-beneficiary",
        "bank-outside-partnership",
        "own-bank",
        "foreign-victim",
    ],
)
def test_each_failed_condition_is_named_and_nothing_is_sent(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    reference: str,
    changes: dict[str, Any],
    failed: set[tuple[str, str]],
) -> None:
    response = post(client, partnership, request_body(reference, **changes))
    assert response.status_code == 422, response.text
    assert errors_of(response) == failed
    assert count(database, "recovery_requests") == 0


def test_every_failed_condition_is_named_at_once(
    client: TestClient, partnership: Partnership, reference: str
) -> None:
    body = request_body(
        reference,
        victim_consent=False,
        aangifte_reference=None,
        method="crypto",
        paid_on="2024-01-15",
        beneficiary_iban=TRIODOS_IBAN,
        victim_iban=GERMAN,
    )
    response = post(client, partnership, body)
    assert response.status_code == 422
    assert {field for field, _code in errors_of(response)} == {
        "victim_consent",
        "aangifte_reference",
        "method",
        "paid_on",
        "beneficiary_iban",
        "victim_iban",
    }
    for message in ("consent", "transfer", "13", "trio"):
        assert message in response.json()["detail"].lower(), message


@pytest.mark.parametrize("method", ["transfer", "instant", "ideal"])
def test_a_transfer_instant_payment_or_payment_request_may_be_asked_back(
    client: TestClient, partnership: Partnership, reference: str, method: str
) -> None:
    response = post(client, partnership, request_body(reference, method=method))
    assert response.status_code == 201, response.text
    assert response.json()["method"] == method


def test_the_aangifte_of_the_report_is_enough(client: TestClient, partnership: Partnership) -> None:
    reference = file_report(client, partnership, aangifte_reference="PL1300-2026-42")
    response = post(client, partnership, request_body(reference, aangifte_reference=None))
    assert response.status_code == 201, response.text
    assert response.json()["aangifte_reference"] == "PL1300-2026-42"


def test_a_payment_of_exactly_13_months_ago_is_in_time_and_a_day_older_is_not(
    client: TestClient, partnership: Partnership, reference: str
) -> None:
    oldest = service.months_before(service.today(utcnow()), 13)
    assert check(client, partnership, request_body(reference, paid_on=oldest.isoformat()))["age"]
    older = oldest - timedelta(days=1)
    assert not check(client, partnership, request_body(reference, paid_on=older.isoformat()))["age"]


@pytest.mark.parametrize(
    ("now", "oldest"),
    [
        (datetime(2026, 3, 31, 12, tzinfo=UTC), date(2025, 2, 28)),  # February is shorter
        (datetime(2026, 11, 15, 12, tzinfo=UTC), date(2025, 10, 15)),
        # 23:30 UTC on 31 December is already New Year's Day in Amsterdam.
        (datetime(2025, 12, 31, 23, 30, tzinfo=UTC), date(2024, 12, 1)),
    ],
)
def test_the_age_boundary_is_13_calendar_months_in_dutch_time(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    settings: Settings,
    reference: str,
    now: datetime,
    oldest: date,
) -> None:
    assert service.months_before(service.today(now), 13) == oldest
    ing = principal(database, ING)

    def in_time(paid_on: date) -> bool:
        draft = RecoveryRequestIn.model_validate(request_body(reference, paid_on=str(paid_on)))
        with database.read_only() as session:
            assessment = service.assess(
                session, draft, requester_id=ing.partner_id, rules=rules(settings), now=now
            )
        [age] = [check for check in assessment.checks if check.condition is Condition.AGE]
        return age.met

    assert in_time(oldest)
    assert not in_time(oldest - timedelta(days=1))


def test_an_unknown_report_is_named(client: TestClient, partnership: Partnership) -> None:
    response = post(client, partnership, request_body("FL-2026-999999"))
    assert response.status_code == 422
    assert errors_of(response) == {("report_reference", "report_not_found")}


def test_a_report_of_another_banks_customer_is_refused(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    reference = file_report(client, partnership, victim_iban=RABO_IBAN)
    for path in ("/v1/recovery/requests", "/v1/recovery/eligibility"):
        response = client.post(path, json=request_body(reference), headers=partnership.headers(ING))
        assert response.status_code == 422, path
        assert errors_of(response) == {("report_reference", "report_of_other_bank")}
    assert count(database, "recovery_requests") == 0


def test_a_report_without_the_victims_account_may_be_asked_on_by_any_bank(
    client: TestClient, partnership: Partnership
) -> None:
    reference = file_report(client, partnership, victim_iban=None)
    response = post(
        client, partnership, request_body(reference, beneficiary_iban=ING_IBAN), by=MOLLIE
    )
    assert response.status_code == 201, response.text
    # Without the victim's account, a foreign one given for it fails.
    other = post(
        client,
        partnership,
        request_body(reference, beneficiary_iban=ING_IBAN, victim_iban=BELGIAN, amount_cents=5),
        by=ABN_AMRO,
    )
    assert errors_of(other) == {("victim_iban", "condition_victim_in_scope_failed")}


def test_the_check_names_every_condition_and_writes_nothing(
    client: TestClient, partnership: Partnership, database: Database, reference: str
) -> None:
    partnership.key(ING)
    before = {table: count(database, table) for table in ("recovery_requests", "audit_log")}
    response = client.post(
        "/v1/recovery/eligibility",
        json=request_body(reference, method="crypto"),
        headers={**partnership.headers(ING), **ENGLISH},
    )
    assert response.status_code == 200
    result = response.json()
    assert result["eligible"] is False
    assert [item["condition"] for item in result["conditions"]] == CONDITIONS
    failed = [item for item in result["conditions"] if not item["met"]]
    assert [(item["condition"], item["field"]) for item in failed] == [("method", "method")]
    assert "ideal, instant, transfer" in failed[0]["message"]
    assert all(item["message"] for item in result["conditions"])
    assert check(client, partnership, request_body(reference)) == dict.fromkeys(CONDITIONS, True)
    after = {table: count(database, table) for table in ("recovery_requests", "audit_log")}
    assert after == before


def test_without_a_required_aangifte_none_is_needed(
    partnership: Partnership, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client_with(monkeypatch, recovery_require_aangifte="false") as client:
        reference = file_report(client, partnership)
        response = post(client, partnership, request_body(reference, aangifte_reference=None))
    assert response.status_code == 201, response.text
    assert response.json()["aangifte_reference"] is None


def test_the_allowed_methods_are_a_setting(
    partnership: Partnership, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client_with(monkeypatch, recovery_methods="transfer") as client:
        reference = file_report(client, partnership)
        assert check(client, partnership, request_body(reference, method="transfer"))["method"]
        response = post(client, partnership, request_body(reference, method="ideal"))
    assert response.status_code == 422
    assert errors_of(response) == {("method", "condition_method_failed")}


def test_the_countries_in_scope_are_a_setting(
    partnership: Partnership, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client_with(monkeypatch, recovery_countries="NL,BE") as client:
        reference = file_report(client, partnership)
        met = check(client, partnership, request_body(reference, beneficiary_iban=BELGIAN))
    assert met["beneficiary_in_scope"]
    assert not met["beneficiary_partner"]  # no Belgian bank takes part


def test_the_age_limit_is_a_setting(
    partnership: Partnership, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    three_months_ago = service.months_before(service.today(utcnow()), 3) - timedelta(days=1)
    with client_with(monkeypatch, recovery_max_age_months="3") as client:
        reference = file_report(client, partnership)
        met = check(client, partnership, request_body(reference, paid_on=str(three_months_ago)))
    assert not met["age"]
