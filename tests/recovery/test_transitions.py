"""The state machine: who may answer, every move from every state (allowed or 409 naming the
state), amounts and reasons of answers, the history, and deadlines in Dutch working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fraudlink.database import Database
from fraudlink.errors import Conflict
from fraudlink.recovery import service
from fraudlink.recovery.vocabulary import FINAL_STATES, Action, Answer, State
from fraudlink.recovery.working_days import add_working_days
from fraudlink.settings import Settings
from tests.recovery.helpers import (
    ENGLISH,
    MONDAY,
    NAW,
    add_programme,
    answer_api,
    answer_at,
    drive,
    errors_of,
    file_report,
    request_body,
    request_naw_at,
    send_api,
    send_at,
    stored,
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
    Partnership,
)

MOVES: list[Answer | Action] = [
    *Answer,
    Action.REQUEST_NAW,
    Action.RELEASE_NAW,
    Action.WITHDRAW,
]
# (requester, the victim's account, the beneficiary's account, receiver)
PARTIES = [
    pytest.param(ING, ING_IBAN, ABN_IBAN, ABN_AMRO, id="bank-to-bank"),
    pytest.param(ING, ING_IBAN, MOLLIE_IBAN, MOLLIE, id="bank-to-psp"),
    pytest.param(MOLLIE, MOLLIE_IBAN, RABO_IBAN, RABOBANK, id="psp-to-bank"),
]


@pytest.mark.parametrize(("requester", "victim_iban", "beneficiary", "receiver"), PARTIES)
def test_only_the_beneficiarys_bank_or_provider_may_answer(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    requester: str,
    victim_iban: str,
    beneficiary: str,
    receiver: str,
) -> None:
    programme = add_programme(database, partnership)
    reference = file_report(client, partnership, victim_iban=victim_iban)
    sent = send_api(
        client, partnership, request_body(reference, beneficiary_iban=beneficiary), by=requester
    )
    strangers = [
        name for name in (ING, ABN_AMRO, RABOBANK, MOLLIE) if name not in {requester, receiver}
    ]
    for other in [requester, *strangers, POLICE, HELPDESK, KPN, programme]:
        response = answer_api(client, partnership, sent["id"], by=other, answer="frozen")
        assert response.status_code == 403, (other, response.text)
    assert stored(database, sent["id"]).state is State.SENT
    response = answer_api(client, partnership, sent["id"], by=receiver, answer="frozen")
    assert response.status_code == 200, response.text
    assert (response.json()["state"], response.json()["awaiting"]) == ("frozen", requester)
    history = [
        (step["action"], step["state"], step["partner"]) for step in response.json()["history"]
    ]
    assert history == [("send", "sent", requester), ("answer", "frozen", receiver)]


def test_answering_without_a_key_is_401(client: TestClient) -> None:
    response = client.post("/v1/recovery/requests/1/answer", json={"answer": "frozen"})
    assert response.status_code == 401


def test_an_answer_the_state_does_not_allow_is_409_naming_the_state(
    client: TestClient, partnership: Partnership
) -> None:
    reference = file_report(client, partnership)
    sent = send_api(client, partnership, request_body(reference), by=ING)
    first = answer_api(client, partnership, sent["id"], by=ABN_AMRO, answer="frozen")
    assert first.status_code == 200
    again = answer_api(client, partnership, sent["id"], by=ABN_AMRO, answer="frozen")
    assert again.status_code == 409, again.text
    assert "'frozen'" in again.json()["detail"]
    assert errors_of(again) == {("state", "invalid_transition")}
    returned = answer_api(
        client, partnership, sent["id"], by=ABN_AMRO, answer="returned", amount_cents=250_000
    )
    assert returned.json()["state"] == "returned"
    for answer in ("no_funds", "account_closed", "frozen"):
        late = answer_api(client, partnership, sent["id"], by=ABN_AMRO, answer=answer)
        assert late.status_code == 409
        assert "'returned'" in late.json()["detail"]
        assert late.json()["errors"][0]["code"] == "invalid_transition"


def move_by_api(
    client: TestClient,
    partnership: Partnership,
    request_id: int,
    move: Answer | Action,
    *,
    amount: int,
) -> Any:
    """Make ``move`` on a request through the API, as the party whose move it is."""
    mover = ABN_AMRO if move in service.RECEIVER_MOVES else ING
    headers = {**partnership.headers(mover), **ENGLISH}
    path = f"/v1/recovery/requests/{request_id}"
    if isinstance(move, Answer):
        body: dict[str, Any] = {"answer": move.value}
        if move is Answer.RETURNED:
            body["amount_cents"] = amount
        if move is Answer.REFUSED:
            body["reason"] = "Not a fraud case."
        return client.post(f"{path}/answer", json=body, headers=headers)
    if move is Action.REQUEST_NAW:
        return client.post(f"{path}/naw-request", headers=headers)
    if move is Action.RELEASE_NAW:
        return client.post(f"{path}/naw", json=dict(NAW), headers=headers)
    assert move is Action.WITHDRAW
    return client.post(f"{path}/withdraw", json={"reason": "Paid otherwise."}, headers=headers)


@pytest.mark.parametrize("move", MOVES, ids=[move.value for move in MOVES])
def test_every_move_works_from_the_states_that_allow_it_and_is_409_from_every_other(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    settings: Settings,
    move: Answer | Action,
) -> None:
    reference = file_report(client, partnership)
    amount = 100_000
    requests: dict[State, int] = {}
    for n, state in enumerate(State):
        request_id = send_at(
            database, settings, request_body(reference, amount_cents=amount + n), by=ING
        )
        drive(
            database,
            settings,
            request_id,
            state,
            requester=ING,
            receiver=ABN_AMRO,
            amount_cents=amount + n,
        )
        assert stored(database, request_id).state is state
        requests[state] = request_id

    wrong = []
    for state, request_id in requests.items():
        before = stored(database, request_id)
        remaining = before.amount_cents - before.returned_cents
        response = move_by_api(
            client, partnership, request_id, move, amount=remaining or before.amount_cents
        )
        expected = service.TRANSITIONS.get((move, state))
        if expected is None:
            ok = (
                response.status_code == 409
                and f"'{state.value}'" in response.json()["detail"]
                and stored(database, request_id).version == before.version
            )
        else:
            ok = response.status_code == 200 and response.json()["state"] == expected.value
        if not ok:
            wrong.append((state.value, expected, response.status_code, response.text[:200]))
    assert wrong == []


def test_a_partial_return_then_the_rest_returns_the_request(
    client: TestClient, partnership: Partnership
) -> None:
    reference = file_report(client, partnership)
    sent = send_api(client, partnership, request_body(reference), by=ING)
    request_id = sent["id"]

    def answer(**body: Any) -> Any:
        return answer_api(client, partnership, request_id, by=ABN_AMRO, **body)

    frozen = answer(answer="frozen", amount_cents=200_000)
    assert (frozen.json()["state"], frozen.json()["frozen_cents"]) == ("frozen", 200_000)
    first_answer_at = frozen.json()["first_answer_at"]
    assert first_answer_at is not None

    missing = answer(answer="returned")
    assert missing.status_code == 422
    assert errors_of(missing) == {("amount_cents", "amount_missing")}
    partly = answer(answer="returned", amount_cents=100_000)
    assert partly.status_code == 200, partly.text
    partial = partly.json()
    assert (partial["state"], partial["returned_cents"]) == ("partially_returned", 100_000)
    assert (partial["awaiting"], partial["resolved_at"]) == (ING, None)

    too_much = answer(answer="returned", amount_cents=150_001)
    assert too_much.status_code == 422
    assert errors_of(too_much) == {("amount_cents", "amount_too_high")}
    assert "1500" in too_much.json()["detail"]  # what remains open

    rest = answer(answer="returned", amount_cents=150_000)
    done = rest.json()
    assert (done["state"], done["returned_cents"]) == ("returned", 250_000)
    assert (done["awaiting"], done["due_on"]) == (None, None)
    assert done["resolved_at"] is not None
    assert done["first_answer_at"] == first_answer_at  # set once, by the first answer
    assert [
        (step["action"], step["state"], step["partner"], step["amount_cents"])
        for step in done["history"]
    ] == [
        ("send", "sent", ING, None),
        ("answer", "frozen", ABN_AMRO, 200_000),
        ("answer", "partially_returned", ABN_AMRO, 100_000),
        ("answer", "returned", ABN_AMRO, 150_000),
    ]


def test_a_refusal_needs_a_reason_and_keeps_it(
    client: TestClient, partnership: Partnership
) -> None:
    reference = file_report(client, partnership)
    sent = send_api(client, partnership, request_body(reference), by=ING)
    without = answer_api(client, partnership, sent["id"], by=ABN_AMRO, answer="refused")
    assert without.status_code == 422
    assert errors_of(without) == {("reason", "reason_missing")}
    refused = answer_api(
        client,
        partnership,
        sent["id"],
        by=ABN_AMRO,
        answer="refused",
        reason="The account holder disputes the fraud; a court order is needed.",
    )
    assert refused.status_code == 200, refused.text
    shown = refused.json()
    assert shown["state"] == "refused"
    assert shown["reason"] == "The account holder disputes the fraud; a court order is needed."
    assert shown["history"][-1]["reason"] == shown["reason"]
    assert shown["resolved_at"] is not None
    assert shown["first_answer_at"] == shown["resolved_at"]


def test_final_states_set_resolved_at_and_open_ones_do_not(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    reference = file_report(client, partnership)
    for n, state in enumerate(State):
        request_id = send_at(
            database, settings, request_body(reference, amount_cents=10_000 + n), by=ING
        )
        drive(
            database,
            settings,
            request_id,
            state,
            requester=ING,
            receiver=ABN_AMRO,
            amount_cents=10_000 + n,
        )
        request = stored(database, request_id)
        assert (request.resolved_at is not None) is (state in FINAL_STATES), state
        assert (request.first_answer_at is None) is (state in {State.SENT, State.WITHDRAWN}), state
        if state is not State.SENT and state is not State.WITHDRAWN:
            assert request.first_answer_at == MONDAY + timedelta(days=1)
        assert request.version == len(request.events), state


@pytest.mark.parametrize(
    ("sent_on", "due_on", "naw_possible_on"),
    [
        # Christmas and Boxing Day: Friday 19 December's five working days end on the 30th.
        (date(2025, 12, 19), date(2025, 12, 30), date(2026, 1, 14)),
        # Good Friday and Easter Monday 2026 (3 and 6 April).
        (date(2026, 4, 1), date(2026, 4, 10), date(2026, 4, 24)),
        # King's Day (Monday 27 April), Liberation Day (Tuesday 5 May) and Ascension (14 May).
        (date(2026, 4, 24), date(2026, 5, 4), date(2026, 5, 20)),
    ],
)
def test_deadlines_are_counted_in_dutch_working_days(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    settings: Settings,
    sent_on: date,
    due_on: date,
    naw_possible_on: date,
) -> None:
    reference = file_report(client, partnership)
    sent_at = datetime(sent_on.year, sent_on.month, sent_on.day, 10, tzinfo=UTC)
    paid_on = sent_on - timedelta(days=3)
    request_id = send_at(
        database, settings, request_body(reference, paid_on=str(paid_on)), by=ING, now=sent_at
    )
    request = stored(database, request_id)
    assert (request.due_on, request.naw_possible_on) == (due_on, naw_possible_on)
    answer_at(database, request_id, by=ABN_AMRO, answer=Answer.NO_FUNDS, now=sent_at)

    day_before = datetime.combine(naw_possible_on - timedelta(days=1), sent_at.timetz())
    with pytest.raises(Conflict) as refused:
        request_naw_at(database, settings, request_id, by=ING, now=day_before)
    assert refused.value.message_key == "recovery.naw_too_early"
    assert stored(database, request_id).state is State.NO_FUNDS

    on_the_day = datetime.combine(naw_possible_on, sent_at.timetz())
    asked = request_naw_at(database, settings, request_id, by=ING, now=on_the_day)
    assert asked.state is State.NAW_REQUESTED
    assert asked.awaiting_partner_id == partnership.ids[ABN_AMRO]
    assert asked.due_on == add_working_days(naw_possible_on, 5)


def test_asking_for_name_and_address_too_early_is_409_with_the_date(
    client: TestClient, partnership: Partnership
) -> None:
    reference = file_report(client, partnership)
    sent = send_api(client, partnership, request_body(reference), by=ING)
    answer_api(client, partnership, sent["id"], by=ABN_AMRO, answer="no_funds")
    response = client.post(
        f"/v1/recovery/requests/{sent['id']}/naw-request",
        headers={**partnership.headers(ING), **ENGLISH},
    )
    assert response.status_code == 409, response.text
    assert errors_of(response) == {("state", "naw_too_early")}
    assert sent["naw_possible_on"] in response.json()["detail"]
    by_receiver = client.post(
        f"/v1/recovery/requests/{sent['id']}/naw-request", headers=partnership.headers(ABN_AMRO)
    )
    assert by_receiver.status_code == 403
