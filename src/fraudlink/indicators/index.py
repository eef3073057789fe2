"""The in-memory index of indicators: what checks (and decisions) read, by pseudonym token.

The database is the system of record; every worker keeps this index and catches up from the
change feed (``Indicator.change``) before it answers: one indexed ``max(change)`` query when
nothing changed, the changed rows when something did. A report's IBAN is therefore visible to
the next check on every worker, with no messaging between them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fraudlink.indicators import service
from fraudlink.indicators.models import Indicator
from fraudlink.indicators.vocabulary import IndicatorStatus

# The public check shows reports in bands up to "6+": six dates per indicator are enough.
RECENT_REPORTS = 6
CATCH_UP_PAGE = 10_000


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str
    status: IndicatorStatus
    shared_as_fraud: bool
    capped: bool
    confidence: float
    fraud_types: tuple[str, ...]
    recent_reports: tuple[datetime, ...]  # newest first, at most RECENT_REPORTS
    last_seen: datetime


class IndicatorIndex:
    """Token → entry for every indicator; safe to share between the threads of one worker."""

    def __init__(self, policy: service.Policy) -> None:
        self.policy = policy
        self.cursor = 0
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, token: str) -> Entry | None:
        return self._entries.get(token)

    def catch_up(self, session: Session) -> None:
        """Apply every change since the last one seen; cheap when there is none."""
        latest = session.scalar(select(func.max(Indicator.change))) or 0
        if latest <= self.cursor:
            return
        with self._lock:
            while self.cursor < latest:
                changed = service.changes_since(session, since=self.cursor, limit=CATCH_UP_PAGE)
                if not changed:
                    break
                ids = [indicator.id for indicator in changed]
                self._apply(changed, service.report_days(session, indicator_ids=ids))
                self.cursor = changed[-1].change

    def _apply(self, changed: Sequence[Indicator], days: Mapping[int, list[datetime]]) -> None:
        for indicator in changed:
            self._entries[indicator.token] = Entry(
                kind=indicator.kind,
                status=indicator.status,
                shared_as_fraud=service.meets_standard(indicator, self.policy),
                capped=indicator.capped,
                confidence=indicator.confidence,
                fraud_types=tuple(indicator.fraud_types),
                recent_reports=tuple(days.get(indicator.id, ())[:RECENT_REPORTS]),
                last_seen=indicator.last_seen,
            )
