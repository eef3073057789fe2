"""Report intake speed (bulk import and the API) and the classifier's accuracy.

Run with ``.venv/bin/python bench/reports.py`` (``--reports N`` for a smaller import). It builds
a fresh installation in a temporary directory, so it touches no data of yours:

1. bulk import: N demo-like reports (100,000 by default; the target is under 60 s on SQLite)
   written to a JSON Lines file and imported as ``fraudlink reports import`` does, with its
   default number of worker processes and, side by side, with one;
2. the API: ``POST /v1/reports`` against a real ``fraudlink serve`` on loopback, one client and
   four clients, beside the same server's bare ``GET /health`` (the ratio is the figure);
3. the classifier's accuracy per fraud type (bench/classifier.py).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2

import classifier
from fraudlink.audit.service import Actor
from fraudlink.console import open_database
from fraudlink.demo import service as demo_service
from fraudlink.demo.reports import demo_reports
from fraudlink.migrations import upgrade
from fraudlink.reports import importing
from fraudlink.reports.service import RoutingPolicy
from fraudlink.settings import Settings

API_REQUESTS = 400
HEALTH_REQUESTS = 2000
CLIENTS = 4
FRAUDLINK = Path(sys.executable).parent / "fraudlink"


def bulk_import(data_dir: Path, count: int, workers: int) -> float:
    data_dir.mkdir(parents=True)
    settings = Settings(data_dir=data_dir)
    upgrade(settings.resolved_database_url)
    database = open_database(settings)
    with database.transaction() as session:
        demo_service.load(session, actor=Actor(name="cli:bench"))
    file = data_dir / "reports.jsonl"
    with file.open("w") as handle:
        for number, report in enumerate(demo_reports(count=count, seed=99), start=1):
            handle.write(json.dumps({**report, "external_id": f"bench-{number}"}) + "\n")
    started = time.perf_counter()
    summary = importing.import_rows(
        database,
        importing.read_rows(file),
        partner_id=None,
        actor=Actor(name="cli:bench"),
        policy=RoutingPolicy.from_settings(settings),
        language="en",
        workers=workers,
    )
    seconds = time.perf_counter() - started
    database.dispose()
    print(f"\nbulk import on SQLite, {workers} worker(s): {summary.imported:,} reports")
    rate = summary.imported / seconds
    print(f"  {seconds:.1f} s, {rate:,.0f} reports/s, {len(summary.bad)} rejected")
    return seconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rate(count: int, clients: int, call: Callable[[httpx2.Client, int], None]) -> float:
    def work(offset: int) -> None:
        with httpx2.Client(timeout=30) as client:
            for number in range(offset, count, clients):
                call(client, number)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, range(clients)))
    return count / (time.perf_counter() - started)


def api(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    environment = {
        **os.environ,
        "FRAUDLINK_DATA_DIR": str(data_dir),
        "FRAUDLINK_LOG_LEVEL": "WARNING",
    }
    subprocess.run([FRAUDLINK, "db", "upgrade"], env=environment, check=True, capture_output=True)
    demo = subprocess.run(
        [FRAUDLINK, "demo"], env=environment, check=True, capture_output=True, text=True
    )
    key = next(
        line.split()[-1]
        for line in demo.stdout.splitlines()
        if line.strip().startswith("Fraudehelpdesk")
    )
    port = _free_port()
    server = subprocess.Popen(
        [FRAUDLINK, "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx2.get(f"{base}/health", timeout=1)
                break
            except httpx2.HTTPError:
                time.sleep(0.1)
        reports = list(demo_reports(count=API_REQUESTS, seed=7))
        headers = {"Authorization": f"Bearer {key}"}

        def submit(client: httpx2.Client, number: int) -> None:
            body: dict[str, Any] = {
                **reports[number],
                "external_id": f"api-{number}-{time.monotonic_ns()}",
            }
            response = client.post(f"{base}/v1/reports", json=body, headers=headers)
            assert response.status_code == 201, response.text

        def health(client: httpx2.Client, _number: int) -> None:
            assert client.get(f"{base}/health").status_code == 200

        print(f"\nAPI on one uvicorn worker: {API_REQUESTS} reports, {HEALTH_REQUESTS} probes")
        for clients in (1, CLIENTS):
            bare = _rate(HEALTH_REQUESTS, clients, health)
            posted = _rate(API_REQUESTS, clients, submit)
            print(
                f"  {clients} client(s): POST /v1/reports {posted:,.0f}/s,"
                f" GET /health {bare:,.0f}/s, ratio {posted / bare:.2f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reports", type=int, default=100_000, help="reports to bulk import")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fraudlink-bench-") as directory:
        workers = importing.default_workers()
        parallel = bulk_import(Path(directory) / "import", arguments.reports, workers)
        alone = bulk_import(Path(directory) / "import-alone", arguments.reports, 1)
        print(f"  {workers} workers are {alone / parallel:.2f}x as fast as one")
        print("  (target: 100,000 reports in under 60 s)")
        api(Path(directory) / "api")
    classifier.main()


if __name__ == "__main__":
    main()
