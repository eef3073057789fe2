"""Figures and open data over a large reports table: every dashboard figure and the open-data
export, timed over a million reports.

Run with ``.venv/bin/python bench/figures.py`` (``--reports 100000`` for a smaller table). It
builds a fresh, migrated database in a temporary directory, so it touches no data of yours, and
fills ``reports`` (and ``report_identifiers``, one web address in ten reports) with multi-row
INSERTs, keeping the monthly totals as the platform does (``figures.totals.count_reports``): only
the columns the figures read are varied, the other NOT NULL columns get a fixed value. A share of
the victims' accounts (``--repeat-share``, 5%) is named in a second report. Set
``FRAUDLINK_BENCH_DATABASE_URL`` to a PostgreSQL URL
(``postgresql+psycopg://postgres@127.0.0.1:5432/fraudlink_bench``) to measure PostgreSQL as well:
the script creates a database of that name with a timestamp appended and drops it after.

It prints, per database, the seconds of each figure over every report, over one year (the
yearly report's question) and over a period that cuts two months (15 January to 20 December
2025), the best of three runs; and, side by side, one figure counted straight from the reports
(as before the totals), with the ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from random import Random

from sqlalchemy import String, case, cast, func, insert, select, text
from sqlalchemy.orm import Session

from fraudlink.console import open_database
from fraudlink.database import Database, table_of
from fraudlink.figures import opendata, service, totals
from fraudlink.figures.models import MonthlyCell, VictimAccount
from fraudlink.figures.service import Dimension, Period
from fraudlink.migrations import upgrade
from fraudlink.reports.models import Report, ReportIdentifier, ReportSource
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, Region
from fraudlink.settings import Settings
from scratch_databases import postgresql_settings, sqlite_settings

CHUNK = 10_000
RUNS = 3
NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)
FIRST = NOW - timedelta(days=3 * 365)
DOMAINS = 5_000
PERIODS = (
    ("all", Period()),
    ("2025", Period.year(2025)),
    ("cut", Period(date(2025, 1, 15), date(2025, 12, 20))),
)


def fill(database: Database, count: int, repeat_share: float) -> tuple[float, float]:
    """Seconds to insert the reports, and of those the seconds spent keeping the totals."""
    random = Random(7)
    types, channels, bands = list(FraudType), list(Channel), [*AgeBand, None]
    regions = [*Region, None]
    span = int((NOW - FIRST).total_seconds())
    started = time.perf_counter()
    keeping = 0.0
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
                        "victim_iban_token": victim(random, number, repeat_share),
                        "postcode_area": None,
                        "region": random.choice(regions),
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
            keeping -= time.perf_counter()
            totals.count_reports(session, reports)
            keeping += time.perf_counter()
            if identifiers:
                session.execute(insert(table_of(ReportIdentifier)), identifiers)
    with database.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return time.perf_counter() - started, keeping


def victim(random: Random, number: int, repeat_share: float) -> str | None:
    """Six in ten reports name the victim's account; ``repeat_share`` of those one named before."""
    if random.random() >= 0.6:
        return None
    if number and random.random() < repeat_share:
        return f"{random.randrange(number):064x}"  # an earlier report's account (or none's)
    return f"{number:064x}"


def from_the_reports(session: Session, period: Period) -> list[tuple[object, ...]]:
    """Reports, victims and damage per fraud type counted straight from the reports, with an
    exact COUNT(DISTINCT): how the figures were made before the monthly totals."""
    key = cast(Report.fraud_type, String)
    victims = func.count(func.distinct(Report.victim_iban_token)) + func.coalesce(
        func.sum(case((Report.victim_iban_token.is_(None), 1), else_=0)), 0
    )
    query = (
        select(key, func.count(), victims, func.coalesce(func.sum(Report.total_loss_cents), 0))
        .where(*period.where(Report.occurred_at))
        .group_by(key)
    )
    return [tuple(row) for row in session.execute(query)]


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


def measure(name: str, settings: Settings, count: int, repeat_share: float) -> None:
    upgrade(settings.resolved_database_url)
    database = open_database(settings)
    try:
        inserted, keeping = fill(database, count, repeat_share)
        print(f"\n{name}: {count:,} reports inserted in {inserted:.1f} s", end="")
        print(f" (keeping the monthly totals: {keeping:.1f} s of it)")
        with database.read_only() as session:
            cells = session.scalar(select(func.count()).select_from(MonthlyCell))
            repeated = session.scalar(
                select(func.count()).select_from(VictimAccount).where(VictimAccount.reports > 1)
            )
            print(f"  {cells:,} monthly cells; {repeated:,} accounts named in several reports")
            for label, period in PERIODS:
                for figure, seconds in timings(session, period).items():
                    print(f"  {figure:<22} {label:<5} {seconds:6.3f} s")
            for label, period in PERIODS[:2]:
                kept = best(
                    lambda period=period: service.breakdown(  # type: ignore[misc]
                        session, dimension=Dimension.FRAUD_TYPE, period=period
                    )
                )
                straight = best(lambda period=period: from_the_reports(session, period))  # type: ignore[misc]
                print(
                    f"  by-fraud-type {label:<5} from the totals {kept:6.3f} s,"
                    f" straight from the reports {straight:6.3f} s: {straight / kept:,.0f}x faster"
                )
            found = service.breakdown(session, dimension=Dimension.FRAUD_TYPE, period=Period())
            assert [
                (group.key, group.reports, group.victims, group.damage_cents) for group in found
            ] == sorted(
                from_the_reports(session, Period()),
                key=lambda row: [member.value for member in FraudType].index(str(row[0])),
            ), "the totals and the reports disagree"
            top = found[0]
        print(f"  (first fraud type: {top.key}, {top.reports:,} reports, {top.victims:,} victims)")
    finally:
        database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reports", type=int, default=1_000_000, help="reports in the table")
    parser.add_argument(
        "--repeat-share",
        type=float,
        default=0.05,
        help="share of the victims' accounts named in an earlier report",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fraudlink-bench-") as directory:
        if not arguments.skip_sqlite:
            settings = sqlite_settings(Path(directory))
            measure("SQLite", settings, arguments.reports, arguments.repeat_share)
        with postgresql_settings(Path(directory)) as postgresql:
            if postgresql is not None:
                measure("PostgreSQL", postgresql, arguments.reports, arguments.repeat_share)


if __name__ == "__main__":
    main()
