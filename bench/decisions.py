"""Payment decisions: the engine in process, the service with storage, the API beside /health.

Run with ``.venv/bin/python bench/decisions.py`` (``--quick`` for a short run). It builds a fresh
installation in a temporary directory (``fraudlink db upgrade``, ``fraudlink demo``: the demo
partnership, and the demo reports whose mule accounts the demo payment stream pays), so it
touches no data of yours, and prints:

1. correctness first: a labelled sample of the demo payment stream decided one by one over
   HTTP, each payment made on a call preceded by the subscriber's operator's call signal
   (``POST /v1/telecom/call-signals``) and followed by its end. It exits non-zero unless every
   bank-helpdesk payment made on a call with a spoofed caller is delayed or blocked, every
   genuine payment to a creditor the debtor paid before is allowed, and no payment off a call
   quotes a call; it prints the sample's precision and recall;
2. in process, one core: the engine (index lookup, features, rules, profile and payee updates)
   over the whole stream with 1M synthetic indicators beside the demo's, and ``service.decide``
   in batches of 1,000 on a fresh SQLite database (profiles, payees, allow-list and call
   contexts read, decisions and state written);
3. over HTTP, ``fraudlink serve`` with one and with two workers on loopback: single decisions
   in a closed loop beside ``GET /health`` measured the same way (the ratio is the figure on a
   machine the server shares with the load generator), latency at fixed offered loads (open
   loop, timed from when each request was due, so a server that falls behind shows it), and the
   batch endpoint with 1,000 and 5,000 payments a request.

Targets (issue 5): 20,000 decisions/s in process on one core; 3,000 single decisions/s over HTTP
with p99 under 35 ms; 50,000/s through the batch endpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any, Final, TypeVar, cast

import httpx2
import numpy as np
import uvloop
from sqlalchemy import select

from fraudlink.audit.service import Actor
from fraudlink.console import open_database
from fraudlink.crypto import installation_keys
from fraudlink.database import Database, utcnow
from fraudlink.decisions import service
from fraudlink.decisions.features import Context, NameKeys, Payee, Payment, Profile, features
from fraudlink.decisions.metrics import Tally
from fraudlink.decisions.rulebook import Rulebook
from fraudlink.decisions.rules import Evaluation, RuleSet, bundled
from fraudlink.decisions.schemas import PaymentIn
from fraudlink.decisions.vocabulary import Outcome
from fraudlink.demo import service as demo_service
from fraudlink.demo.payments import demo_payments
from fraudlink.demo.reports import demo_reports
from fraudlink.identifiers import IdentifierKind, Pseudonymiser, parse
from fraudlink.indicators import service as indicator_service
from fraudlink.indicators.index import ROW, TOKEN, IndicatorIndex, pack
from fraudlink.indicators.models import Indicator
from fraudlink.migrations import upgrade
from fraudlink.partners import service as partner_service
from fraudlink.settings import Settings
from fraudlink.telecom.service import CallContext
from fraudlink.telecom.vocabulary import CallOrigin
from indicators import synthetic
from reports import FRAUDLINK, _free_port

SYNTHETIC_INDICATORS: Final = 1_000_000
STORAGE_BATCH: Final = 1_000
FALLBACK_OPERATOR: Final = "KPN"
ACTOR: Final = Actor(name="cli:bench")
# The numbers the fake bank employees present: the bank's customer-service line (protected as
# inbound only, as the demo does: it never calls anyone) and a line that calls customers back,
# both in the range of an operator of fixed lines, which the demo partnership lacks.
FIXED_OPERATOR: Final = "Vaste Lijnen (bench)"
FIXED_RANGE: Final = "+31202"
PROTECTING_BANK: Final = "ING"
INBOUND_ONLY_NUMBER: Final = "+31202288800"
CALLING_NUMBER: Final = "+31202288811"
# The demo stream's caller_reasons (as written) → the call an operator signals that makes the
# platform find them: (caller number, origin). A protected number presented by the subscriber's
# own (mobile) operator is outside the network that holds it. "" is an ordinary caller.
REPORTED_CALLER: Final = "reported"  # stands for the demo reports' most reported phone number
CALLS: Final[dict[str, tuple[str, CallOrigin]]] = {
    "": ("+31687000001", CallOrigin.DOMESTIC_NETWORK),
    "mobile_number_abroad": ("+31687000002", CallOrigin.INTERNATIONAL),
    "protected_number_outside_network": (CALLING_NUMBER, CallOrigin.OWN_NETWORK),
    "do_not_originate;protected_number_outside_network": (
        INBOUND_ONLY_NUMBER,
        CallOrigin.OWN_NETWORK,
    ),
    # The platform adds domestic_number_abroad: a Dutch fixed number from abroad.
    "do_not_originate;protected_number_abroad": (INBOUND_ONLY_NUMBER, CallOrigin.INTERNATIONAL),
    "domestic_number_abroad": ("+31301234567", CallOrigin.INTERNATIONAL),
    "reported_fraud_number": (REPORTED_CALLER, CallOrigin.DOMESTIC_NETWORK),
}
SPOOFED: Final = frozenset(
    {"protected_number_outside_network", "do_not_originate", "domestic_number_abroad"}
)
CALL_RULES: Final = frozenset(
    {
        "on_call_spoofed_number",
        "on_call_reported_caller",
        "on_call_large_new_creditor",
        "caller_abroad_new_creditor",
    }
)
STOPPED: Final = frozenset({Outcome.DELAY, Outcome.BLOCK})
OFFERED_RATES: Final = (100, 300, 1_000, 3_000)  # 3,000/s is the target
# More requests in flight than a worker's 15 database connections (SQLAlchemy's pool of 5 + 10),
# to show that a worker no longer stalls there (it did while a request held its transaction
# across the key check); beyond this the load generator queues, as a bank's gateway with a
# connection pool would, and the time a request waits there counts in its latency.
MAX_CONNECTIONS: Final = 32
MAX_BACKLOG_SECONDS: Final = 2.0  # an open loop this far behind is not held: it stops there
BATCH_SIZES: Final = (1_000, 5_000)
_CONTENT_LENGTH: Final = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)")
T = TypeVar("T")


@dataclass(frozen=True)
class Plan:
    """How long each part runs: ``--quick`` shortens all of them."""

    sample: int  # payments decided over HTTP for the correctness check
    warmup: float
    closed_seconds: float
    open_seconds: float
    batch_stream: int  # payments of the demo stream sent through the batch endpoint
    clients: tuple[int, ...]  # closed loops with this many connections each


@dataclass
class Figures:
    """Every figure in the order measured, for the table at the end."""

    rows: list[tuple[str, str]] = field(default_factory=list)

    def add(self, measure: str, figure: str) -> None:
        self.rows.append((measure, figure))
        print(f"  {measure}: {figure}")

    def print_table(self) -> None:
        width = max(len(measure) for measure, _ in self.rows)
        print("\n" + " summary ".center(width + 40, "-"))
        for measure, figure in self.rows:
            print(f"{measure:<{width}}  {figure}")


@dataclass(frozen=True)
class Installation:
    directory: Path
    environment: dict[str, str]
    keys: dict[str, str]  # partner name → demo key
    operators: dict[str, str]  # number range → the operator holding it
    account_holders: dict[tuple[str, str], str]  # (country, bank code) → the bank
    banks: list[str]  # per payment of the demo stream: the bank holding the debtor's account


class Failed(Exception):
    """A correctness check failed: the benchmark stops and exits non-zero."""


# The demo stream


def payment_json(row: dict[str, str]) -> dict[str, Any]:
    """A demo row as the bank sends it: raw IBANs and phone number, its own reference."""
    body: dict[str, Any] = {
        "reference": row["id"],
        "at": row["at"],
        "amount_cents": int(row["amount_cents"]),
        "currency": row["currency"],
        "debtor_iban": row["debtor_iban"],
        "creditor_iban": row["creditor_iban"],
        "creditor_name": row["creditor_name"],
        "channel": row["channel"],
        "debtor_age_band": row["debtor_age_band"],
        "new_creditor": row["new_creditor"] == "true",
    }
    if row["debtor_phone"]:
        body["debtor_phone"] = row["debtor_phone"]
    return body


def call_context(row: dict[str, str]) -> CallContext:
    """The call context the operators' signals gave at the time, as the backtest reads it."""
    return CallContext(
        in_call=row["on_call"] == "true",
        caller_reasons=frozenset(reason for reason in row["caller_reasons"].split(";") if reason),
        spoofed_call=row["spoofed_call"] == "true",
        signal_ids=(),
    )


