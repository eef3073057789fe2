"""Throughput of fraudlink.identifiers: parse, normalise and pseudonymise, per kind.

Run with ``.venv/bin/python bench/identifiers.py``. The values come from the generators the
property tests use (tests/identifiers/samples.py): realistic identifiers in varied spellings,
so that the figures describe the input the tests prove correct. Each measurement is the best
of a few rounds, after one warm-up value per kind has loaded the registries.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.identifiers

from tests.identifiers.samples import SAMPLERS

from fraudlink.identifiers import IdentifierKind, Pseudonymiser, parse

VALUES_PER_KIND = 3000
ROUNDS = 3
SEED = 20240601


def best_seconds(work: Callable[[], None]) -> float:
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    random = Random(SEED)
    pseudonymiser = Pseudonymiser(hashlib.sha256(b"fraudlink benchmark key").digest())
    values = {
        kind: [sample(random) for _ in range(VALUES_PER_KIND)] for kind, sample in SAMPLERS.items()
    }
    for kind, kind_values in values.items():
        pseudonymiser.token(parse(kind_values[0], kind))  # warm-up: registries, suffix list

    def run(kind: IdentifierKind | None, batch: list[str]) -> Callable[[], None]:
        def work() -> None:
            for value in batch:
                pseudonymiser.token(parse(value, kind))

        return work

    rows = [(kind.value, batch, run(kind, batch)) for kind, batch in values.items()]
    mixed = [value for batch in values.values() for value in batch]
    Random(SEED).shuffle(mixed)
    rows.append(("detect + parse (mixed)", mixed, run(None, mixed)))

    print(f"{'path':<24}{'values':>8}{'seconds':>10}{'values/s':>12}{'µs/value':>10}")
    for name, batch, work in rows:
        seconds = best_seconds(work)
        print(
            f"{name:<24}{len(batch):>8}{seconds:>10.3f}"
            f"{len(batch) / seconds:>12,.0f}{seconds / len(batch) * 1e6:>10.1f}"
        )


if __name__ == "__main__":
    main()
