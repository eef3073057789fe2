"""Call signals: operators push them, nobody reads them back, payment decisions see them through
``call_contexts`` until they expire, and the purge forgets them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from fraudlink.cli import app as cli_app
from fraudlink.database import Base, Database, utcnow
from fraudlink.models import load_all_models
from fraudlink.settings import Settings
from fraudlink.telecom import service
from fraudlink.telecom.models import CallSignal, SpoofingEvent
from fraudlink.telecom.service import NO_CALLS, CallContext
from tests.indicators.exchange import FRAUD_PHONE, audit_entries, file_reports, token_of
from tests.reports.partnership import ING, KPN, ODIDO, POLICE, Partnership, client_with
from tests.telecom.screening import (
    BANK_LINE,
    KPN_LINE,
    OTHER_SUBSCRIBER,
    POLICE_LINE,
    SUBSCRIBER,
    check_call,
    contexts,
    protect,
    push_signal,
    rows,
)

PATH = "/v1/telecom/call-signals"
runner = CliRunner()


def minutes_ago(minutes: float) -> datetime:
    return utcnow() - timedelta(minutes=minutes)


def test_a_signal_is_accepted_with_nothing_but_its_expiry(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    protect(client, partnership, POLICE_LINE, by=POLICE, inbound_only=True)
    started = minutes_ago(3)

    answer = push_signal(client, partnership, caller=POLICE_LINE, started_at=started)

    assert set(answer) == {"accepted", "expires_at"}
    assert answer["accepted"] is True
    (signal,) = rows(database, CallSignal)
    assert signal.expires_at == started + timedelta(minutes=120)
    assert signal.subscriber_token == token_of(database, SUBSCRIBER)
    assert signal.caller_token == token_of(database, POLICE_LINE)
    assert signal.reasons == ["do_not_originate"]
    (entry,) = audit_entries(database, "telecom.call_signal")
    assert (entry.subject_type, entry.subject_id) == ("subscriber", signal.subscriber_token)
    assert entry.details == {
        "origin": "domestic_network",
        "reasons": ["do_not_originate"],
        "ended": False,
    }


def test_the_same_call_again_with_its_end_updates_the_signal(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    started = minutes_ago(8)
    push_signal(client, partnership, caller=BANK_LINE, started_at=started)
    ended = minutes_ago(1)

    answer = push_signal(client, partnership, caller=BANK_LINE, started_at=started, ended_at=ended)

    (signal,) = rows(database, CallSignal)
    assert signal.ended_at == ended
    assert signal.expires_at == ended + timedelta(minutes=10)
    assert answer["expires_at"].startswith(signal.expires_at.isoformat()[:19])
    # Another caller, another operator or another start is another call.
    push_signal(client, partnership, caller=KPN_LINE, started_at=started)
    push_signal(client, partnership, caller=BANK_LINE, started_at=started, by=ODIDO)
    push_signal(client, partnership, caller=BANK_LINE, started_at=minutes_ago(2))
    push_signal(client, partnership, caller=None, started_at=started)
    push_signal(client, partnership, caller=None, started_at=started, ended_at=ended)
    assert len(rows(database, CallSignal)) == 5


def test_the_signal_windows_are_settings(
    settings: Settings,
    partnership: Partnership,
    monkeypatch: pytest.MonkeyPatch,
    database: Database,
) -> None:
    monkeypatch.setenv("FRAUDLINK_CALL_SIGNAL_MINUTES", "3")
    monkeypatch.setenv("FRAUDLINK_CALL_SIGNAL_MAX_CALL_MINUTES", "30")
    with client_with(monkeypatch) as client:
        started, ended = minutes_ago(5), minutes_ago(1)
        push_signal(client, partnership, caller=BANK_LINE, started_at=started)
        push_signal(client, partnership, caller=KPN_LINE, started_at=started, ended_at=ended)
    running, finished = rows(database, CallSignal)
    assert running.expires_at == started + timedelta(minutes=30)
    assert finished.expires_at == ended + timedelta(minutes=3)


def test_decisions_see_the_calls_of_their_debtor_until_they_expire(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file_reports(client, partnership, 2, values=[FRAUD_PHONE])
    protect(client, partnership, POLICE_LINE, by=POLICE, inbound_only=True)
    push_signal(client, partnership, caller=FRAUD_PHONE, started_at=minutes_ago(4))
    push_signal(client, partnership, caller=POLICE_LINE, started_at=minutes_ago(2))
    push_signal(client, partnership, caller=BANK_LINE, started_at=minutes_ago(5), by=ODIDO)
    # Calls of another subscriber that no longer count: ended too long ago, or never ended.
    push_signal(
        client,
        partnership,
        subscriber=OTHER_SUBSCRIBER,
        caller=POLICE_LINE,
        started_at=minutes_ago(40),
        ended_at=minutes_ago(11),
    )
    push_signal(
        client,
        partnership,
        subscriber=OTHER_SUBSCRIBER,
        caller=FRAUD_PHONE,
        started_at=minutes_ago(121),
    )

    found = contexts(database, [SUBSCRIBER, OTHER_SUBSCRIBER, "+31612000003"])

    assert set(found) == {SUBSCRIBER}
    context = found[SUBSCRIBER]
    assert context.in_call
    assert context.caller_reasons == {"reported_fraud_number", "do_not_originate"}
    assert not context.spoofed_call
    assert len(context.signal_ids) == 3
    assert list(context.signal_ids) == sorted(context.signal_ids)
    assert set(context.signal_ids) == {
        signal.id
        for signal in rows(database, CallSignal)
        if signal.subscriber_token == token_of(database, SUBSCRIBER)
    }
    # Two hours on, nothing counts any more.
    assert contexts(database, [SUBSCRIBER], now=utcnow() + timedelta(hours=2)) == {}


def test_a_recent_spoofed_call_counts_for_its_callee_within_the_memory_window(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    protect(client, partnership, POLICE_LINE, by=POLICE, inbound_only=True)
    callee = token_of(database, SUBSCRIBER)
    check_call(client, partnership, POLICE_LINE, "international", callee_token=callee)
    other = token_of(database, OTHER_SUBSCRIBER)
    check_call(client, partnership, BANK_LINE, "own_network", callee_token=other)  # allowed

    found = contexts(database, [SUBSCRIBER, OTHER_SUBSCRIBER])

    assert found == {SUBSCRIBER: CallContext(False, frozenset(), True, ())}
    assert contexts(database, [SUBSCRIBER], now=utcnow() + timedelta(minutes=61)) == {}


def test_no_endpoint_gives_signals_back(client: TestClient, partnership: Partnership) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    signal_paths = {path: set(operations) for path, operations in paths.items() if "signal" in path}
    assert signal_paths == {PATH: {"post"}}
    for method in ("get", "put", "patch", "delete"):
        response = client.request(method, PATH, headers=partnership.headers(KPN))
        assert response.status_code == 405, method
    assert client.get(f"{PATH}/1", headers=partnership.headers(KPN)).status_code == 404
    readable = [path for path, operations in paths.items() if "get" in operations]
    assert not [path for path in readable if "signal" in path or "call" in path]


def test_only_operators_push_signals(client: TestClient, partnership: Partnership) -> None:
    body = {
        "subscriber_number": SUBSCRIBER,
        "caller_number": BANK_LINE,
        "origin": "domestic_network",
        "started_at": minutes_ago(1).isoformat(),
    }
    assert client.post(PATH, json=body, headers=partnership.headers(ING)).status_code == 403
    assert client.post(PATH, json=body).status_code == 401


def test_the_raw_subscriber_number_is_never_stored(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    push_signal(client, partnership, caller=BANK_LINE, started_at=minutes_ago(1))
    push_signal(
        client, partnership, caller=None, started_at=minutes_ago(1), ended_at=minutes_ago(0.5)
    )

    load_all_models()
    dump = []
    with database.read_only() as session:
        for table in Base.metadata.sorted_tables:
            # The names come from the models' own metadata, never from input.
            found = session.execute(text(f"SELECT * FROM {table.name}"))  # noqa: S608
            dump += [str(tuple(row)) for row in found]
    everything = "\n".join(dump)
    for spelling in (SUBSCRIBER, SUBSCRIBER.removeprefix("+"), "0" + SUBSCRIBER[3:]):
        assert spelling not in everything
    assert token_of(database, SUBSCRIBER) in everything


def test_the_purge_forgets_what_may_no_longer_be_used(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    protect(client, partnership, POLICE_LINE, by=POLICE, inbound_only=True)
    push_signal(client, partnership, caller=BANK_LINE, started_at=minutes_ago(130))  # expired
    push_signal(client, partnership, caller=POLICE_LINE, started_at=minutes_ago(2))
    callee = token_of(database, SUBSCRIBER)
    check_call(client, partnership, POLICE_LINE, "domestic_network", callee_token=callee)

    assert _purge() == {"signals": 1, "callees": 0, "events": 0, "blocks": 0}
    (kept,) = rows(database, CallSignal)
    assert kept.reasons == ["do_not_originate"]

    later = utcnow() + timedelta(minutes=61)
    with database.transaction() as session:
        purged = service.purge(session, now=later)
    assert purged == service.Purged(signals=0, callees=1, events=0, sms_blocks=0)
    (event,) = rows(database, SpoofingEvent)
    assert (event.callee_token, event.callee_until) == (None, None)
    assert not contexts(database, [SUBSCRIBER])[SUBSCRIBER].spoofed_call

    with database.transaction() as session:
        purged = service.purge(session, now=utcnow() + timedelta(days=31))
    assert purged.events == 1
    assert rows(database, SpoofingEvent) == []


def _purge() -> dict[str, int]:
    """``fraudlink telecom purge``; the counts it printed."""
    result = runner.invoke(cli_app, ["telecom", "purge"], env={"LANG": "en_GB.UTF-8"})
    assert result.exit_code == 0, result.output
    numbers = [int(word) for word in result.stdout.replace(",", " ").split() if word.isdigit()]
    signals, events, blocks, callees = numbers
    return {"signals": signals, "callees": callees, "events": events, "blocks": blocks}


def test_no_calls_is_the_empty_context() -> None:
    assert CallContext(False, frozenset(), False, ()) == NO_CALLS


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"subscriber_number": "06-1234"}, "subscriber_number", None),
        ({"subscriber_number": None}, "subscriber_number", None),
        ({"caller_number": "anonymous"}, "caller_number", "phone_characters"),
        ({"origin": "satellite"}, "origin", "enum"),
        ({"started_at": "2026-01-01T10:00:00"}, "started_at", "timezone_aware"),
        ({"started_at": None}, "started_at", None),
        ("future", "started_at", "in_future"),
        ("ended_first", "ended_at", "ended_before_start"),
    ],
)
def test_bad_input_names_the_field(
    client: TestClient,
    partnership: Partnership,
    changes: dict[str, Any] | str,
    field: str,
    code: str | None,
) -> None:
    body: dict[str, Any] = {
        "subscriber_number": SUBSCRIBER,
        "caller_number": BANK_LINE,
        "origin": "domestic_network",
        "started_at": minutes_ago(5).isoformat(),
    }
    if changes == "future":
        body["started_at"] = (utcnow() + timedelta(hours=1)).isoformat()
    elif changes == "ended_first":
        body["ended_at"] = minutes_ago(6).isoformat()
    else:
        assert isinstance(changes, dict)
        body |= changes
    response = client.post(PATH, json=body, headers=partnership.headers(KPN))
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["field"] == field
    if code is not None:
        assert error["code"] == code
