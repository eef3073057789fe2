"""Webhook delivery: how fast a backlog reaches receivers, and what an idle round costs.

Run with ``.venv/bin/python bench/webhooks.py`` (``--indicators N`` for a smaller backlog). It
builds a fresh SQLite installation in a temporary directory with the demo partners and N
indicators in the change feed, and a receiver in a separate process on loopback that answers
204 to every message. It prints:

1. one webhook catching up from position 0: indicators/s and messages/s (200 per message,
   each signed, posted, logged and audited);
2. ten webhooks catching up together (ten banks' receivers), the fan-out a busy day brings;
3. the cost of a delivery round with nothing due, which every worker pays every
   ``FRAUDLINK_WEBHOOK_INTERVAL_SECONDS``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import select

from fraudlink.access import service as access_service
from fraudlink.access.models import ApiKey
from fraudlink.audit.service import Actor
from fraudlink.console import open_database
from fraudlink.crypto import FieldCipher
from fraudlink.database import Database, keys_of
from fraudlink.demo import service as demo_service
from fraudlink.migrations import upgrade
from fraudlink.partners.models import Partner, PartnerType
from fraudlink.settings import Settings
from fraudlink.webhooks import delivery, service
from indicators import store_indicators
from reports import _free_port

IDLE_ROUNDS = 200
FAN_OUT = 10


def receive(port: int) -> None:
    """The receiver process: read each message and answer 204."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver behind a proxy

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["content-length"]))
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def installation(directory: Path, indicators: int) -> tuple[Settings, Database]:
    settings = Settings(
        data_dir=directory, webhook_allow_http=True, webhook_allow_private_networks=True
    )
    upgrade(settings.resolved_database_url)
    database = open_database(settings)
    with database.transaction() as session:
        demo_service.load(session, actor=Actor(name="cli:bench"))
    store_indicators(database, indicators, with_values=True)
    return settings, database


def subscribe(database: Database, url: str, count: int) -> None:
    """``count`` webhooks from position 0, each for another bank where there are enough."""
    with database.transaction() as session:
        banks = session.scalars(
            select(ApiKey.id)
            .join(Partner, Partner.id == ApiKey.partner_id)
            .where(Partner.type == PartnerType.BANK)
            .order_by(ApiKey.id)
        ).all()
        cipher = FieldCipher(keys_of(session).fields)
        for number in range(count):
            principal = access_service.key_principal(session, key_id=banks[number % len(banks)])
            assert principal is not None
            service.create(
                session,
                principal=principal,
                url=url,
                kinds=[],
                since=0,
                cipher=cipher,
                receivers=service.Receivers(allow_http=True, allow_private_networks=True),
            )


def catch_up(settings: Settings, database: Database, label: str) -> None:
    messages = indicators = 0
    started = time.perf_counter()
    while True:
        outcome = delivery.deliver_due(database, settings)
        assert outcome.failed == 0, "the receiver takes every message"
        if not outcome.delivered:
            break
        messages += outcome.delivered
        indicators += outcome.indicators
    seconds = time.perf_counter() - started
    print(
        f"  {label}: {indicators:,} indicators in {messages:,} messages in {seconds:.1f} s:"
        f" {indicators / seconds:,.0f} indicators/s, {messages / seconds:,.1f} messages/s"
    )


def idle_round(settings: Settings, database: Database) -> None:
    timings = []
    for _ in range(IDLE_ROUNDS):
        started = time.perf_counter()
        delivery.deliver_due(database, settings)
        timings.append(time.perf_counter() - started)
    print(
        f"  a round with nothing due ({FAN_OUT + 1} webhooks): median"
        f" {statistics.median(timings) * 1000:.2f} ms, 95th percentile"
        f" {statistics.quantiles(timings, n=20)[-1] * 1000:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--indicators", type=int, default=50_000, help="backlog to deliver")
    parser.add_argument("--receive", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.receive:
        receive(arguments.receive)
        return
    port = _free_port()
    receiver = subprocess.Popen([sys.executable, __file__, "--receive", str(port)])
    url = f"http://127.0.0.1:{port}/webhook"
    try:
        with tempfile.TemporaryDirectory(prefix="fraudlink-bench-") as directory:
            settings, database = installation(Path(directory), arguments.indicators)
            time.sleep(0.5)  # the receiver is listening by now
            print(f"webhook delivery on SQLite, receiver on loopback, {service.BATCH_SIZE}/message")
            subscribe(database, url, 1)
            catch_up(settings, database, "one webhook")
            subscribe(database, url, FAN_OUT)
            catch_up(settings, database, f"{FAN_OUT} webhooks together")
            idle_round(settings, database)
            database.dispose()
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)


if __name__ == "__main__":
    main()