def is_fraud(row: dict[str, str]) -> bool:
    return row["label"] == "fraud"


def debtor_banks(
    account_holders: dict[tuple[str, str], str], rows: Sequence[dict[str, str]]
) -> list[str]:
    """Per payment: the bank holding the debtor's account, the one that asks about it."""
    banks = []
    for row in rows:
        details = parse(row["debtor_iban"], IdentifierKind.IBAN).details
        banks.append(account_holders[str(details["country"]), str(details["bank_code"])])
    return banks


def per_bank(items: Sequence[T], banks: Sequence[str], size: int) -> list[tuple[str, list[T]]]:
    """Each bank's own customers' payments in stream order, ``size`` to a batch: a bank asks
    about its own customers only (and the platform uses call signals for those alone)."""
    grouped: dict[str, list[T]] = {}
    for item, bank in zip(items, banks, strict=True):
        grouped.setdefault(bank, []).append(item)
    return [
        (bank, own[start : start + size])
        for bank, own in grouped.items()
        for start in range(0, len(own), size)
    ]


# The installation


def install(directory: Path, rows: Sequence[dict[str, str]]) -> Installation:
    """``fraudlink db upgrade`` and ``fraudlink demo`` as an operator would run them, plus the
    operator of the bank's fixed numbers, which the demo partnership lacks."""
    directory.mkdir()
    environment = {
        **os.environ,
        "FRAUDLINK_DATA_DIR": str(directory),
        "FRAUDLINK_LOG_LEVEL": "WARNING",
    }
    subprocess.run([FRAUDLINK, "db", "upgrade"], env=environment, check=True, capture_output=True)
    demo = subprocess.run(
        [FRAUDLINK, "demo"], env=environment, check=True, capture_output=True, text=True
    )
    keys = {}
    for line in demo.stdout.splitlines():
        parts = re.split(r"\s{2,}", line.strip())
        if len(parts) == 3 and parts[2].startswith("fl_"):  # name, type, key
            keys[parts[0]] = parts[2]
    subprocess.run(
        [
            FRAUDLINK,
            "partners",
            "add",
            FIXED_OPERATOR,
            "--type=telecom",
            f"--number-range={FIXED_RANGE}",
        ],
        env=environment,
        check=True,
        capture_output=True,
    )
    database = open_database(Settings(data_dir=directory))
    with database.read_only() as session:
        partners = partner_service.directory(session)
    database.dispose()
    account_holders = {
        code: partners.names[holder] for code, holder in partners.by_bank_code.items()
    }
    return Installation(
        directory,
        environment,
        keys,
        operators={
            prefix: partners.names[holder] for prefix, holder in partners.by_number_prefix.items()
        },
        account_holders=account_holders,
        banks=debtor_banks(account_holders, rows),
    )


