"""Accuracy and throughput of fraudlink.reports.classification on the labelled narratives.

Run with ``.venv/bin/python bench/classifier.py``. The tuning set (tests/data/narratives.jsonl)
is the one the cues were tuned on; the holdout set (tests/data/narratives_holdout.jsonl) was
written before any tuning and never tuned on, so its accuracy is the honest estimate. The speed
is the best of a few rounds over both sets, after one warm-up call has read the cue file.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.reports

from tests.reports import HOLDOUT, TUNING, Narrative

from fraudlink.reports.classification import classify
from fraudlink.reports.vocabulary import FraudType

ROUNDS = 5
REPEAT = 20  # each round classifies every narrative this many times, for a stable figure
WORST_PAIRS = 8


def report(title: str, narratives: list[Narrative]) -> None:
    totals: Counter[FraudType] = Counter()
    correct: Counter[FraudType] = Counter()
    confusions: Counter[tuple[FraudType, FraudType]] = Counter()
    for narrative in narratives:
        suggested = classify(narrative.text, narrative.channel).fraud_type
        totals[narrative.fraud_type] += 1
        if suggested is narrative.fraud_type:
            correct[narrative.fraud_type] += 1
        else:
            confusions[narrative.fraud_type, suggested] += 1
    print(f"\n{title}")
    print(f"{'fraud type':<18}{'n':>5}{'correct':>9}{'accuracy':>10}")
    rows = [(kind.value, totals[kind], correct[kind]) for kind in FraudType if totals[kind]]
    rows.append(("overall", len(narratives), sum(correct.values())))
    for name, n, right in rows:
        print(f"{name:<18}{n:>5}{right:>9}{right / n:>10.2f}")
    if confusions:
        pairs = ", ".join(
            f"{actual.value} -> {suggested.value} ({count})"
            for (actual, suggested), count in confusions.most_common(WORST_PAIRS)
        )
        print(f"most frequent mistakes (actual -> suggested): {pairs}")


def throughput(narratives: list[Narrative]) -> float:
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(REPEAT):
            for narrative in narratives:
                classify(narrative.text, narrative.channel)
        timings.append(time.perf_counter() - started)
    return len(narratives) * REPEAT / min(timings)


def main() -> None:
    classify("warm-up: reads the cue file")
    report(f"tuning set ({len(TUNING)} narratives)", TUNING)
    report(f"holdout set ({len(HOLDOUT)} narratives, written before tuning)", HOLDOUT)
    speed = throughput(TUNING + HOLDOUT)
    print(f"\nclassify: {speed:,.0f} narratives/s (one core, best of {ROUNDS} rounds)")


if __name__ == "__main__":
    main()
