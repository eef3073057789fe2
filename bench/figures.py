"""Figures and open data over a large reports table: every dashboard figure and the open-data
export, timed over a million reports.

Run with ``.venv/bin/python bench/figures.py`` (``--reports 100000`` for a smaller table). It
builds a fresh, migrated database in a temporary directory, so it touches no data of yours, and
fills ``reports`` (and ``report_identifiers``, one web address in ten reports) with multi-row
INSERTs: only the columns the figures read are varied, the other NOT NULL columns get a fixed
value. Set ``FRAUDLINK_BENCH_DATABASE_URL`` to a PostgreSQL URL
(``postgresql+psycopg://postgres@127.0.0.1:5432/fraudlink_bench``) to measure PostgreSQL as well:
the script creates a database of that name with a timestamp appended and drops it after.

It prints, per database, the seconds of each figure over every report and over one year (the
yearly report's question), the best of three runs; ``--index`` also creates the index named in
docs/benchmarks.md and measures again.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from fraudlink.console import open_database
from fraudlink.database import Database, table_of
from fraudlink.figures import opendata, service
from fraudlink.figures.service import Dimension, Period
from fraudlink.migrations import upgrade
from fraudlink.reports.models import Report, ReportIdentifier, ReportSource
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType
from fraudlink.settings import Settings
from scratch_databases import drop_postgresql, fresh_postgresql

CHUNK = 10_000
RUNS = 3
NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)
FIRST = NOW - timedelta(days=3 * 365)
DOMAINS = 5_000
# The covering index the figures would need (docs/benchmarks.md): every column they read.
INDEX = (
    "CREATE INDEX ix_bench_reports_figures ON reports "
    "(occurred_at, fraud_type, channel, age_band, victim_iban_token, total_loss_cents)"
)


def fill(database: Database, count: int) -> float:
    random = Random(7)
    types, channels, bands = list(FraudType), list(Channel), [*AgeBand, None]
    span = int((NOW - FIRST).total_seconds())
    started = time.perf_counter()
    with database.transaction() as session:
        for start in range(0, count, CHUNK):
            reports, identifiers = [], []
            for number in range(start, min(start + CHUNK, count)):
                occurred = FIRST + timedelta(seconds=random.randrange(span))
                reports.append(
                    {
                        "id": number + 1,
                        "reference": f"FL-B-{number:08d}",
                        "source": ReportSource.IMPORT,
                        "fraud_type": types[int(random.paretovariate(1.2)) % len(types)],
                        "fraud_type_suggested": False,
                        "channel": random.choice(channels),
                        "occurred_at": occurred,
                        "reported_at": occurred + timedelta(hours=random.randint(1, 200)),
                        "age_band": random.choice(bands),
                        "aangifte_made": False,
                        "aangifte_wanted": False,
                        "contact_consent": False,
                        "victim_iban_token": f"{random.randrange(count // 2):064x}"
                        if random.random() < 0.6
                        else None,
                        "usernames": [],
                        "total_loss_cents": random.randint(0, 500_000),
                        "advice_rules_version": "bench",
                    }
                )
                if number % 10 == 0:
                    domain = f"shop-{random.randrange(DOMAINS)}.nl"
                    if occurred > NOW - timedelta(days=30) and random.random() < 0.3:
                        domain = f"nieuw-{number}.com"  # first named in the last 30 days
                    identifiers.append(
                        {
                            "report_id": number + 1,
                            "position": 0,
                            "kind": "url",
                            "value": f"https://{domain}/",
                            "token": f"{number:064x}",
                            "details": {"registrable_domain": domain},
                        }
                    )
            session.execute(insert(table_of(Report)), reports)
            if identifiers:
                session.execute(insert(table_of(ReportIdentifier)), identifiers)
    with database.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


def best(call: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def timings(session: Session, period: Period) -> dict[str, float]:
    today = NOW.date()
    measured: dict[str, float] = {}
    for dimension in Dimension:
        measured[f"by-{dimension.value.replace('_', '-')}"] = best(
            lambda dimension=dimension: service.breakdown(  # type: ignore[misc]
                session, dimension=dimension, period=period
            )
        )
    measured["total"] = best(lambda: service.total(session, period=period))
    measured["month-on-month"] = best(
        lambda: service.month_on_month(session, period=period, today=today)
    )
    measured["climbing-fraud-types"] = best(
        lambda: service.climbing_fraud_types(session, period=period, today=today)
    )
    measured["emerging-domains"] = best(
        lambda: service.emerging_domains(session, period=period, now=NOW)
    )
    measured["opendata"] = best(lambda: opendata.export(session, period=period, today=today))
    return measured


def measure(name: str, settings: Settings, count: int, *, index: bool) -> dict[str, float]:
    upgrade(settings.resolved_database_url)
    database = open_database(settings)
    results: dict[str, float] = {}
    try:
        inserted = fill(database, count)
        print(f"\n{name}: {count:,} reports inserted in {inserted:.1f} s")
        rounds = [("", False)] + ([(" +index", True)] if index else [])
        for suffix, create in rounds:
            if create:
                with database.engine.begin() as connection:
                    connection.execute(text(INDEX))
                    connection.execute(text("ANALYZE"))
            with database.read_only() as session:
                for label, period in (("all", Period()), ("2025", Period.year(2025))):
                    for figure, seconds in timings(session, period).items():
                        results[f"{figure} ({label}){suffix}"] = seconds
                        print(f"  {figure:<22} {label:<5}{suffix:<7} {seconds:6.3f} s")
        # One sanity line, so a reader sees the figures are real.
        with database.read_only() as session:
            top = service.breakdown(session, dimension=Dimension.FRAUD_TYPE, period=Period())[0]
        print(f"  (first fraud type: {top.key}, {top.reports:,} reports, {top.victims:,} victims)")
    finally:
        database.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reports", type=int, default=1_000_000, help="reports in the table")
    parser.add_argument("--index", action="store_true", help="measure again with the index")
    parser.add_argument("--skip-sqlite", action="store_true")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fraudlink-bench-") as directory:
        if not arguments.skip_sqlite:
            sqlite_dir = Path(directory) / "sqlite"
            sqlite_dir.mkdir()
            measure(
                "SQLite", Settings(data_dir=sqlite_dir), arguments.reports, index=arguments.index
            )
        server = os.environ.get("FRAUDLINK_BENCH_DATABASE_URL")
        if not server:
            return
        url = fresh_postgresql(server)
        postgres_dir = Path(directory) / "postgresql"
        postgres_dir.mkdir()
        try:
            measure(
                "PostgreSQL",
                Settings(data_dir=postgres_dir, database_url=url),
                arguments.reports,
                index=arguments.index,
            )
        finally:
            drop_postgresql(url)


if __name__ == "__main__":
    main()
