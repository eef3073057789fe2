"""The labelled narratives, shared by the classification tests and bench/classifier.py.

TUNING (tests/data/narratives.jsonl) is what the cues in classification.yaml were tuned on.
HOLDOUT (tests/data/narratives_holdout.jsonl) was written before any tuning and is never tuned
on: its accuracy is the honest one. Fix a mistake it shows by adding a narrative like it to the
tuning set and tuning there, never by editing the holdout set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from fraudlink.reports.vocabulary import Channel, FraudType

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Narrative:
    text: str
    channel: Channel | None
    fraud_type: FraudType


def load(path: Path) -> list[Narrative]:
    """One JSON object per line: {"narrative": ..., "channel": ... or null, "fraud_type": ...}."""
    narratives = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        channel = row["channel"]
        narratives.append(
            Narrative(
                row["narrative"],
                None if channel is None else Channel(channel),
                FraudType(row["fraud_type"]),
            )
        )
    return narratives


TUNING = load(DATA / "narratives.jsonl")
HOLDOUT = load(DATA / "narratives_holdout.jsonl")
