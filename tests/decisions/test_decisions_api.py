"""POST /v1/decisions and /batch through the real app and database: outcomes, reasons, profiles,
the bank's own view of its decisions, errors that name the field, and who may ask."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fraudlink.database import Database
from fraudlink.decisions.models import DebtorProfile, Decision
from tests.decisions.payments import (
    CUSTOMER,
    LANDLORD,
    MULE,
    codes,
    decide,
    decide_many,
    payment,
    reason,
    report_mule,
)
from tests.reports.partnership import (
    ABN_AMRO,
    HELPDESK,
    ING,
    KPN,
    MOLLIE,
    POLICE,
    RESEARCH,
    Partnership,
    iban,
)


def count_decisions(database: Database) -> int:
    with database.read_only() as session:
        return session.scalar(select(func.count()).select_from(Decision)) or 0


def test_the_contract_example_answers_with_an_outcome_score_reasons_and_version(
    client: TestClient, partnership: Partnership
) -> None:
    decision = decide(client, partnership, payment())
    assert set(decision) >= {"id", "outcome", "score", "reasons", "rules_version"}
    assert decision["outcome"] in {"allow", "warn", "delay", "block"}
    assert decision["rules_version"] == "2026.11-1"
    for item in decision["reasons"]:
        assert item["code"] and item["nl"] and item["en"]


def test_a_payment_to_a_reported_mule_is_stopped_with_the_facts_that_fired(
    client: TestClient, partnership: Partnership
) -> None:
    report_mule(client, partnership)
    decision = decide(client, partnership, payment())
    assert decision["outcome"] in {"delay", "block"}
    assert {"creditor_reported", "creditor_reported_often"} <= codes(decision)
    facts = reason(decision, "creditor_reported")["facts"]
    assert facts == {"creditor_reported": True, "creditor_report_count": 2}
    assert "2 reports" in reason(decision, "creditor_reported_often")["en"]
    assert decision["customer_warning"]["en"].startswith("This account was reported")


def test_a_regular_payment_to_a_known_creditor_is_allowed(
    client: TestClient, partnership: Partnership
) -> None:
    rent = payment(
        creditor_iban=LANDLORD, creditor_name="Woonstichting De Linie", amount_cents=95_000
    )
    del rent["new_creditor"]  # the engine judges from the profile it keeps
    decide_many(client, partnership, [rent] * 6)
    decision = decide(client, partnership, rent)
    assert (decision["outcome"], decision["score"], decision["reasons"]) == ("allow", 0, [])
    assert decision["customer_warning"] is None


def test_an_amount_far_above_the_customers_usual_is_named(
    client: TestClient, partnership: Partnership
) -> None:
    usual = payment(creditor_iban=LANDLORD, amount_cents=20_000, new_creditor=False)
    decide_many(client, partnership, [usual] * 5)
    decision = decide(client, partnership, usual | {"amount_cents": 90_000})
    assert reason(decision, "amount_far_above_usual")["facts"]["amount_over_max"] == 4.5


def test_a_name_that_does_not_match_the_account_is_named(
    client: TestClient, partnership: Partnership
) -> None:
    landlord = payment(creditor_iban=LANDLORD, creditor_name="Woonstichting De Linie")
    decide_many(client, partnership, [landlord, landlord])
    decision = decide(client, partnership, landlord | {"creditor_name": "J. de Vries"})
    assert "payee_name_mismatch" in codes(decision)
    again = decide(client, partnership, landlord | {"creditor_name": "WOONSTICHTING LINIE"})
    assert "payee_name_mismatch" not in codes(again)


def test_the_batch_answers_in_the_same_order_and_sees_its_own_earlier_payments(
    client: TestClient, partnership: Partnership
) -> None:
    report_mule(client, partnership)
    bodies = [
        payment(creditor_iban=LANDLORD, amount_cents=10_000, reference="p-1"),
        payment(reference="p-2"),
        payment(creditor_iban=LANDLORD, amount_cents=12_000, reference="p-3"),
    ]
    for body in bodies:
        del body["new_creditor"]
    decisions = decide_many(client, partnership, bodies)
    assert [decision["reference"] for decision in decisions] == ["p-1", "p-2", "p-3"]
    assert "creditor_reported" in codes(decisions[1])
    assert "creditor_reported" not in codes(decisions[0]) | codes(decisions[2])
    # The third pays the landlord the first paid: no longer a new creditor.
    assert decisions[2]["outcome"] == "allow"
    assert len({decision["id"] for decision in decisions}) == 3


def test_tokens_stand_in_for_raw_accounts(client: TestClient, partnership: Partnership) -> None:
    report_mule(client, partnership)
    mule_token, customer_token = (
        client.post(
            "/v1/identifiers/parse", json={"value": value}, headers=partnership.headers(ING)
        ).json()["token"]
        for value in (MULE, CUSTOMER)
    )
    body = payment(creditor_token=mule_token, debtor_token=customer_token)
    del body["creditor_iban"], body["debtor_iban"]
    assert "creditor_reported" in codes(decide(client, partnership, body))


def test_the_profile_is_kept_per_bank(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    decide(client, partnership, payment(), by=ING)
    decide(client, partnership, payment(), by=MOLLIE)
    with database.read_only() as session:
        rows = session.scalars(select(DebtorProfile)).all()
    assert sorted(row.partner_id for row in rows) == sorted(
        [partnership.ids[ING], partnership.ids[MOLLIE]]
    )
    assert all(row.payments == 1 for row in rows)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (payment(creditor_iban="NL91ABNA0417164301"), "creditor_iban"),
        (payment(debtor_phone="12"), "debtor_phone"),
        (payment(amount_cents=0), "amount_cents"),
        (payment(channel="fax"), "channel"),
        (payment(debtor_age_band="old"), "debtor_age_band"),
        ({k: v for k, v in payment().items() if k != "creditor_iban"}, "creditor_iban"),
        (payment(creditor_token="ab" * 32), "creditor_iban"),
        (payment(surprise=1), "surprise"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    body: dict[str, Any],
    field: str,
) -> None:
    response = client.post("/v1/decisions", json=body, headers=partnership.headers(ING))
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
    assert count_decisions(database) == 0


def test_one_bad_payment_refuses_the_whole_batch(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    bodies = [payment(), payment(creditor_iban="NL00XXXX"), payment()]
    response = client.post(
        "/v1/decisions/batch", json={"payments": bodies}, headers=partnership.headers(ING)
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["payments.1.creditor_iban"]
    assert count_decisions(database) == 0


@pytest.mark.parametrize(
    "body", [{"payments": []}, {"payments": {}}, {"payment": [payment()]}, [payment()]]
)
def test_a_batch_of_the_wrong_shape_is_refused(
    client: TestClient, partnership: Partnership, body: Any
) -> None:
    response = client.post("/v1/decisions/batch", json=body, headers=partnership.headers(ING))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "payments"


def test_errors_speak_dutch_by_default_and_english_on_request(
    client: TestClient, partnership: Partnership
) -> None:
    body = {k: v for k, v in payment().items() if k != "creditor_iban"}
    dutch = client.post("/v1/decisions", json=body, headers=partnership.headers(ING))
    english = client.post(
        "/v1/decisions",
        json=body,
        headers=partnership.headers(ING) | {"Accept-Language": "en"},
    )
    assert "rekening" in dutch.json()["errors"][0]["message"]
    assert "account" in english.json()["errors"][0]["message"]


@pytest.mark.parametrize("partner", [KPN, POLICE, HELPDESK, RESEARCH])
def test_only_banks_and_payment_providers_may_ask(
    client: TestClient, partnership: Partnership, partner: str
) -> None:
    response = client.post("/v1/decisions", json=payment(), headers=partnership.headers(partner))
    assert response.status_code == 403
    batch = client.post(
        "/v1/decisions/batch",
        json={"payments": [payment()]},
        headers=partnership.headers(partner),
    )
    assert batch.status_code == 403


def test_without_a_key_the_answer_is_401(client: TestClient) -> None:
    assert client.post("/v1/decisions", json=payment()).status_code == 401


def test_a_bank_sees_and_judges_only_its_own_decisions(
    client: TestClient, partnership: Partnership
) -> None:
    decision = decide(client, partnership, payment(), by=ING)
    own = client.get(f"/v1/decisions/{decision['id']}", headers=partnership.headers(ING))
    assert own.status_code == 200
    assert own.json()["reasons"] == decision["reasons"]
    other = client.get(f"/v1/decisions/{decision['id']}", headers=partnership.headers(ABN_AMRO))
    assert other.status_code == 404
    outcome = client.post(
        f"/v1/decisions/{decision['id']}/outcome",
        json={"outcome": "confirmed_fraud"},
        headers=partnership.headers(ABN_AMRO),
    )
    assert outcome.status_code == 404
    listed = client.get("/v1/decisions", headers=partnership.headers(ABN_AMRO))
    assert listed.json()["decisions"] == []


def test_the_allow_list_lets_a_trusted_creditor_through(
    client: TestClient, partnership: Partnership
) -> None:
    report_mule(client, partnership)
    added = client.post(
        "/v1/decisions/allow-list",
        json={"creditor_iban": MULE, "note": "Belastingdienst"},
        headers=partnership.headers(ING),
    )
    assert added.status_code == 201, added.text
    decision = decide(client, partnership, payment())
    assert (decision["outcome"], codes(decision)) == ("allow", {"allow_listed"})
    # Another bank's allow-list is its own.
    assert decide(client, partnership, payment(), by=ABN_AMRO)["outcome"] != "allow"
    entry = added.json()["id"]
    assert (
        client.delete(
            f"/v1/decisions/allow-list/{entry}", headers=partnership.headers(ABN_AMRO)
        ).status_code
        == 404
    )
    removed = client.delete(f"/v1/decisions/allow-list/{entry}", headers=partnership.headers(ING))
    assert removed.status_code == 204
    assert decide(client, partnership, payment())["outcome"] != "allow"


def test_a_foreign_creditor_is_recognised_from_its_iban(
    client: TestClient, partnership: Partnership
) -> None:
    german = "DE89370400440532013000"
    decision = decide(client, partnership, payment(creditor_iban=german, debtor_age_band="30-49"))
    assert reason(decision, "new_foreign_creditor_large")["facts"]["creditor_foreign"] is True


def test_decisions_are_stored_without_raw_values(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    decide(client, partnership, payment())
    with database.read_only() as session:
        stored = session.scalars(select(Decision)).one()
        everything = repr([getattr(stored, column.key) for column in Decision.__table__.columns])
    for raw in (CUSTOMER, MULE, "Veilige", "+31612000001", iban("INGB", 4_000_001)):
        assert raw not in everything
