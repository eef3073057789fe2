"""POST /v1/recovery/requests and the lists: the contract, retries, duplicates, who may do what,
who sees which request, the inbox's order and the link between victims of one mule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fraudlink.database import Database, utcnow
from fraudlink.recovery import service
from fraudlink.recovery.vocabulary import Answer, State
from fraudlink.recovery.working_days import add_working_days
from fraudlink.settings import Settings
from tests.factories import bearer
from tests.recovery.helpers import (
    AANGIFTE,
    ENGLISH,
    MONDAY,
    add_programme,
    answer_at,
    count,
    errors_of,
    file_report,
    mule,
    request_body,
    send_api,
    send_at,
    withdraw_at,
)
from tests.reports.partnership import (
    ABN_AMRO,
    ABN_IBAN,
    HELPDESK,
    ING,
    ING_IBAN,
    KPN,
    MOLLIE,
    MOLLIE_IBAN,
    POLICE,
    RABO_IBAN,
    RABOBANK,
    RESEARCH,
    Partnership,
)

WRITTEN = ("recovery_requests", "recovery_events", "audit_log")


def written(database: Database) -> dict[str, int]:
    return {table: count(database, table) for table in WRITTEN}


def test_the_contract_example_is_sent_to_the_beneficiarys_bank_with_its_deadlines(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    reference = file_report(client, partnership)
    response = client.post(
        "/v1/recovery/requests",
        json=request_body(reference, paid_on="2026-03-01"),
        headers=partnership.headers(ING),
    )
    assert response.status_code == 201, response.text
    sent = response.json()
    assert isinstance(sent["id"], int)
    assert sent["state"] == "sent"
    assert (sent["requester"], sent["receiver"], sent["awaiting"]) == (ING, ABN_AMRO, ABN_AMRO)
    assert (sent["report_reference"], sent["amount_cents"], sent["returned_cents"]) == (
        reference,
        250_000,
        0,
    )
    assert sent["aangifte_reference"] == AANGIFTE
    day = service.today(utcnow())
    assert sent["due_on"] == add_working_days(day, 5).isoformat()
    assert sent["naw_possible_on"] == add_working_days(day, 15).isoformat()
    assert (sent["overdue"], sent["first_answer_at"], sent["resolved_at"]) == (False, None, None)
    assert [(step["action"], step["state"], step["partner"]) for step in sent["history"]] == [
        ("send", "sent", ING)
    ]
    assert count(database, "recovery_requests") == 1


@pytest.mark.parametrize(
    ("requester", "victim_iban", "beneficiary", "receiver"),
    [
        (ING, ING_IBAN, ABN_IBAN, ABN_AMRO),
        (ING, ING_IBAN, MOLLIE_IBAN, MOLLIE),  # a payment provider receives
        (MOLLIE, MOLLIE_IBAN, RABO_IBAN, RABOBANK),  # a payment provider asks
    ],
)
def test_the_receiver_is_found_from_the_beneficiarys_iban(
    client: TestClient,
    partnership: Partnership,
    requester: str,
    victim_iban: str,
    beneficiary: str,
    receiver: str,
) -> None:
    reference = file_report(client, partnership, victim_iban=victim_iban)
    sent = send_api(
        client, partnership, request_body(reference, beneficiary_iban=beneficiary), by=requester
    )
    assert (sent["requester"], sent["receiver"]) == (requester, receiver)
    inbox = client.get("/v1/recovery/inbox", headers=partnership.headers(receiver)).json()
    assert [item["id"] for item in inbox["requests"]] == [sent["id"]]


def test_the_same_requester_reference_answers_with_the_first_request(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    reference = file_report(client, partnership)
    body = request_body(reference, requester_reference="ING-2026-77")
    first = client.post("/v1/recovery/requests", json=body, headers=partnership.headers(ING))
    again = client.post("/v1/recovery/requests", json=body, headers=partnership.headers(ING))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["requester_reference"] == "ING-2026-77"
    assert count(database, "recovery_requests") == 1
    assert count(database, "recovery_events") == 1


def test_the_same_payment_asked_twice_while_open_is_a_conflict_and_writes_nothing(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    reference = file_report(client, partnership)
    first = send_api(client, partnership, request_body(reference), by=ING)
    before = written(database)
    again = client.post(
        "/v1/recovery/requests",
        json=request_body(reference),
        headers={**partnership.headers(ING), **ENGLISH},
    )
    assert again.status_code == 409, again.text
    assert errors_of(again) == {("beneficiary_iban", "duplicate")}
    assert written(database) == before
    # Money split over two accounts needs a request to each bank: not a duplicate.
    split = request_body(reference, beneficiary_iban=mule("RABO"))
    assert send_api(client, partnership, split, by=ING)["receiver"] == RABOBANK
    # Once the first request is over, the payment may be asked for again.
    withdrawn = client.post(
        f"/v1/recovery/requests/{first['id']}/withdraw", json={}, headers=partnership.headers(ING)
    )
    assert withdrawn.json()["state"] == "withdrawn"
    assert send_api(client, partnership, request_body(reference), by=ING)["id"] != first["id"]


def test_a_request_that_fails_a_condition_writes_nothing(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    reference = file_report(client, partnership)
    partnership.key(ING)  # a new key is audited too
    before = written(database)
    response = client.post(
        "/v1/recovery/requests",
        json=request_body(reference, victim_consent=False, method="crypto"),
        headers=partnership.headers(ING),
    )
    assert response.status_code == 422
    assert written(database) == before


def test_without_a_key_every_endpoint_answers_401(client: TestClient) -> None:
    for method, path, body in endpoints(1):
        response = client.request(method, path, json=body)
        assert response.status_code == 401, (method, path)


def endpoints(request_id: int, reference: str = "FL-2026-000001") -> list[tuple[str, str, Any]]:
    """Every route of the recovery API that needs recovery:work (or oversight)."""
    body = request_body(reference)
    one = f"/v1/recovery/requests/{request_id}"
    return [
        ("POST", "/v1/recovery/eligibility", body),
        ("POST", "/v1/recovery/requests", body),
        ("GET", "/v1/recovery/requests", None),
        ("POST", f"{one}/answer", {"answer": "frozen"}),
        ("POST", f"{one}/naw-request", None),
        ("POST", f"{one}/naw", {"name": "A", "street": "B 1", "postcode": "1234 AB", "city": "C"}),
        ("GET", f"{one}/naw", None),
        ("POST", f"{one}/withdraw", {}),
        ("GET", "/v1/recovery/inbox", None),
        ("GET", "/v1/recovery/overdue", None),
        ("GET", "/v1/recovery/stats", None),
        ("GET", "/v1/recovery/stats.csv", None),
    ]


@pytest.mark.parametrize("outsider", [HELPDESK, KPN, POLICE, RESEARCH])
def test_a_partner_without_recovery_work_gets_403_everywhere_and_sees_no_request(
    client: TestClient, partnership: Partnership, database: Database, outsider: str
) -> None:
    reference = file_report(client, partnership)
    sent = send_api(client, partnership, request_body(reference), by=ING)
    partnership.key(outsider)  # a new key is audited too
    before = written(database)
    for method, path, body in endpoints(sent["id"], reference):
        response = client.request(method, path, json=body, headers=partnership.headers(outsider))
        assert response.status_code == 403, (method, path, response.text)
    shown = client.get(f"/v1/recovery/requests/{sent['id']}", headers=partnership.headers(outsider))
    assert shown.status_code == 404
    assert written(database) == before


def test_a_request_is_seen_by_its_two_banks_and_the_programme_only(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    programme = add_programme(database, partnership)
    reference = file_report(client, partnership)
    sent = send_api(client, partnership, request_body(reference), by=ING)
    path = f"/v1/recovery/requests/{sent['id']}"
    for reader in (ING, ABN_AMRO, programme):
        response = client.get(path, headers=partnership.headers(reader))
        assert response.status_code == 200, reader
        assert response.json()["id"] == sent["id"]
    stranger = client.get(path, headers=partnership.headers(RABOBANK))
    assert stranger.status_code == 404
    assert (
        client.get("/v1/recovery/requests/999999", headers=partnership.headers(ING)).status_code
        == 404
    )


def test_the_lists_show_what_a_bank_sent_and_received(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    reference = file_report(client, partnership)
    to_abn = send_at(database, settings, request_body(reference), by=ING)
    to_rabo = send_at(
        database, settings, request_body(reference, beneficiary_iban=RABO_IBAN), by=ING
    )
    returned = send_at(database, settings, request_body(reference, amount_cents=1_000), by=ING)
    answer_at(
        database, returned, by=ABN_AMRO, answer=Answer.RETURNED, amount_cents=1_000, now=MONDAY
    )

    def listed(name: str, **params: str) -> list[int]:
        response = client.get(
            "/v1/recovery/requests", params=params, headers=partnership.headers(name)
        )
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["requests"]]

    assert listed(ING) == [to_rabo, to_abn]  # open ones, newest first
    assert listed(ING, side="sent", status="all") == [returned, to_rabo, to_abn]
    assert listed(ABN_AMRO, side="received") == [to_abn]
    assert listed(ABN_AMRO, side="received", status="all") == [returned, to_abn]
    assert listed(ABN_AMRO, side="sent") == []
    assert listed(RABOBANK, side="received") == [to_rabo]
    assert listed(MOLLIE, side="received", status="all") == []
    bad = client.get("/v1/recovery/requests?side=both", headers=partnership.headers(ING))
    assert bad.status_code == 422


def test_the_inbox_shows_the_receiver_what_awaits_it_overdue_first(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    reference = file_report(client, partnership)
    sent_on = {
        "october": datetime(2026, 10, 5, 9, tzinfo=UTC),
        "september": MONDAY,
        "november": datetime(2026, 11, 2, 9, tzinfo=UTC),
    }
    ids = {
        month: send_at(
            database, settings, request_body(reference, amount_cents=1_000 + n), by=ING, now=now
        )
        for n, (month, now) in enumerate(sent_on.items())
    }
    today = send_api(client, partnership, request_body(reference, amount_cents=5_000), by=ING)
    # Answered ones leave the receiver's inbox.
    answered = send_at(database, settings, request_body(reference, amount_cents=6_000), by=ING)
    answer_at(database, answered, by=ABN_AMRO, answer=Answer.NO_FUNDS, now=MONDAY)

    inbox = client.get("/v1/recovery/inbox", headers=partnership.headers(ABN_AMRO)).json()
    items = inbox["requests"]
    assert [item["id"] for item in items] == [
        ids["september"],
        ids["october"],
        ids["november"],
        today["id"],
    ]
    assert [item["overdue"] for item in items] == [True, True, True, False]
    assert [item["due_on"] for item in items] == sorted(item["due_on"] for item in items)
    assert client.get("/v1/recovery/inbox", headers=partnership.headers(RABOBANK)).json() == {
        "requests": []
    }


def test_the_requesters_inbox_shows_a_request_once_name_and_address_may_be_asked(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    reference = file_report(client, partnership)
    waited = send_at(database, settings, request_body(reference, amount_cents=1_000), by=ING)
    answer_at(database, waited, by=ABN_AMRO, answer=Answer.NO_FUNDS, now=MONDAY)
    fresh = send_api(client, partnership, request_body(reference, amount_cents=2_000), by=ING)
    answered = client.post(
        f"/v1/recovery/requests/{fresh['id']}/answer",
        json={"answer": "no_funds"},
        headers=partnership.headers(ABN_AMRO),
    )
    assert answered.json()["awaiting"] == ING
    inbox = client.get("/v1/recovery/inbox", headers=partnership.headers(ING)).json()
    assert [item["id"] for item in inbox["requests"]] == [waited]
    assert inbox["requests"][0]["state"] == State.NO_FUNDS
    assert inbox["requests"][0]["due_on"] is None
    abn = client.get("/v1/recovery/inbox", headers=partnership.headers(ABN_AMRO)).json()
    assert abn == {"requests": []}


def test_the_programme_sees_every_overdue_request_and_a_bank_may_not(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    programme = add_programme(database, partnership)
    reference = file_report(client, partnership)
    late = send_at(database, settings, request_body(reference, amount_cents=1_000), by=ING)
    later = send_at(
        database,
        settings,
        request_body(reference, beneficiary_iban=MOLLIE_IBAN),
        by=ING,
        now=MONDAY + timedelta(days=7),
    )
    answered = send_at(database, settings, request_body(reference, amount_cents=3_000), by=ING)
    answer_at(database, answered, by=ABN_AMRO, answer=Answer.FROZEN, now=MONDAY)
    send_api(client, partnership, request_body(reference, amount_cents=4_000), by=ING)

    overdue = client.get("/v1/recovery/overdue", headers=partnership.headers(programme))
    assert overdue.status_code == 200, overdue.text
    assert [item["id"] for item in overdue.json()["requests"]] == [late, later]
    assert {item["receiver"] for item in overdue.json()["requests"]} == {ABN_AMRO, MOLLIE}
    for bank in (ING, ABN_AMRO):
        assert (
            client.get("/v1/recovery/overdue", headers=partnership.headers(bank)).status_code == 403
        )


def test_requests_about_the_same_mule_account_are_linked_for_those_who_may_see_them(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    programme = add_programme(database, partnership)
    the_mule = mule("ABNA", 7_777_777)
    ing_report = file_report(client, partnership, beneficiaries=[the_mule])
    rabo_report = file_report(client, partnership, victim_iban=RABO_IBAN, beneficiaries=[the_mule])
    ing_request = send_api(
        client, partnership, request_body(ing_report, beneficiary_iban=the_mule), by=ING
    )
    rabo_request = send_api(
        client, partnership, request_body(rabo_report, beneficiary_iban=the_mule), by=RABOBANK
    )
    other = send_api(
        client, partnership, request_body(ing_report, beneficiary_iban=ABN_IBAN), by=ING
    )

    def shown(request_id: int, reader: str) -> dict[str, Any]:
        response = client.get(
            f"/v1/recovery/requests/{request_id}", headers=partnership.headers(reader)
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    assert rabo_request["same_beneficiary_reports"] == 2
    assert shown(ing_request["id"], ABN_AMRO)["same_beneficiary"] == [rabo_request["id"]]
    assert shown(rabo_request["id"], ABN_AMRO)["same_beneficiary"] == [ing_request["id"]]
    assert shown(ing_request["id"], programme)["same_beneficiary"] == [rabo_request["id"]]
    # A victim's bank learns that others paid the same account, not which bank asked.
    ing_view = shown(ing_request["id"], ING)
    assert (ing_view["same_beneficiary"], ing_view["same_beneficiary_reports"]) == ([], 2)
    assert (other["same_beneficiary"], other["same_beneficiary_reports"]) == ([], 1)


def test_a_withdrawn_request_is_over_and_keeps_its_reason(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    reference = file_report(client, partnership)
    request_id = send_at(database, settings, request_body(reference), by=ING)
    withdrawn = withdraw_at(database, request_id, by=ING, now=MONDAY + timedelta(days=2))
    assert withdrawn.state is State.WITHDRAWN
    assert (withdrawn.awaiting_partner_id, withdrawn.due_on) == (None, None)
    assert withdrawn.resolved_at == MONDAY + timedelta(days=2)
    assert withdrawn.reason == "The victim was paid by the webshop."
    by_receiver = client.post(
        f"/v1/recovery/requests/{request_id}/withdraw",
        json={},
        headers=bearer(partnership.key(ABN_AMRO)),
    )
    assert by_receiver.status_code == 403
