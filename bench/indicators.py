"""The indicator index and the public check: memory, lookups, load time, HTTP beside /health.

Run with ``.venv/bin/python bench/indicators.py`` (``--sizes 1000000`` to skip 10M). It prints:

1. for synthetic indexes of 1M and 10M indicators: memory per indicator (the arrays and the
   process's resident growth), lookups/s in process on one core (hits and misses);
2. the load time of 1M indicators from a fresh SQLite database through the change feed, as a
   starting worker does;
3. ``GET /v1/check`` requests/s over HTTP beside the same server's bare ``GET /health``, one
   uvicorn worker on loopback (the ratio is the figure; target: at least 0.5).

Targets (issue 4): 10M indicators in under 1.5 GB, at least 200,000 lookups/s on one core.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from random import Random

import httpx2
import numpy as np
from sqlalchemy import insert

from fraudlink.database import Database, table_of, utcnow
from fraudlink.indicators import service
from fraudlink.indicators.index import ROW, TOKEN, IndicatorIndex
from fraudlink.indicators.models import ChangeCounter, Indicator
from fraudlink.indicators.vocabulary import IndicatorStatus, Tlp
from fraudlink.migrations import upgrade
from fraudlink.settings import Settings
from reports import FRAUDLINK, _free_port, _rate

LOOKUPS = 200_000
POLICY = service.Policy(min_reports=2, correlation_cap=500)
DB_INDICATORS = 1_000_000
HTTP_REQUESTS = 3000


def resident_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def synthetic(size: int, random: Random) -> tuple[np.ndarray, np.ndarray]:
    generator = np.random.default_rng(random.getrandbits(64))
    tokens = np.frombuffer(generator.bytes(32 * size), dtype=TOKEN)
    rows = np.zeros(size, dtype=ROW)
    rows["status"] = 0
    rows["flags"] = 1
    rows["confidence"] = np.arange(size) % 10_000
    rows["last_seen"] = 20_000 + np.arange(size) % 365
    rows["recent"][:, 0] = rows["last_seen"]
    rows["recent_types"][:, 0] = 1 + np.arange(size) % 11
    return tokens, rows


def in_process(size: int) -> None:
    random = Random(size)
    before = resident_bytes()
    tokens, rows = synthetic(size, random)
    index = IndicatorIndex(POLICY)
    started = time.perf_counter()
    index.load(tokens, rows)
    built = time.perf_counter() - started
    del tokens, rows
    grown = resident_bytes() - before
    hits = [random.choice(index._tokens).hex() for _ in range(LOOKUPS // 2)]
    misses = [secrets.token_hex(32) for _ in range(LOOKUPS // 2)]
    started = time.perf_counter()
    found = sum(index.lookup(token) is not None for token in hits + misses)
    seconds = time.perf_counter() - started
    assert found == LOOKUPS // 2, "every hit is found, no miss is"
    print(
        f"{size:>11,} indicators: {index.nbytes / size:5.1f} bytes each in the arrays,"
        f" {grown / size:6.1f} bytes each of resident growth ({grown / 2**30:.2f} GiB);"
        f" sorted in {built:.1f} s; {LOOKUPS / seconds:,.0f} lookups/s (half misses)"
    )


def store_indicators(database: Database, count: int, *, with_values: bool) -> None:
    """``count`` active IBAN indicators at change positions 1 to ``count``."""
    now = utcnow()
    random = Random(7)
    rows = [
        {
            "kind": "iban",
            "token": random.randbytes(32).hex(),
            "value": f"NL{number % 100:02d}BENCH{number:010d}" if with_values else None,
            "status": IndicatorStatus.ACTIVE,
            "tlp": Tlp.AMBER,
            "first_seen": now - timedelta(days=number % 700),
            "last_seen": now - timedelta(days=number % 300),
            "report_count": 1 + number % 7,
            "partner_count": 1,
            "confirmed_count": 0,
            "fraud_types": ["purchase"],
            "confidence": 0.5,
            "capped": False,
            "change": number + 1,
            "cleared_at": None,
        }
        for number in range(count)
    ]
    with database.transaction() as session:
        for start in range(0, count, 50_000):
            session.execute(insert(table_of(Indicator)), rows[start : start + 50_000])
        session.add(ChangeCounter(id=1, last_change=count))


def from_database(directory: Path) -> None:
    directory.mkdir()
    settings = Settings(data_dir=directory)
    upgrade(settings.resolved_database_url)
    from fraudlink.console import open_database  # noqa: PLC0415 - after the data dir exists

    database = open_database(settings)
    store_indicators(database, DB_INDICATORS, with_values=False)
    index = IndicatorIndex(POLICY)
    started = time.perf_counter()
    index.catch_up(database)
    seconds = time.perf_counter() - started
    database.dispose()
    print(
        f"\nload of {len(index):,} indicators from SQLite through the change feed: {seconds:.1f} s"
        f" ({len(index) / seconds:,.0f}/s)"
    )


def over_http(directory: Path) -> None:
    directory.mkdir()
    environment = {
        **os.environ,
        "FRAUDLINK_DATA_DIR": str(directory),
        "FRAUDLINK_LOG_LEVEL": "WARNING",
        # The bench is one client asking many values: lift the public limits for it.
        "FRAUDLINK_CHECK_REQUESTS_PER_MINUTE": "100000000",
        "FRAUDLINK_CHECK_DISTINCT_VALUES_PER_HOUR": "100000000",
    }
    subprocess.run([FRAUDLINK, "db", "upgrade"], env=environment, check=True, capture_output=True)
    subprocess.run([FRAUDLINK, "demo"], env=environment, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [FRAUDLINK, "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    values = ["NL91ABNA0417164300", "+31612345678", "www.voordeel-1-shop.nl", "0612345678"]
    try:
        for _ in range(100):
            try:
                httpx2.get(f"{base}/health", timeout=1)
                break
            except httpx2.HTTPError:
                time.sleep(0.1)

        def check(client: httpx2.Client, number: int) -> None:
            response = client.get(f"{base}/v1/check", params={"value": values[number % 4]})
            assert response.status_code == 200, response.text

        def health(client: httpx2.Client, _number: int) -> None:
            assert client.get(f"{base}/health").status_code == 200

        print(f"\nHTTP, one uvicorn worker on loopback, {HTTP_REQUESTS} requests each")
        for clients in (1, 4):
            bare = _rate(HTTP_REQUESTS, clients, health)
            checked = _rate(HTTP_REQUESTS, clients, check)
            print(
                f"  {clients} client(s): GET /v1/check {checked:,.0f}/s,"
                f" GET /health {bare:,.0f}/s, ratio {checked / bare:.2f} (target >= 0.5)"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="synthetic index sizes")
    arguments = parser.parse_args()
    print("in-process index (one core)")
    for size in (int(part) for part in arguments.sizes.split(",")):
        in_process(size)
    with tempfile.TemporaryDirectory(prefix="fraudlink-bench-") as directory:
        from_database(Path(directory) / "load")
        over_http(Path(directory) / "http")


if __name__ == "__main__":
    main()
