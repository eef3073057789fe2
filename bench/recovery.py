"""Refund requests (PNBF): sending and answering through the service, the inbox and the register
over a large table.

Run with ``.venv/bin/python bench/recovery.py`` (``--requests 10000`` for a smaller table). It
builds a fresh installation in a temporary directory, so it touches no data of yours: the demo
partnership and the first 300 demo reports. Set ``FRAUDLINK_BENCH_DATABASE_URL`` to a PostgreSQL
URL (``postgresql+psycopg://postgres@127.0.0.1:5432/fraudlink_bench``) to measure PostgreSQL as
well: the script creates a database of that name with a timestamp appended and drops it after.
It prints, per database:

1. sending requests through ``service.send``, one transaction each, as the API does
   (requests/s): eligibility, pseudonymising, the history and the audit entry;
2. answering them (``frozen``), one transaction each (answers/s);
3. with N requests in the table (100,000 by default, inserted with multi-row INSERTs rather
   than through the service), a bank's inbox: the query, and the query with what
   ``GET /v1/recovery/inbox`` adds (the link to other requests about the same beneficiary), in
   ms per call;
4. the register's figures over all N requests (``fraudlink recovery stats``), in seconds;
5. one upkeep round over the N requests (what every worker runs every five minutes), the first
   (which reminds and escalates) and an idle one, in ms.

With both databases it ends with a side-by-side table and the ratio PostgreSQL / SQLite.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from random import Random

from schwifty import IBAN
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from fraudlink.access.service import Principal
from fraudlink.audit.service import Actor
from fraudlink.console import open_database
from fraudlink.database import Database, table_of, utcnow
from fraudlink.demo import recovery as demo_recovery
from fraudlink.demo import service as demo_service
from fraudlink.migrations import upgrade
from fraudlink.partners import service as partner_service
from fraudlink.partners.models import PartnerType
from fraudlink.recovery import register, service
from fraudlink.recovery.models import RecoveryEvent, RecoveryRequest
from fraudlink.recovery.schemas import AnswerIn, RecoveryRequestIn
from fraudlink.recovery.vocabulary import FINAL_STATES, Action, Answer, State
from fraudlink.recovery.working_days import add_working_days
from fraudlink.reports.models import Report, ReportSource
from fraudlink.reports.service import RoutingPolicy
from fraudlink.reports.vocabulary import Channel, FraudType, PaymentMethod
from fraudlink.settings import Settings
from scratch_databases import postgresql_settings, sqlite_settings

REPORTS = 300
SENDS = 1000
INBOX_CALLS = 50
CHUNK = 5_000
ACTOR = Actor(name="cli:bench")
# States of the bulk rows, roughly as the demo has them (mostly settled, a fifth open).
STATES = {
    State.SENT: 4,
    State.FROZEN: 4,
    State.PARTIALLY_RETURNED: 4,
    State.NO_FUNDS: 5,
    State.ACCOUNT_CLOSED: 3,
    State.NAW_REQUESTED: 2,
    State.RETURNED: 22,
    State.REFUSED: 13,
    State.NAW_RELEASED: 33,
    State.WITHDRAWN: 10,
}


@dataclass
class Figures:
    sends_per_second: float = 0.0
    answers_per_second: float = 0.0
    inbox_ms: float = 0.0
    inbox_described_ms: float = 0.0
    inbox_size: int = 0
    register_seconds: float = 0.0
    upkeep_first_ms: float = 0.0
    upkeep_idle_ms: float = 0.0


@dataclass(frozen=True)
class Installation:
    database: Database
    rules: service.Rules
    banks: list[int]  # the banks and payment providers
    principals: dict[int, Principal]
    reports: list[tuple[str, int, int]]  # (reference, report id, requester)


def install(settings: Settings) -> Installation:
    upgrade(settings.resolved_database_url)
    database = open_database(settings)
    with database.transaction() as session:
        demo_service.load(session, actor=ACTOR)
    demo_service.load_reports(
        database, actor=ACTOR, policy=RoutingPolicy.from_settings(settings), count=REPORTS
    )
    with database.read_only() as session:
        directory = partner_service.directory(session)
        banks = sorted(
            partner_id
            for partner_id, kind in directory.types.items()
            if kind in {PartnerType.BANK, PartnerType.PSP}
        )
        reports = []
        for reference, report_id, code in session.execute(
            select(Report.reference, Report.id, Report.victim_bank_code)
            .where(Report.victim_bank_code.is_not(None))
            .order_by(Report.id)
        ):
            requester = directory.account_holder("NL", str(code))
            if requester is not None:
                reports.append((reference, report_id, requester))
        principals = demo_recovery.acting_as(session, banks)
    return Installation(database, service.Rules.from_settings(settings), banks, principals, reports)


def _beneficiaries(installation: Installation) -> dict[int, list[str]]:
    """Per bank, the bank codes of the other participants: where its victims' money went."""
    with installation.database.read_only() as session:
        directory = partner_service.directory(session)
    codes = {holder: code for (_country, code), holder in directory.by_bank_code.items()}
    return {
        bank: sorted(code for holder, code in codes.items() if holder != bank)
        for bank in installation.banks
    }


