"""The upkeep: a reminder once per deadline, an escalation once per missed deadline, each in the
request's history and the audit log; answered requests are left alone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from fraudlink.audit.models import AuditEntry
from fraudlink.database import Database
from fraudlink.recovery import service
from fraudlink.recovery.models import RecoveryEvent
from fraudlink.recovery.vocabulary import Action, Answer, State
from fraudlink.settings import Settings
from tests.recovery.helpers import (
    MONDAY,
    answer_at,
    audit_actions,
    events,
    file_report,
    request_body,
    request_naw_at,
    rules,
    send_at,
    stored,
)
from tests.reports.partnership import ABN_AMRO, ING, Partnership


def on(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, tzinfo=UTC)


def upkeep(database: Database, settings: Settings, day: date) -> tuple[int, int, int]:
    with database.transaction() as session:
        upkept = service.upkeep(session, rules=rules(settings), now=on(day))
    return upkept.reminded, upkept.escalated, upkept.erased


def test_the_awaited_bank_is_reminded_once_and_a_missed_deadline_escalated_once(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    reference = file_report(client, partnership)
    request_id = send_at(database, settings, request_body(reference), by=ING)
    assert stored(database, request_id).due_on == date(2026, 9, 14)  # Monday a week later

    assert upkeep(database, settings, date(2026, 9, 10)) == (0, 0, 0)  # two working days left
    assert upkeep(database, settings, date(2026, 9, 11)) == (1, 0, 0)  # one: remind
    assert upkeep(database, settings, date(2026, 9, 11)) == (0, 0, 0)
    assert upkeep(database, settings, date(2026, 9, 14)) == (0, 0, 0)  # reminded already
    assert upkeep(database, settings, date(2026, 9, 15)) == (0, 1, 0)  # missed: escalate
    assert upkeep(database, settings, date(2026, 9, 15)) == (0, 0, 0)
    assert upkeep(database, settings, date(2026, 9, 30)) == (0, 0, 0)

    assert (
        events(database, request_id, Action.REMIND),
        events(database, request_id, Action.ESCALATE),
    ) == (1, 1)
    with database.read_only() as session:
        steps = session.execute(
            select(
                RecoveryEvent.action,
                RecoveryEvent.partner_id,
                RecoveryEvent.state,
                RecoveryEvent.at,
            )
            .where(RecoveryEvent.request_id == request_id)
            .order_by(RecoveryEvent.id)
        ).all()
        actors = set(
            session.scalars(
                select(AuditEntry.actor).where(
                    AuditEntry.action.in_(["recovery.remind", "recovery.escalate"])
                )
            )
        )
    assert [(step.action, step.partner_id, step.state) for step in steps] == [
        (Action.SEND, partnership.ids[ING], State.SENT),
        (Action.REMIND, None, State.SENT),
        (Action.ESCALATE, None, State.SENT),
    ]
    assert [step.at for step in steps[1:]] == [on(date(2026, 9, 11)), on(date(2026, 9, 15))]
    assert audit_actions(database, "recovery.remind", request_id) == 1
    assert audit_actions(database, "recovery.escalate", request_id) == 1
    assert actors == {"platform"}


def test_a_new_deadline_gets_its_own_reminder_and_escalation(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    reference = file_report(client, partnership)
    request_id = send_at(database, settings, request_body(reference), by=ING)
    assert upkeep(database, settings, date(2026, 9, 15)) == (0, 1, 0)  # never reminded: too late
    answer_at(database, request_id, by=ABN_AMRO, answer=Answer.NO_FUNDS, now=on(date(2026, 9, 16)))
    # No deadline while the beneficiary may pay back: nothing to remind of.
    assert upkeep(database, settings, date(2026, 10, 1)) == (0, 0, 0)
    asked = request_naw_at(database, settings, request_id, by=ING, now=on(date(2026, 10, 5)))
    assert asked.due_on == date(2026, 10, 12)
    assert upkeep(database, settings, date(2026, 10, 9)) == (1, 0, 0)
    assert upkeep(database, settings, date(2026, 10, 13)) == (0, 1, 0)
    assert upkeep(database, settings, date(2026, 10, 14)) == (0, 0, 0)
    assert events(database, request_id, Action.REMIND) == 1
    assert events(database, request_id, Action.ESCALATE) == 2
    assert audit_actions(database, "recovery.escalate", request_id) == 2


def test_answered_and_finished_requests_are_left_alone(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    reference = file_report(client, partnership)
    frozen = send_at(database, settings, request_body(reference, amount_cents=1_000), by=ING)
    returned = send_at(database, settings, request_body(reference, amount_cents=2_000), by=ING)
    waiting = send_at(database, settings, request_body(reference, amount_cents=3_000), by=ING)
    answer_at(database, frozen, by=ABN_AMRO, answer=Answer.FROZEN, now=MONDAY)
    answer_at(
        database, returned, by=ABN_AMRO, answer=Answer.RETURNED, amount_cents=2_000, now=MONDAY
    )
    assert upkeep(database, settings, date(2026, 9, 11)) == (1, 0, 0)
    assert upkeep(database, settings, date(2026, 9, 15)) == (0, 1, 0)
    for request_id in (frozen, returned):
        assert events(database, request_id, Action.REMIND) == 0
        assert events(database, request_id, Action.ESCALATE) == 0
    assert events(database, waiting, Action.ESCALATE) == 1
    # A late answer still counts, and takes the request off the overdue list.
    answer_at(database, waiting, by=ABN_AMRO, answer=Answer.FROZEN, now=on(date(2026, 9, 16)))
    with database.read_only() as session:
        assert service.overdue(session, now=on(date(2026, 9, 16))) == []
