"""References: FL-<year>-<number>, consecutive per year, never handed out twice, even at once."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from fraudlink.audit.service import Actor
from fraudlink.database import Database
from fraudlink.indicators.service import Policy
from fraudlink.reports import service
from fraudlink.reports.models import Report, ReportSource
from fraudlink.reports.schemas import ReportIn
from tests.reports.partnership import HELPDESK, MINIMAL, Partnership, report, submit

POSTGRESQL: Final = bool(os.environ.get("FRAUDLINK_TEST_DATABASE_URL"))
POLICY: Final = service.RoutingPolicy(
    police_threshold_cents=100_000,
    identity_fraud_desk="-",
    evidence=Policy(min_reports=2, correlation_cap=500),
)
# How long a thread waits for the other at a meeting point. It never runs out unless something
# is badly wrong: on PostgreSQL nothing holds the threads up before the points they meet at.
MEETING_TIMEOUT: Final = 10.0


def this_year() -> int:
    return datetime.now(UTC).year


def submit_directly(
    database: Database, partner_id: int, external_id: str | None = None
) -> service.Submission:
    with database.transaction() as session:
        return service.submit(
            session,
            report=ReportIn.model_validate({**MINIMAL, "external_id": external_id}),
            source=ReportSource.API,
            partner_id=partner_id,
            actor=Actor(name="cli:test"),
            policy=POLICY,
        )


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(0..count-1)`` in threads at once; each result, or the exception it raised."""
    results: list[Any] = [None] * count

    def run(number: int) -> None:
        try:
            results[number] = work(number)
        except Exception as error:  # the test looks at what went wrong
            results[number] = error

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def meet_after(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Hold each of two threads after ``service.<name>`` until the other has done it too."""
    original = getattr(service, name)
    barrier = threading.Barrier(2, timeout=MEETING_TIMEOUT)

    def then_meet(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        # Broken after the timeout: the other thread is held up by a lock (as it would be once
        # the lookup is done under one), so go on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return result

    monkeypatch.setattr(service, name, then_meet)


def let_others_block_after(monkeypatch: pytest.MonkeyPatch, name: str, database: Database) -> None:
    """Hold the first thread through ``service.<name>`` until another transaction waits on a lock
    (PostgreSQL's pg_stat_activity says so): it cannot commit before the other has run into it."""
    original = getattr(service, name)
    first = threading.Lock()

    def then_wait_for_a_blocked_writer(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if first.acquire(blocking=False):
            deadline = time.monotonic() + MEETING_TIMEOUT
            with database.engine.connect() as connection:
                while time.monotonic() < deadline and not connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ):
                    connection.rollback()  # a fresh snapshot of the activity on the next look
                    time.sleep(0.01)
        return result

    monkeypatch.setattr(service, name, then_wait_for_a_blocked_writer)


def test_references_are_consecutive_through_api_and_import(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    year = this_year()
    references = [
        submit(client, partnership, report(external_id=f"r{number}"))["reference"]
        for number in range(3)
    ]
    assert references == [f"FL-{year}-{number:06d}" for number in (1, 2, 3)]
    with database.transaction() as session:
        assert service.allocate_references(session, year=year, count=3) == [
            f"FL-{year}-{number:06d}" for number in (4, 5, 6)
        ]
    assert submit(client, partnership, report())["reference"] == f"FL-{year}-000007"


def test_every_year_counts_from_one(database: Database) -> None:
    with database.transaction() as session:
        first_2024 = service.allocate_references(session, year=2024, count=2)
        first_2025 = service.allocate_references(session, year=2025, count=1)
        second_2024 = service.allocate_references(session, year=2024, count=1)
    assert first_2024 == ["FL-2024-000001", "FL-2024-000002"]
    assert first_2025 == ["FL-2025-000001"]
    assert second_2024 == ["FL-2024-000003"]


def test_a_rolled_back_intake_gives_its_numbers_back(database: Database) -> None:
    with pytest.raises(RuntimeError), database.transaction() as session:
        service.allocate_references(session, year=2024, count=5)
        raise RuntimeError
    with database.transaction() as session:
        assert service.allocate_references(session, year=2024, count=1) == ["FL-2024-000001"]


def test_concurrent_submissions_never_share_a_reference(
    partnership: Partnership, database: Database
) -> None:
    helpdesk = partnership.ids[HELPDESK]
    submit_directly(database, helpdesk)  # this year's counter exists; see the test below

    def five(worker: int) -> list[str]:
        return [
            submit_directly(database, helpdesk, f"w{worker}-{number}").report.reference
            for number in range(5)
        ]

    results = in_threads(4, five)
    assert not [result for result in results if isinstance(result, Exception)]
    references = [reference for result in results for reference in result]
    year = this_year()
    assert sorted(references) == [f"FL-{year}-{number:06d}" for number in range(2, 22)]
    with database.read_only() as session:
        assert len(session.scalars(select(Report.reference)).all()) == 21


def test_the_first_reports_of_a_year_may_come_in_at_once(
    partnership: Partnership, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On SQLite the second writer waits for the first one's BEGIN IMMEDIATE: no race to set up.
    if POSTGRESQL:
        let_others_block_after(monkeypatch, "allocate_references", database)
    helpdesk = partnership.ids[HELPDESK]
    results = in_threads(2, lambda number: submit_directly(database, helpdesk, f"first{number}"))
    assert not [result for result in results if isinstance(result, Exception)], results
    assert {result.report.reference[-6:] for result in results} == {"000001", "000002"}


def test_a_retry_that_overtakes_the_first_attempt_gets_the_same_report(
    partnership: Partnership, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    helpdesk = partnership.ids[HELPDESK]
    submit_directly(database, helpdesk)  # this year's counter exists: only the retry races
    if POSTGRESQL:  # both look the key up before either writes (SQLite: one after the other)
        meet_after(monkeypatch, "_by_idempotency_key")
    results = in_threads(2, lambda _: submit_directly(database, helpdesk, "retried"))
    assert not [result for result in results if isinstance(result, Exception)], results
    assert len({result.report.reference for result in results}) == 1
    assert sorted(result.created for result in results) == [False, True]