def send_and_answer(installation: Installation, figures: Figures) -> None:
    database, rules = installation.database, installation.rules
    paid_on = service.today(utcnow()) - timedelta(days=7)
    elsewhere = _beneficiaries(installation)
    drafts = []
    for number in range(SENDS):
        reference, _report_id, requester = installation.reports[number % len(installation.reports)]
        draft = RecoveryRequestIn.model_validate(
            {
                "report_reference": reference,
                "amount_cents": 10_000 + number,
                "paid_on": paid_on,
                "beneficiary_iban": IBAN.generate(
                    "NL",
                    bank_code=elsewhere[requester][number % len(elsewhere[requester])],
                    account_code=f"{number:010d}",
                ).compact,
                "method": PaymentMethod.TRANSFER,
                "aangifte_reference": f"BENCH-PL-{number:06d}",
                "victim_consent": True,
            }
        )
        drafts.append((draft, installation.principals[requester]))
    sent: list[tuple[int, int]] = []
    started = time.perf_counter()
    for draft, sender in drafts:
        with database.transaction() as session:
            request, _created = service.send(
                session, draft, requester=sender, rules=rules, now=utcnow()
            )
            sent.append((request.id, request.receiver_id))
    figures.sends_per_second = SENDS / (time.perf_counter() - started)
    reply = AnswerIn(answer=Answer.FROZEN)
    started = time.perf_counter()
    for request_id, receiver in sent:
        with database.transaction() as session:
            service.answer(
                session,
                request_id=request_id,
                reply=reply,
                principal=installation.principals[receiver],
                now=utcnow(),
            )
    figures.answers_per_second = SENDS / (time.perf_counter() - started)


def bulk_reports(session: Session, count: int, random: Random) -> list[int]:
    """``count`` bare reports to hang the requests on: most reports need one or two requests,
    so the links between requests of the same report stay as small as they are in use."""
    first_id = (session.scalar(text("SELECT max(id) FROM reports")) or 0) + 1
    now = utcnow()
    rows: list[dict[str, object]] = []
    for number in range(count):
        reported_at = now - timedelta(minutes=random.randint(60, 2 * 365 * 24 * 60))
        rows.append(
            {
                "id": first_id + number,
                "reference": f"FL-2019-{number:06d}",
                "source": ReportSource.IMPORT,
                "reporting_partner_id": None,
                "external_id": None,
                "idempotency_key": None,
                "fraud_type": random.choice(list(FraudType)),
                "fraud_type_suggested": False,
                "channel": Channel.PHONE_CALL,
                "occurred_at": reported_at - timedelta(hours=5),
                "reported_at": reported_at,
                "age_band": None,
                "aangifte_made": True,
                "aangifte_reference": f"BENCH-{number}",
                "aangifte_wanted": False,
                "contact_consent": False,
                "victim_bank_code": None,
                "victim_iban_token": None,
                "victim_iban_encrypted": None,
                "narrative_encrypted": None,
                "usernames": [],
                "total_loss_cents": 100_000,
                "advice_rules_version": "bench",
            }
        )
    for start in range(0, count, CHUNK):
        session.execute(insert(table_of(Report)), rows[start : start + CHUNK])
    return [first_id + number for number in range(count)]


