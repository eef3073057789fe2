"""How well decisions did, once the truth is known: the one tally for live feedback and backtests.

An alert is any outcome above allow. Precision: of the alerts whose truth is known, the share
that was fraud. Recall: of the known frauds, the share that was alerted. Money stopped: the
amounts of fraud payments that were delayed or blocked (a warning may not stop a victim who is
being talked through the payment on the phone, so it does not count).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fraudlink.decisions.vocabulary import Outcome

STOPPING = frozenset({Outcome.DELAY, Outcome.BLOCK})


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class RuleTally:
    fired: int = 0
    fraud: int = 0  # fired on payments that were fraud
    genuine: int = 0  # fired on payments that were genuine

    def as_dict(self) -> dict[str, Any]:
        return {
            "fired": self.fired,
            "fraud": self.fraud,
            "genuine": self.genuine,
            "precision": _ratio(self.fraud, self.fraud + self.genuine),
        }


@dataclass
class Tally:
    decisions: int = 0
    alerts: int = 0
    by_outcome: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    true_alerts: int = 0
    false_alerts: int = 0
    missed: int = 0  # fraud that was allowed
    fraud_cents: int = 0
    stopped_cents: int = 0
    rules: dict[str, RuleTally] = field(default_factory=dict)

    def add(
        self, outcome: Outcome, codes: Iterable[str], *, fraud: bool | None, amount_cents: int
    ) -> None:
        """One decision; ``fraud`` is None while its truth is unknown."""
        self.decisions += 1
        self.by_outcome[outcome.value] += 1
        alert = outcome is not Outcome.ALLOW
        self.alerts += alert
        for code in codes:
            rule = self.rules.setdefault(code, RuleTally())
            rule.fired += 1
            if fraud is not None:
                rule.fraud += fraud
                rule.genuine += not fraud
        if fraud is None:
            return
        if fraud:
            self.fraud_cents += amount_cents
            self.stopped_cents += amount_cents if outcome in STOPPING else 0
            self.true_alerts += alert
            self.missed += not alert
        else:
            self.false_alerts += alert

    def as_dict(self) -> dict[str, Any]:
        return {
            "decisions": self.decisions,
            "outcomes": self.by_outcome,
            "alert_rate": _ratio(self.alerts, self.decisions),
            "true_alerts": self.true_alerts,
            "false_alerts": self.false_alerts,
            "missed_fraud": self.missed,
            "precision": _ratio(self.true_alerts, self.true_alerts + self.false_alerts),
            "recall": _ratio(self.true_alerts, self.true_alerts + self.missed),
            "fraud_euros": self.fraud_cents / 100,
            "prevented_euros": self.stopped_cents / 100,
            "rules": {code: rule.as_dict() for code, rule in sorted(self.rules.items())},
        }
