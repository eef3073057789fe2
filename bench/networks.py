"""Mule networks over a million reports: ``fraudlink networks build --full``, then an
incremental build of ten thousand new reports.

Run with ``.venv/bin/python bench/networks.py`` (``--reports 100000`` for a smaller run). It
builds a fresh SQLite installation in a temporary directory, so it touches no data of yours,
and fills it with synthetic reports by multi-row INSERTs (timed, but not part of the target):

- each report pays into one or two accounts or wallets and names up to two phone numbers, web
  addresses or e-mail addresses, nearly all of them its own;
- 5% of the reports belong to one of 5,000 planted rings (four accounts, two phone numbers);
- one report in ten names the marketplace's own page and one in twenty a bank's real number
  (warning-listed): common values that must link nothing.

It then runs the real command in a child process and prints its wall time and peak memory
(the child's maximum resident set size). Target (issue 7): 1 million reports into networks in
under 60 seconds and under 4 GB on a two-core machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any, Final

from sqlalchemy import create_engine, insert, select, text

from fraudlink.database import table_of
from fraudlink.migrations import upgrade
from fraudlink.networks.models import Network, NetworkMember
from fraudlink.reports.models import Report, ReportIdentifier, ReportPayment, ReportSource
from fraudlink.reports.vocabulary import Channel, FraudType, PaymentMethod

REPORTS: Final = 1_000_000
INCREMENT: Final = 10_000
RINGS: Final = 5_000
RING_SHARE: Final = 0.05
CHUNK: Final = 20_000
START: Final = datetime(2024, 1, 1, tzinfo=UTC)
MARKETPLACE: Final = "https://www.marktplaats.nl/v/fietsen"
SPOOFED: Final = "+31202288800"
TARGET_SECONDS: Final = 60
TARGET_BYTES: Final = 4 * 1024**3


def _token(value: str) -> str:
    return hashlib.blake2b(value.encode(), digest_size=32).hexdigest()


class Synthetic:
    def __init__(self, seed: int = 7) -> None:
        self.random = Random(seed)
        self.rings = [
            (
                [f"NL00RING{ring:06d}{index:04d}" for index in range(4)],
                [f"+3161{ring:06d}{index}" for index in range(2)],
            )
            for ring in range(RINGS)
        ]
        self.types = list(FraudType)

    def rows(
        self, number: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        random = self.random
        occurred = START + timedelta(minutes=number % 1_500_000)
        report = {
            "id": number,
            "reference": f"FL-B-{number:08d}",
            "source": ReportSource.IMPORT,
            "fraud_type": random.choice(self.types),
            "fraud_type_suggested": False,
            "channel": Channel.PHONE_CALL,
            "occurred_at": occurred,
            "reported_at": occurred,
            "aangifte_made": False,
            "aangifte_wanted": False,
            "contact_consent": False,
            "usernames": [],
            "total_loss_cents": 0,
            "advice_rules_version": "bench",
        }
        ring = self.rings[random.randrange(RINGS)] if random.random() < RING_SHARE else None
        payments, named = [], []
        loss = 0
        for position in range(random.choice((1, 1, 2))):
            amount = random.randint(1_000, 500_000)
            loss += amount
            wallet = random.random() < 0.05
            beneficiary = (
                random.choice(ring[0])
                if ring
                else (
                    f"0x{random.getrandbits(160):040x}"
                    if wallet
                    else f"NL{random.randint(10, 99)}BANK{random.randint(0, 9_999_999_999):010d}"
                )
            )
            payments.append(
                {
                    "report_id": number,
                    "position": position,
                    "amount_cents": amount,
                    "paid_on": occurred.date(),
                    "method": PaymentMethod.CRYPTO
                    if wallet and not ring
                    else PaymentMethod.TRANSFER,
                    "beneficiary_kind": "wallet" if wallet and not ring else "iban",
                    "beneficiary": beneficiary,
                    "beneficiary_token": _token(beneficiary),
                    "beneficiary_bank_code": None,
                }
            )
        report["total_loss_cents"] = loss
        values: list[tuple[str, str, dict[str, str]]] = []
        if ring:
            values.append(("phone", random.choice(ring[1]), {}))
        elif random.random() < 0.6:
            values.append(("phone", f"+316{random.randint(0, 99_999_999):08d}", {}))
        if random.random() < 0.3:
            domain = f"shop-{random.randint(0, 99_999_999)}.nl"
            values.append(("url", f"https://{domain}/", {"registrable_domain": domain}))
        if random.random() < 0.1:
            values.append(("url", MARKETPLACE, {"registrable_domain": "marktplaats.nl"}))
        if random.random() < 0.05:
            values.append(("phone", SPOOFED, {}))
        for position, (kind, value, details) in enumerate(values):
            named.append(
                {
                    "report_id": number,
                    "position": position,
                    "kind": kind,
                    "value": value,
                    "token": _token(value),
                    "details": details,
                }
            )
        return report, payments, named


def fill(url: str, synthetic: Synthetic, first: int, last: int) -> float:
    """Insert reports ``first`` … ``last`` with multi-row INSERTs; returns the seconds it took."""
    started = time.perf_counter()
    engine = create_engine(url)
    with engine.begin() as connection:
        for start in range(first, last + 1, CHUNK):
            reports, payments, named = [], [], []
            for number in range(start, min(start + CHUNK, last + 1)):
                report, paid, identifiers = synthetic.rows(number)
                reports.append(report)
                payments += paid
                named += identifiers
            connection.execute(insert(table_of(Report)), reports)
            connection.execute(insert(table_of(ReportPayment)), payments)
            connection.execute(insert(table_of(ReportIdentifier)), named)
    engine.dispose()
    return time.perf_counter() - started


def run_build(data_dir: Path, *options: str) -> tuple[float, int]:
    """Run ``fraudlink networks build`` in a child; its wall seconds and peak memory (bytes)."""
    command = [
        str(Path(sys.executable).parent / "fraudlink"),
        "networks",
        "build",
        "--quiet",
        *options,
    ]
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(command, check=True, env={**os.environ, "FRAUDLINK_DATA_DIR": str(data_dir)})
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest of any child so far (kilobytes on Linux).
    return seconds, max(peak, before) * 1024


def describe(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        networks = connection.execute(
            select(text("count(*)")).select_from(table_of(Network))
        ).scalar()
        members = connection.execute(
            select(text("count(*)")).select_from(table_of(NetworkMember))
        ).scalar()
        largest = connection.execute(
            select(text("max(size)")).select_from(table_of(Network))
        ).scalar()
    engine.dispose()
    return {"networks": networks or 0, "members": members or 0, "largest": largest or 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=REPORTS)
    parser.add_argument("--increment", type=int, default=INCREMENT)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        url = f"sqlite:///{data_dir / 'fraudlink.db'}"
        os.environ["FRAUDLINK_DATA_DIR"] = str(data_dir)
        upgrade(url)
        synthetic = Synthetic()
        inserted = fill(url, synthetic, 1, arguments.reports)
        print(
            f"inserted {arguments.reports:,} reports in {inserted:.1f} s (not part of the target)"
        )
        full_seconds, full_peak = run_build(data_dir, "--full")
        found = describe(url)
        print(
            f"build --full: {full_seconds:.1f} s, peak memory {full_peak / 1024**3:.2f} GB; "
            f"{found['networks']:,} networks, {found['members']:,} members, "
            f"largest {found['largest']}"
        )
        last = arguments.reports + arguments.increment
        added = fill(url, synthetic, arguments.reports + 1, last)
        print(f"inserted {arguments.increment:,} more reports in {added:.1f} s")
        step_seconds, _ = run_build(data_dir)
        print(f"incremental build of {arguments.increment:,} new reports: {step_seconds:.1f} s")
        print(
            json.dumps(
                {
                    "reports": arguments.reports,
                    "full_seconds": round(full_seconds, 1),
                    "full_peak_gb": round(full_peak / 1024**3, 2),
                    "incremental_seconds": round(step_seconds, 1),
                    "within_target": full_seconds < TARGET_SECONDS and full_peak < TARGET_BYTES,
                }
            )
        )


if __name__ == "__main__":
    main()