def most_reported_phone() -> str:
    """The phone number most demo reports name: the mule networks' caller."""
    counts: dict[str, int] = {}
    for report in demo_reports():
        for identifier in report["identifiers"]:
            value = identifier["value"]
            if value.startswith("+31"):
                counts[value] = counts.get(value, 0) + 1
    return max(counts, key=lambda value: counts[value])


@contextmanager
def serving(installation: Installation, workers: int) -> Iterator[tuple[str, int]]:
    """A real ``fraudlink serve`` on loopback until the block ends: (host, port)."""
    port = _free_port()
    server = subprocess.Popen(
        [FRAUDLINK, "serve", "--port", str(port), "--workers", str(workers)],
        env=installation.environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                httpx2.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx2.HTTPError:
                time.sleep(0.1)
        time.sleep(1.0 if workers > 1 else 0)  # the other workers start a moment later
        yield "127.0.0.1", port
    finally:
        server.terminate()
        server.wait(timeout=30)


# 1. Correctness


@dataclass
class Signals:
    """Pushes the call signal of a payment made on a call, and its end right after the payment.

    Each call started half an hour ago: open, it counts (a call without an end counts for two
    hours); ended a minute after it started, it expired twenty minutes ago (ten minutes after
    its end), so it touches no later payment, as in the stream.
    """

    client: httpx2.Client
    installation: Installation
    reported_phone: str

    def operator_key(self, subscriber: str) -> str:
        """The key of the operator whose range holds the subscriber's number."""
        operators = self.installation.operators
        name = next(
            (
                operators[subscriber[:length]]
                for length in range(len(subscriber), 1, -1)
                if subscriber[:length] in operators
            ),
            FALLBACK_OPERATOR,
        )
        return self.installation.keys[name]

    def push(self, row: dict[str, str], *, started_at: datetime, ended: bool) -> None:
        caller, origin = CALLS[row["caller_reasons"]]
        response = self.client.post(
            "/v1/telecom/call-signals",
            json={
                "subscriber_number": row["debtor_phone"],
                "caller_number": self.reported_phone if caller == REPORTED_CALLER else caller,
                "origin": origin.value,
                "started_at": started_at.isoformat(),
                "ended_at": (started_at + timedelta(minutes=1)).isoformat() if ended else None,
            },
            headers={"Authorization": f"Bearer {self.operator_key(row['debtor_phone'])}"},
        )
        if response.status_code != 202:
            raise Failed(f"call signal refused: {response.status_code} {response.text}")


def spoofed_bank_call(row: dict[str, str], *, signalled: bool) -> bool:
    """A bank-helpdesk fraud payment on a call whose caller the operator's signal shows spoofed."""
    reasons = row["caller_reasons"].split(";")
    return row["fraud_type"] == "bank_helpdesk" and signalled and not SPOOFED.isdisjoint(reasons)


def wrong(
    row: dict[str, str],
    outcome: Outcome,
    codes: set[str],
    *,
    spoofed_call: bool,
    signalled: bool,
) -> list[str]:
    """What must not happen: a spoofed bank call not stopped (or its decision not naming the
    call), a genuine payment to a known creditor not allowed, a call where there was none."""
    found = []
    if spoofed_call and (outcome not in STOPPED or "on_call_spoofed_number" not in codes):
        found.append(f"{row['id']} (spoofed bank call): {outcome} {sorted(codes)}")
    known = row["label"] == "genuine" and row["new_creditor"] == "false"
    if known and outcome is not Outcome.ALLOW:
        found.append(f"{row['id']} (genuine, known creditor): {outcome} {sorted(codes)}")
    if not signalled and not codes.isdisjoint(CALL_RULES):
        found.append(f"{row['id']} (no call): {sorted(codes)}")
    return found


def correctness(installation: Installation, rows: Sequence[dict[str, str]], size: int) -> Tally:
    """Decide the first ``size`` payments of the stream one by one, each asked by the debtor's
    bank, with the operators' call signals pushed first; check the outcomes that must hold."""
    tally = Tally()
    failures: list[str] = []
    spoofed_calls = 0
    with (
        serving(installation, workers=1) as (host, port),
        httpx2.Client(base_url=f"http://{host}:{port}", timeout=30) as client,
    ):
        for number in (CALLING_NUMBER, INBOUND_ONLY_NUMBER):
            response = client.post(
                "/v1/telecom/protected-numbers",
                json={"number": number, "inbound_only": number == INBOUND_ONLY_NUMBER},
                headers={"Authorization": f"Bearer {installation.keys[PROTECTING_BANK]}"},
            )
            if response.status_code not in {200, 201}:  # 200: protected before, now updated
                raise Failed(f"protecting {number}: {response.status_code} {response.text}")
        signals = Signals(client, installation, most_reported_phone())
        for row, bank in zip(rows[:size], installation.banks, strict=False):
            signalled = row["on_call"] == "true" and bool(row["debtor_phone"])
            started_at = datetime.now(UTC) - timedelta(minutes=30)
            if signalled:
                signals.push(row, started_at=started_at, ended=False)
            response = client.post(
                "/v1/decisions",
                json=payment_json(row),
                headers={"Authorization": f"Bearer {installation.keys[bank]}"},
            )
            if response.status_code != 200:
                raise Failed(f"{row['id']}: {response.status_code} {response.text}")
            if signalled:
                signals.push(row, started_at=started_at, ended=True)
            decision = response.json()
            outcome = Outcome(decision["outcome"])
            codes = {reason["code"] for reason in decision["reasons"]}
            tally.add(outcome, codes, fraud=is_fraud(row), amount_cents=int(row["amount_cents"]))
            spoofed_call = spoofed_bank_call(row, signalled=signalled)
            spoofed_calls += spoofed_call
            failures += wrong(row, outcome, codes, spoofed_call=spoofed_call, signalled=signalled)
    if not spoofed_calls:
        failures.append("the sample holds no bank-helpdesk payment on a spoofed call")
    if failures:
        raise Failed("\n  ".join(["outcomes that must not happen:", *failures[:20]]))
    print(
        f"  {size:,} payments, {spoofed_calls} of them bank-helpdesk fraud on a spoofed call:"
        " every one delayed or blocked, naming the call; every genuine payment to a known"
        " creditor allowed; no payment off a call quotes one"
    )
    return tally


# 2. In process


def prepared_stream(
    installation: Installation, rows: Sequence[dict[str, str]]
) -> tuple[list[Payment], float]:
    """The stream as the engine sees it (tokens, name keys), with the cost of getting there:
    parsing, pseudonymising, hashing the creditor name's words (with the worker's parse cache)."""
    keys = installation_keys(Settings(data_dir=installation.directory).resolved_secret_key_file)
    pseudonymiser, name_keys = Pseudonymiser(keys.pseudonym), NameKeys(keys.payee_names)
    bodies = [PaymentIn.model_validate(payment_json(row)) for row in rows]
    now = datetime.now(UTC)
    started = time.perf_counter()
    payments = [
        service.prepare(body, pseudonymiser=pseudonymiser, name_keys=name_keys, now=now)
        for body in bodies
    ]
    return payments, time.perf_counter() - started


def listed_index(database: Database, policy: indicator_service.Policy) -> IndicatorIndex:
    """1M synthetic indicators and the installation's own (the demo reports' accounts and
    numbers), all in the sorted arrays, as after a worker's cold start."""
    own = IndicatorIndex(policy)
    own.catch_up(database)
    with database.read_only() as session:
        tokens = session.scalars(select(Indicator.token)).all()
    entries = [(bytes.fromhex(token), own.lookup(token)) for token in tokens]
    listed = [(token, entry) for token, entry in entries if entry is not None]
    synthetic_tokens, synthetic_rows = synthetic(SYNTHETIC_INDICATORS, Random(5))
    index = IndicatorIndex(policy)
    index.load(
        np.concatenate([synthetic_tokens, np.array([token for token, _ in listed], dtype=TOKEN)]),
        np.concatenate([synthetic_rows, np.array([pack(entry) for _, entry in listed], dtype=ROW)]),
    )
    return index


def engine(
    rule_set: RuleSet,
    index: IndicatorIndex,
    payments: Sequence[Payment],
    calls: Sequence[CallContext],
) -> tuple[float, list[Evaluation]]:
    """What ``service.decide`` does per payment, without the database: fresh profiles and
    payees, updated in memory as each payment is decided."""
    profiles: dict[str, Profile] = {}
    payees: dict[str, Payee] = {}
    evaluations = []
    started = time.perf_counter()
    for payment, call in zip(payments, calls, strict=True):
        profile = profiles.setdefault(payment.debtor_token, Profile())
        context = Context(
            indicator=index.lookup(payment.creditor_token),
            call=call,
            profile=profile,
            payee=payees.get(payment.creditor_token),
        )
        evaluations.append(service.judge(rule_set, features(payment, context)))
        profile.observe(payment)
        payees.setdefault(payment.creditor_token, Payee(first_seen=payment.at)).observe(payment)
    return time.perf_counter() - started, evaluations


def in_process(
    installation: Installation, rows: Sequence[dict[str, str]], figures: Figures
) -> None:
    settings = Settings(data_dir=installation.directory)
    policy = indicator_service.Policy.from_settings(settings)
    database = open_database(settings)
    index = listed_index(database, policy)
    database.dispose()
    payments, preparing = prepared_stream(installation, rows)
    calls = [call_context(row) for row in rows]
    rule_set = bundled()
    runs = [engine(rule_set, index, payments, calls) for _ in range(3)]
    seconds = min(run for run, _ in runs)
    tally = Tally()
    for row, evaluation in zip(rows, runs[0][1], strict=True):
        tally.add(
            evaluation.outcome,
            evaluation.codes,
            fraud=is_fraud(row),
            amount_cents=int(row["amount_cents"]),
        )
    listed = sum(index.lookup(payment.creditor_token) is not None for payment in payments)
    print(
        f"\nin process, one core: the {len(rows):,} payments of the demo stream,"
        f" {len(index):,} indicators ({listed / len(rows):.1%} of the payments to an account in"
        " the index); best of three"
    )
    figures.add(
        "engine in process (lookup, features, rules, profile and payee)",
        f"{len(rows) / seconds:,.0f} decisions/s, {seconds / len(rows) * 1e6:.1f} µs each"
        " (target >= 20,000/s)",
    )
    figures.add(
        "prepare in process (parse, pseudonymise, name keys)",
        f"{len(rows) / preparing:,.0f} payments/s, {preparing / len(rows) * 1e6:.1f} µs each",
    )
    figures.add(
        "the engine's replay of the whole stream (as the backtest, with spoofed-call memory)",
        _quality(tally),
    )
    with_storage(installation, payments, index, figures)


def with_storage(
    installation: Installation,
    payments: Sequence[Payment],
    index: IndicatorIndex,
    figures: Figures,
) -> None:
    """``service.decide`` in batches of 1,000 of each bank's customers on a fresh SQLite
    database, twice over the stream: first every debtor and creditor is new (inserts), then
    each is known (updates)."""
    directory = installation.directory.parent / "storage"
    directory.mkdir()
    settings = Settings(data_dir=directory)
    upgrade(settings.resolved_database_url)
    database = open_database(settings)
    with database.transaction() as session:
        demo_service.load(session, actor=ACTOR)
        partner_ids = {
            name: partner_service.get_by_name(session, name=name).id
            for name in set(installation.banks)
        }
    rulebook = Rulebook()
    rulebook.refresh(database)
    batches = per_bank(payments, installation.banks, STORAGE_BATCH)
    for label in ("first pass, new profiles and payees", "second pass, known ones"):
        started = time.perf_counter()
        for bank, batch in batches:
            now = utcnow()
            with database.read_only() as session:
                around = service.surroundings(
                    session, payments=batch, partner_id=partner_ids[bank], now=now
                )
            with database.transaction() as session:
                service.decide(
                    session,
                    payments=batch,
                    partner_id=partner_ids[bank],
                    partner_name=bank,
                    around=around,
                    rulebook=rulebook,
                    index=index,
                    actor=ACTOR,
                    now=now,
                )
        seconds = time.perf_counter() - started
        figures.add(
            f"service.decide on SQLite, up to {STORAGE_BATCH:,} a batch ({label})",
            f"{len(payments) / seconds:,.0f} decisions/s ({len(batches)} batches)",
        )
    database.dispose()


# 3. HTTP


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: a request out, its whole response back.

    A load generator that shares two cores with the server must cost little per request: the
    requests are prepared bytes, and of the response only the status and length are read.
    """

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._length: int | None = None  # of the whole response, once its head is in
        self._waiter: asyncio.Future[int] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast("asyncio.Transport", transport)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._length is None:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            match = _CONTENT_LENGTH.search(bytes(self._buffer[:end]).lower())
            assert match is not None, "every answer of the server has a content-length"
            self._length = end + 4 + int(match[1])
        if len(self._buffer) >= self._length:
            status = int(self._buffer[9:12])
            del self._buffer[: self._length]
            self._length = None
            assert self._waiter is not None
            self._waiter.set_result(status)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(exc or ConnectionError("the server closed the connection"))

    async def send(self, request: bytes) -> int:
        """The response's status code."""
        assert self._transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self._transport.write(request)
        return await self._waiter

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


@asynccontextmanager
async def _connected(address: tuple[str, int], count: int) -> AsyncIterator[list[_Connection]]:
    """``count`` open connections for one run, closed after it: the next run starts afresh."""
    loop = asyncio.get_running_loop()
    connections: list[_Connection] = []
    try:
        for _ in range(count):
            _, connection = await loop.create_connection(_Connection, *address)
            connections.append(connection)
        yield connections
    finally:
        for connection in connections:
            connection.close()


def _post(path: str, key: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


HEALTH: Final = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


@dataclass
class Run:
    """What one load run saw: completed requests in the measured window, and their latencies."""

    seconds: float
    latencies: list[float]
    failures: int = 0
    held: bool = True

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def closed_loop(
    address: tuple[str, int], requests: Sequence[bytes], clients: int, plan: Plan
) -> Run:
    """``clients`` connections, each sending its next request as soon as the last is answered;
    counted after a warm-up."""
    run = Run(plan.closed_seconds, [])
    state = {"measuring": False, "stop": False}

    async def client(connection: _Connection, number: int) -> None:
        while not state["stop"]:
            started = time.perf_counter()
            status = await connection.send(requests[number % len(requests)])
            run.failures += status != 200
            if state["measuring"]:
                run.latencies.append(time.perf_counter() - started)
            number += clients

    async with _connected(address, clients) as connections:
        tasks = [asyncio.create_task(client(each, n)) for n, each in enumerate(connections)]
        await asyncio.sleep(plan.warmup)
        state["measuring"] = True
        started = time.perf_counter()
        await asyncio.sleep(plan.closed_seconds)
        state["measuring"] = False
        run.seconds = time.perf_counter() - started
        state["stop"] = True
        await asyncio.gather(*tasks)
    return run


async def open_loop(
    address: tuple[str, int], requests: Sequence[bytes], rate: int, seconds: float
) -> Run:
    """Requests due at a fixed rate whatever the server does; each latency counts from when its
    request was due, so time spent waiting for a free connection counts too. Once the requests
    due but not sent are worth MAX_BACKLOG_SECONDS, the rate is not held: the backlog is dropped
    and the run ends."""
    due: asyncio.Queue[tuple[float, int]] = asyncio.Queue()
    run = Run(seconds, [])

    async def client(connection: _Connection) -> None:
        while True:
            moment, number = await due.get()
            try:
                status = await connection.send(requests[number % len(requests)])
            finally:
                due.task_done()  # a lost connection must not leave the run waiting for ever
            run.latencies.append(time.perf_counter() - moment)
            run.failures += status != 200

    async with _connected(address, MAX_CONNECTIONS) as connections:
        tasks = [asyncio.create_task(client(connection)) for connection in connections]
        total = int(rate * seconds)
        begin = time.perf_counter() + 0.01
        sent = 0
        while sent < total:
            for number in range(sent, min(total, int((time.perf_counter() - begin) * rate) + 1)):
                due.put_nowait((begin + number / rate, number))
                sent = number + 1
            if due.qsize() > rate * MAX_BACKLOG_SECONDS:
                run.held = False
                while not due.empty():
                    due.get_nowait()
                    due.task_done()
                break
            await asyncio.sleep(max(0.0, begin + sent / rate - time.perf_counter()))
        await due.join()
        run.seconds = time.perf_counter() - begin
        for task in tasks:
            task.cancel()
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if not isinstance(outcome, asyncio.CancelledError):
                raise cast("BaseException", outcome)
    run.held = run.held and run.rate >= 0.95 * rate
    return run


async def one_by_one(address: tuple[str, int], requests: Sequence[bytes], clients: int) -> Run:
    """Every request once, ``clients`` at a time; one latency per request."""
    pending = iter(requests)
    run = Run(0.0, [])

    async def client(connection: _Connection) -> None:
        for request in pending:
            started = time.perf_counter()
            status = await connection.send(request)
            run.latencies.append(time.perf_counter() - started)
            run.failures += status != 200

    async with _connected(address, clients) as connections:
        started = time.perf_counter()
        await asyncio.gather(*(client(connection) for connection in connections))
        run.seconds = time.perf_counter() - started
    return run


def _checked(run: Run, what: str) -> Run:
    if run.failures:
        raise Failed(f"{what}: {run.failures} answers were not 200")
    return run


def _latency(run: Run) -> str:
    return f"p50 {run.percentile(0.5):.1f} ms, p99 {run.percentile(0.99):.1f} ms"


@dataclass(frozen=True)
class Requests:
    """The HTTP runs' requests, prepared once, each payment asked by the debtor's own bank."""

    singles: list[bytes]
    batches: dict[int, tuple[int, list[bytes]]]  # by batch size: (payments, requests)

    @classmethod
    def of(cls, installation: Installation, rows: Sequence[dict[str, str]], plan: Plan) -> Requests:
        keys = installation.keys
        singles = [
            _post("/v1/decisions", keys[bank], json.dumps(payment_json(row)).encode())
            for row, bank in zip(rows, installation.banks, strict=True)
        ]
        # A longer stream, so that the big banks fill whole batches of 5,000 of their own
        # customers' payments; a bank's last, partial batch is left out.
        stream = list(demo_payments(plan.batch_stream))
        banks = debtor_banks(installation.account_holders, stream)
        batches = {}
        for size in BATCH_SIZES:
            whole = [
                (bank, batch) for bank, batch in per_bank(stream, banks, size) if len(batch) == size
            ]
            batches[size] = (
                size * len(whole),
                [
                    _post(
                        "/v1/decisions/batch",
                        keys[bank],
                        json.dumps({"payments": [payment_json(row) for row in batch]}).encode(),
                    )
                    for bank, batch in whole
                ],
            )
        return cls(singles, batches)


def over_http(
    installation: Installation, requests: Requests, workers: int, plan: Plan, figures: Figures
) -> None:
    label = f"{workers} worker{'s' if workers > 1 else ''}"
    print(f"\nHTTP: fraudlink serve --workers {workers} on loopback")
    with (
        serving(installation, workers) as address,
        asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner,
    ):
        for clients in plan.clients:
            bare = _checked(runner.run(closed_loop(address, [HEALTH], clients, plan)), "health")
            decided = _checked(
                runner.run(closed_loop(address, requests.singles, clients, plan)), "decisions"
            )
            figures.add(
                f"{label}, {clients} client{'s' if clients > 1 else ''}: POST /v1/decisions"
                " beside GET /health, closed loop",
                f"{decided.rate:,.0f}/s ({_latency(decided)}) vs {bare.rate:,.0f}/s"
                f" ({_latency(bare)}): ratio {decided.rate / bare.rate:.2f}",
            )
        for rate in OFFERED_RATES:
            run = _checked(
                runner.run(open_loop(address, requests.singles, rate, plan.open_seconds)),
                "open loop",
            )
            figures.add(
                f"{label}: POST /v1/decisions offered {rate:,}/s, open loop",
                f"{run.rate:,.0f}/s answered, {_latency(run)}"
                + ("" if run.held else " (not held: of the answered requests)"),
            )
        for size, (count, batches) in requests.batches.items():
            run = _checked(runner.run(one_by_one(address, batches, workers)), "batch")
            figures.add(
                f"{label}: POST /v1/decisions/batch, {size:,} a request, {workers}"
                f" client{'s' if workers > 1 else ''}",
                f"{count / run.seconds:,.0f} decisions/s ({len(batches)} requests, median"
                f" {statistics.median(run.latencies):.2f} s)",
            )


def _quality(tally: Tally) -> str:
    figures = tally.as_dict()
    return (
        f"precision {figures['precision']:.2f}, recall {figures['recall']:.2f}"
        f" ({figures['true_alerts']} true alerts, {figures['false_alerts']} false,"
        f" {figures['missed_fraud']} frauds missed)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (under two minutes)")
    arguments = parser.parse_args()
    plan = (
        Plan(sample=2_000, warmup=0.5, closed_seconds=2, open_seconds=3, batch_stream=20_000,
             clients=(1, MAX_CONNECTIONS))
        if arguments.quick
        else Plan(sample=5_000, warmup=1, closed_seconds=5, open_seconds=10, batch_stream=60_000,
                  clients=(1, 4, MAX_CONNECTIONS))
    )  # fmt: skip
    rows = list(demo_payments())
    figures = Figures()
    # Other engineers' tests share the machine: its load before the first measurement says how
    # much (1.0 is one core busy).
    load_before = os.getloadavg()[0]
    try:
        with tempfile.TemporaryDirectory(prefix="fraudlink-bench-") as directory:
            installation = install(Path(directory) / "installation", rows)
            print("correctness: the demo stream over HTTP, one worker, call signals pushed first")
            tally = correctness(installation, rows, plan.sample)
            figures.add(
                f"HTTP sample of {plan.sample:,} payments (no spoofed-call memory pushed)",
                _quality(tally),
            )
            in_process(installation, rows, figures)
            requests = Requests.of(installation, rows, plan)
            for workers in (1, 2):
                over_http(installation, requests, workers, plan, figures)
    except Failed as failure:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        sys.exit(1)
    figures.add(
        "load average (1 min) before the run, and at its end",
        f"{load_before:.1f}, {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)",
    )
    figures.print_table()


if __name__ == "__main__":
    main()
