"""Two partners acting on one request at once: exactly one moves it, the other gets 409, and the
history holds one step. Runs on SQLite (writers queue) and PostgreSQL (the version decides)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fraudlink.access.service import Principal
from fraudlink.database import Database
from fraudlink.errors import Conflict
from fraudlink.recovery import service
from fraudlink.recovery.models import RecoveryRequest
from fraudlink.recovery.schemas import AnswerIn
from fraudlink.recovery.vocabulary import Action, Answer, State
from fraudlink.settings import Settings
from tests.factories import add_key, bearer
from tests.recovery.helpers import (
    MONDAY,
    events,
    file_report,
    principal,
    request_body,
    rules,
    send_api,
    send_at,
    stored,
)
from tests.reports.partnership import ABN_AMRO, ING, Partnership

ROUNDS = 3


def at_once(*work: Callable[[], Any]) -> list[Any]:
    """Run each callable in its own thread, released together; their results or exceptions."""
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work[index]()
        except Exception as error:  # the test inspects what each thread met
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()
    return results


@pytest.mark.parametrize(
    "answers",
    [("frozen", "frozen"), ("no_funds", "account_closed"), ("refused", "account_closed")],
    ids=["same-answer", "no-funds-or-closed", "refused-or-closed"],
)
def test_two_answers_at_once_through_the_api_move_the_request_once(
    client: TestClient, partnership: Partnership, database: Database, answers: tuple[str, str]
) -> None:
    reference = file_report(client, partnership)
    # Two people of the beneficiary's bank, each with a key of their own.
    keys = [partnership.key(ABN_AMRO), add_key(database, ABN_AMRO)]
    for round_ in range(ROUNDS):
        sent = send_api(
            client, partnership, request_body(reference, amount_cents=10_000 + round_), by=ING
        )
        path = f"/v1/recovery/requests/{sent['id']}/answer"

        def answering(key: str, answer: str, path: str = path) -> Callable[[], Any]:
            body = {"answer": answer, "reason": "Not a fraud case."}
            return lambda: client.post(path, json=body, headers=bearer(key))

        work = [answering(key, answer) for key, answer in zip(keys, answers, strict=True)]
        responses = at_once(*work)
        assert sorted(response.status_code for response in responses) == [200, 409], [
            response.text for response in responses
        ]
        [winner] = [response for response in responses if response.status_code == 200]
        [loser] = [response for response in responses if response.status_code == 409]
        assert f"'{winner.json()['state']}'" in loser.json()["detail"]
        request = stored(database, sent["id"])
        assert request.state == winner.json()["state"]
        assert request.version == 2
        assert events(database, sent["id"], Action.ANSWER) == 1


def answer_in_thread(
    database: Database, request_id: int, who: Principal, answer: Answer
) -> RecoveryRequest:
    with database.transaction() as session:
        return service.answer(
            session,
            request_id=request_id,
            reply=AnswerIn(answer=answer),
            principal=who,
            now=MONDAY + timedelta(days=1),
        )


def test_an_answer_made_on_what_another_partner_just_changed_is_refused(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A reads the request (state sent, version 1); B answers and commits; A's answer, judged on
    what it read, must not apply. On PostgreSQL the version A read decides; SQLite lets B in
    only after A has finished."""
    reference = file_report(client, partnership)
    request_id = send_at(database, settings, request_body(reference), by=ING)
    receiver = principal(database, ABN_AMRO)
    a_has_read = threading.Event()
    b_is_done = threading.Event()
    postgresql = database.engine.dialect.name == "postgresql"
    movable = service._movable  # the moment between reading and writing is wrapped

    def slow_movable(session: Session, request_id: int, move: Any, who: Principal) -> Any:
        request = movable(session, request_id, move, who)
        if threading.current_thread().name == "A":
            a_has_read.set()
            # PostgreSQL: B commits meanwhile. SQLite: B waits for A's write lock, so A goes
            # on alone after a moment.
            b_is_done.wait(timeout=10 if postgresql else 0.2)
        return request

    monkeypatch.setattr(service, "_movable", slow_movable)
    outcome: dict[str, Any] = {}

    def run(name: str, answer: Answer) -> None:
        if name == "B":
            a_has_read.wait(timeout=10)
        try:
            outcome[name] = answer_in_thread(database, request_id, receiver, answer)
        except Conflict as conflict:
            outcome[name] = conflict
        finally:
            if name == "B":
                b_is_done.set()

    threads = [
        threading.Thread(target=run, name="A", args=("A", Answer.NO_FUNDS)),
        threading.Thread(target=run, name="B", args=("B", Answer.ACCOUNT_CLOSED)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    conflicts = {name for name, result in outcome.items() if isinstance(result, Conflict)}
    assert len(outcome) == 2
    assert len(conflicts) == 1, outcome
    request = stored(database, request_id)
    assert (request.version, events(database, request_id, Action.ANSWER)) == (2, 1)
    if postgresql:
        # A had read version 1 before B moved it: the version check refused A's write.
        assert conflicts == {"A"}
        assert outcome["A"].message_key == "recovery.changed_meanwhile"
        assert outcome["A"].params["state"] == "account_closed"
        assert request.state is State.ACCOUNT_CLOSED
    else:
        assert conflicts == {"B"}
        assert outcome["B"].message_key == "recovery.invalid_transition"
        assert request.state is State.NO_FUNDS


def test_two_workers_keeping_up_at_once_remind_once(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    reference = file_report(client, partnership)
    request_id = send_at(database, settings, request_body(reference), by=ING)
    due_on = stored(database, request_id).due_on
    assert due_on is not None
    the_day_before = MONDAY + timedelta(days=(due_on - MONDAY.date()).days - 1)

    def keep_up() -> service.Upkept:
        with database.transaction() as session:
            return service.upkeep(session, rules=rules(settings), now=the_day_before)

    for _round in range(ROUNDS):
        results = at_once(keep_up, keep_up)
        assert not [result for result in results if isinstance(result, Exception)], results
    assert events(database, request_id, Action.REMIND) == 1
