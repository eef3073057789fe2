"""Helpers for the telecom tests: protect, check and signal through the real API; read rows.

Numbers are chosen for the rule they exercise: the partnership's KPN holds +31612 and +31613,
Odido holds +31614; the police's 0900 line and ING's 020 line are in no operator's range.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Final, TypeVar

from fastapi.testclient import TestClient
from sqlalchemy import select

from fraudlink.database import Base, Database, utcnow
from fraudlink.telecom import service
from fraudlink.telecom.service import CallContext
from tests.indicators.exchange import token_of
from tests.reports.partnership import ING, KPN, Partnership

POLICE_LINE: Final = "+319008844"  # 0900-8844: the police answer it and never call from it
BANK_LINE: Final = "+31202288800"  # ING's customer service: it calls customers back too
KPN_LINE: Final = "+31613000112"  # a protected mobile line in KPN's range
ODIDO_MOBILE: Final = "+31614000001"  # an ordinary subscriber of Odido
FOREIGN_NUMBER: Final = "+442079460958"
SUBSCRIBER: Final = "+31612000001"  # KPN's subscriber, a bank's customer
OTHER_SUBSCRIBER: Final = "+31612000002"

Row = TypeVar("Row", bound=Base)


def protect(
    client: TestClient, partnership: Partnership, number: str, *, by: str = ING, **fields: Any
) -> dict[str, Any]:
    """POST /v1/telecom/protected-numbers, which must answer 201 or 200; the number."""
    response = client.post(
        "/v1/telecom/protected-numbers",
        json={"number": number, **fields},
        headers=partnership.headers(by),
    )
    assert response.status_code in {200, 201}, response.text
    protected: dict[str, Any] = response.json()
    return protected


def check_call(
    client: TestClient,
    partnership: Partnership,
    number: str | None,
    origin: str,
    *,
    by: str = KPN,
    **fields: Any,
) -> dict[str, Any]:
    """POST /v1/telecom/calls/check, which must answer 200; the verdict and reasons."""
    response = client.post(
        "/v1/telecom/calls/check",
        json={"presented_number": number, "origin": origin, **fields},
        headers=partnership.headers(by),
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def codes(answer: dict[str, Any]) -> list[str]:
    return [reason["code"] for reason in answer["reasons"]]


def register_sender(
    client: TestClient,
    partnership: Partnership,
    name: str,
    routes: Sequence[str],
    *,
    by: str = ING,
) -> dict[str, Any]:
    """POST /v1/telecom/sms-senders, which must answer 201 or 200; the sender."""
    response = client.post(
        "/v1/telecom/sms-senders",
        json={"name": name, "routes": list(routes)},
        headers=partnership.headers(by),
    )
    assert response.status_code in {200, 201}, response.text
    sender: dict[str, Any] = response.json()
    return sender


def check_sms(
    client: TestClient, partnership: Partnership, sender: str, route: str, *, by: str = KPN
) -> dict[str, Any]:
    response = client.post(
        "/v1/telecom/sms/check",
        json={"sender": sender, "route": route},
        headers=partnership.headers(by),
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def push_signal(
    client: TestClient,
    partnership: Partnership,
    *,
    caller: str | None,
    origin: str = "domestic_network",
    started_at: datetime,
    ended_at: datetime | None = None,
    subscriber: str = SUBSCRIBER,
    by: str = KPN,
) -> dict[str, Any]:
    """POST /v1/telecom/call-signals, which must answer 202; the answer."""
    response = client.post(
        "/v1/telecom/call-signals",
        json={
            "subscriber_number": subscriber,
            "caller_number": caller,
            "origin": origin,
            "started_at": started_at.isoformat(),
            "ended_at": None if ended_at is None else ended_at.isoformat(),
        },
        headers=partnership.headers(by),
    )
    assert response.status_code == 202, response.text
    answer: dict[str, Any] = response.json()
    return answer


def rows(database: Database, model: type[Row]) -> list[Row]:
    with database.read_only() as session:
        found = list(session.scalars(select(model).order_by(model.id)))  # type: ignore[attr-defined]
        session.expunge_all()
        return found


def contexts(
    database: Database, numbers: Collection[str], *, now: datetime | None = None
) -> dict[str, CallContext]:
    """What payment decisions would learn of these subscribers' calls, by their number."""
    tokens = {token_of(database, number): number for number in numbers}
    with database.read_only() as session:
        found = service.call_contexts(session, subscriber_tokens=tokens, now=now or utcnow())
    return {tokens[token]: context for token, context in found.items()}
