"""Group commit: decisions queued while a transaction runs share the next one, each request
still gets exactly its own decisions, and a failing transaction fails every request in it."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from fraudlink.access import service as access_service
from fraudlink.access.models import ApiKey
from fraudlink.access.service import Principal
from fraudlink.database import Database, utcnow
from fraudlink.decisions import service
from fraudlink.decisions.batcher import DecisionBatcher
from fraudlink.decisions.features import Payment
from fraudlink.decisions.models import DebtorProfile, Decision
from fraudlink.decisions.schemas import PaymentIn
from tests.decisions.payments import LANDLORD, payment
from tests.reports.partnership import ABN_AMRO, ABN_IBAN, ING, Partnership


def principal(database: Database, partnership: Partnership, name: str) -> Principal:
    with database.transaction() as session:
        return access_service.authenticate(session, token=partnership.key(name))


def prepared(app: FastAPI, **changes: Any) -> Payment:
    return service.prepare(
        PaymentIn.model_validate(payment(creditor_iban=LANDLORD, **changes)),
        pseudonymiser=app.state.pseudonymiser,
        name_keys=app.state.name_keys,
        now=utcnow(),
    )


async def _gathered(
    batcher: DecisionBatcher, asks: list[tuple[Principal, list[Payment]]]
) -> list[Any]:
    return await asyncio.gather(
        *(batcher.decide(who, payments) for who, payments in asks), return_exceptions=True
    )


def all_at_once(batcher: DecisionBatcher, asks: list[tuple[Principal, list[Payment]]]) -> list[Any]:
    """The asks sent together, on an event loop of their own thread: a worker that already ran
    a browser test has Playwright's loop running in this one, where asyncio.run is refused."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, _gathered(batcher, asks)).result()


def test_requests_queued_together_share_one_transaction_and_get_their_own_answers(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    ing, abn = principal(database, partnership, ING), principal(database, partnership, ABN_AMRO)
    asks = [
        (ing, [prepared(app, reference="ing-1")]),
        (abn, [prepared(app, reference="abn-1", debtor_iban=ABN_IBAN)]),
        (ing, [prepared(app, reference="ing-2"), prepared(app, reference="ing-3")]),
    ]
    answers = all_at_once(app.state.decision_batcher, asks)
    assert [[one.reference for one in answer] for answer in answers] == [
        ["ing-1"],
        ["abn-1"],
        ["ing-2", "ing-3"],
    ]
    with database.read_only() as session:
        stored = session.execute(select(Decision.reference, Decision.partner_id)).all()
        profiles = {row.partner_id: row.payments for row in session.scalars(select(DebtorProfile))}
    assert sorted(stored) == sorted(
        [
            ("ing-1", partnership.ids[ING]),
            ("ing-2", partnership.ids[ING]),
            ("ing-3", partnership.ids[ING]),
            ("abn-1", partnership.ids[ABN_AMRO]),
        ]
    )
    # One transaction: one moment of decision for all, and ING's profile saw its three payments.
    assert len({one.decided_at for answer in answers for one in answer}) == 1
    assert profiles == {partnership.ids[ING]: 3, partnership.ids[ABN_AMRO]: 1}


def test_a_failing_transaction_fails_every_request_in_it_and_stores_nothing(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    ing = principal(database, partnership, ING)
    decide = service.decide
    calls: list[int] = []

    def fail_on_the_second_key(**arguments: Any) -> list[service.Decided]:
        calls.append(len(arguments["payments"]))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return decide(**arguments)

    monkeypatch.setattr(
        service,
        "decide",
        lambda session, **arguments: fail_on_the_second_key(session=session, **arguments),
    )
    abn = principal(database, partnership, ABN_AMRO)
    asks = [(ing, [prepared(app)]), (abn, [prepared(app, debtor_iban=ABN_IBAN)])]
    answers = all_at_once(app.state.decision_batcher, asks)
    assert [type(answer) for answer in answers] == [RuntimeError, RuntimeError]
    with database.read_only() as session:
        assert session.scalars(select(Decision)).all() == []
    # The next request opens a transaction of its own again.
    monkeypatch.setattr(service, "decide", decide)
    (answer,) = all_at_once(app.state.decision_batcher, [(ing, [prepared(app)])])
    assert len(answer) == 1


def test_concurrent_requests_over_http_are_all_decided_and_stored(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    headers = partnership.headers(ING)
    bodies = [payment(creditor_iban=LANDLORD, reference=f"p-{number}") for number in range(20)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(lambda body: client.post("/v1/decisions", json=body, headers=headers), bodies)
        )
    assert [answer.json()["reference"] for answer in answers] == [f"p-{n}" for n in range(20)]
    with database.read_only() as session:
        assert len(session.scalars(select(Decision.id)).all()) == 20
        assert session.scalars(select(DebtorProfile.payments)).one() == 20


def test_a_decision_notes_the_use_of_its_key_as_every_request_does(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    key = partnership.key(ING)
    prefix = key.split("_")[1]
    response = client.post("/v1/decisions", json=payment(), headers=partnership.headers(ING))
    assert response.status_code == 200
    with database.read_only() as session:
        used = session.scalars(select(ApiKey.last_used_at).where(ApiKey.prefix == prefix)).one()
    assert used is not None