def bulk_requests(installation: Installation, count: int) -> None:
    """``count`` requests with a send event each, spread over two years and every bank pair."""
    random = Random(6)
    now = utcnow()
    today = service.today(now)
    states, weights = list(STATES), list(STATES.values())
    banks = installation.banks
    with installation.database.transaction() as session:
        report_ids = bulk_reports(session, count * 5 // 8, random)
        first_id = (session.scalar(text("SELECT max(id) FROM recovery_requests")) or 0) + 1
        requests, events = [], []
        for number in range(count):
            report_id = random.choice(report_ids)
            requester = random.choice(banks)
            receiver = random.choice([bank for bank in banks if bank != requester])
            sent_at = now - timedelta(minutes=random.randint(60, 2 * 365 * 24 * 60))
            sent_on = service.today(sent_at)
            state = random.choices(states, weights)[0]
            answered = state is not State.SENT and not (
                state is State.WITHDRAWN and random.random() < 0.3
            )
            first_answer_at = sent_at + timedelta(hours=random.randint(2, 200))
            final = state in FINAL_STATES
            # Open requests await the sender's bank (with a deadline) or the victim's (after
            # the wait); recent ones are mostly in time, some are overdue.
            awaiting, due_on = None, None
            if state in {State.SENT, State.NAW_REQUESTED}:
                awaiting = receiver
                due_on = add_working_days(today, random.randint(0, 5)) - timedelta(
                    days=random.choice((0, 0, 0, 0, 9))
                )
            elif not final:
                awaiting = requester
            amount = random.randint(20, 25_000) * 100
            returned = {
                State.RETURNED: amount,
                State.PARTIALLY_RETURNED: amount // 3,
            }.get(state, 0)
            request_id = first_id + number
            token = random.randbytes(32).hex()
            requests.append(
                {
                    "id": request_id,
                    "report_id": report_id,
                    "payment_id": None,
                    "requester_id": requester,
                    "receiver_id": receiver,
                    "amount_cents": amount,
                    "paid_on": sent_on - timedelta(days=random.randint(0, 20)),
                    "method": PaymentMethod.TRANSFER,
                    "beneficiary_iban": f"NL00BENCH{number:010d}",
                    "beneficiary_token": token,
                    "aangifte_reference": f"BENCH-{number}",
                    "victim_consent": True,
                    "requester_reference": None,
                    "state": state,
                    "version": 2 if answered else 1,
                    "returned_cents": returned,
                    "frozen_cents": None,
                    "reason": None,
                    "awaiting_partner_id": awaiting,
                    "due_on": due_on,
                    "naw_possible_on": add_working_days(sent_on, 15),
                    "sent_at": sent_at,
                    "first_answer_at": first_answer_at if answered else None,
                    "resolved_at": first_answer_at + timedelta(days=random.randint(0, 40))
                    if final
                    else None,
                    "reminded_for": None,
                    "escalated_for": None,
                }
            )
            events.append(
                {
                    "request_id": request_id,
                    "at": sent_at,
                    "partner_id": requester,
                    "action": Action.SEND,
                    "state": State.SENT,
                    "amount_cents": None,
                    "reason": None,
                }
            )
        for start in range(0, count, CHUNK):
            session.execute(insert(table_of(RecoveryRequest)), requests[start : start + CHUNK])
            session.execute(insert(table_of(RecoveryEvent)), events[start : start + CHUNK])
        if session.get_bind().dialect.name == "postgresql":  # ids were given: move them on
            for table in ("reports", "recovery_requests"):
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - a fixed name
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    with installation.database.engine.begin() as connection:
        connection.execute(text("ANALYZE"))  # fresh statistics, as a live database would have


def _ms(call: Callable[[], object], times: int) -> float:
    durations = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations) * 1000


def large_table(installation: Installation, figures: Figures) -> None:
    database, rules = installation.database, installation.rules
    with database.read_only() as session:
        awaited = session.execute(
            select(RecoveryRequest.awaiting_partner_id)
            .where(RecoveryRequest.awaiting_partner_id.is_not(None))
            .group_by(RecoveryRequest.awaiting_partner_id)
            .order_by(text("count(*) DESC"))
            .limit(1)
        ).scalar_one()
        assert awaited is not None
        busiest = awaited
        principal = installation.principals[busiest]

        def inbox() -> list[RecoveryRequest]:
            session.expunge_all()
            return list(service.inbox(session, partner_id=busiest, now=utcnow()))

        def described() -> None:
            service.describe(session, inbox(), principal=principal, now=utcnow())

        figures.inbox_size = len(inbox())
        figures.inbox_ms = _ms(inbox, INBOX_CALLS)
        figures.inbox_described_ms = _ms(described, INBOX_CALLS)
        started = time.perf_counter()
        rows = register.rows(session, partner_id=None, now=utcnow())
        register.register(rows, rules=rules).as_dict()
        figures.register_seconds = time.perf_counter() - started
    for attribute in ("upkeep_first_ms", "upkeep_idle_ms"):
        with database.transaction() as session:
            started = time.perf_counter()
            service.upkeep(session, rules=rules, now=utcnow())
            setattr(figures, attribute, (time.perf_counter() - started) * 1000)


def measure(name: str, settings: Settings, requests: int) -> Figures:
    figures = Figures()
    installation = install(settings)
    try:
        send_and_answer(installation, figures)
        started = time.perf_counter()
        bulk_requests(installation, requests)
        inserted = time.perf_counter() - started
        large_table(installation, figures)
    finally:
        installation.database.dispose()
    print(f"\n{name}: {SENDS:,} requests sent and answered, then {requests:,} in the table")
    print(f"  send through the service:   {figures.sends_per_second:,.0f} requests/s")
    print(f"  answer through the service: {figures.answers_per_second:,.0f} answers/s")
    print(f"  multi-row insert of {requests:,} requests and events: {inserted:.1f} s")
    print(
        f"  inbox of the busiest bank ({figures.inbox_size} shown): {figures.inbox_ms:.1f} ms,"
        f" with the same-beneficiary links {figures.inbox_described_ms:.1f} ms (median)"
    )
    print(f"  register over {requests + SENDS:,} requests: {figures.register_seconds:.2f} s")
    print(
        f"  upkeep round: {figures.upkeep_first_ms:.0f} ms the first (reminds and escalates),"
        f" {figures.upkeep_idle_ms:.0f} ms idle"
    )
    return figures


def side_by_side(sqlite: Figures, postgresql: Figures) -> None:
    print("\nside by side (PostgreSQL / SQLite; above 1 means PostgreSQL is faster for rates)")
    rows = [
        ("send, requests/s", sqlite.sends_per_second, postgresql.sends_per_second, True),
        ("answer, answers/s", sqlite.answers_per_second, postgresql.answers_per_second, True),
        ("inbox query, ms", sqlite.inbox_ms, postgresql.inbox_ms, False),
        ("inbox with links, ms", sqlite.inbox_described_ms, postgresql.inbox_described_ms, False),
        ("register, s", sqlite.register_seconds, postgresql.register_seconds, False),
        ("upkeep idle, ms", sqlite.upkeep_idle_ms, postgresql.upkeep_idle_ms, False),
    ]
    for label, lite, postgres, is_rate in rows:
        speedup = postgres / lite if is_rate else lite / postgres
        print(f"  {label:<22} {lite:>10,.2f} {postgres:>10,.2f}   PostgreSQL {speedup:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=100_000, help="requests in the table")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fraudlink-bench-") as directory:
        sqlite = measure("SQLite", sqlite_settings(Path(directory)), arguments.requests)
        with postgresql_settings(Path(directory)) as settings:
            if settings is None:
                return
            postgresql = measure("PostgreSQL", settings, arguments.requests)
    side_by_side(sqlite, postgresql)


if __name__ == "__main__":
    main()
