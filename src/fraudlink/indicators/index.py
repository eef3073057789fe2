"""The in-memory index of indicators: what checks (and decisions) read, by pseudonym token.

The database is the system of record; every worker keeps this index and catches up from the
change feed (``Indicator.change``) before it answers: one indexed ``max(change)`` query when
nothing changed, the changed rows when something did. A report's IBAN is therefore visible to
the next check on every worker, with no messaging between them.

Ten million indicators must fit in well under 1.5 GB, so the bulk of the index is two numpy
arrays sorted by token (32 bytes of token and 25 packed bytes per indicator, found by binary
search) and only the indicators changed since the last rebuild live in a dictionary beside it.
A Python dictionary of objects would take some 350 bytes per indicator (measured).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Final, NamedTuple

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fraudlink.database import Database
from fraudlink.i18n import LOCAL_TIME_ZONE
from fraudlink.identifiers import IdentifierKind
from fraudlink.indicators import service
from fraudlink.indicators.models import Indicator, IndicatorReport
from fraudlink.indicators.vocabulary import IndicatorStatus
from fraudlink.reports.vocabulary import FraudType

# The public check shows reports in bands up to "6+": six dates per indicator are enough.
RECENT_REPORTS: Final = 6
CATCH_UP_PAGE: Final = 20_000
# Changes are kept in the overlay dictionary until there are this many, then merged.
REBUILD_AT: Final = 50_000
EPOCH: Final = date(1970, 1, 1)
KINDS: Final = tuple(IdentifierKind)
STATUSES: Final = tuple(IndicatorStatus)
FRAUD_TYPES: Final = tuple(FraudType)
_SHARED, _CAPPED = 1, 2
ROW: Final = np.dtype(
    [
        ("kind", "u1"),
        ("status", "u1"),
        ("flags", "u1"),
        ("confidence", "<u2"),  # in ten-thousandths
        ("last_seen", "<u2"),  # Dutch days since EPOCH
        ("recent", "<u2", (RECENT_REPORTS,)),  # Dutch days since EPOCH, newest first; 0 is none
        ("recent_types", "u1", (RECENT_REPORTS,)),  # FRAUD_TYPES position + 1 of each; 0 is none
    ]
)
TOKEN: Final = np.dtype("S32")


class RecentReport(NamedTuple):
    """A report behind an entry: only reports (not partners' listings) are shown publicly."""

    moment: datetime  # once merged into the arrays: the start of its Dutch day
    fraud_type: str


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str
    status: IndicatorStatus
    shared_as_fraud: bool
    capped: bool
    confidence: float
    recent_reports: tuple[RecentReport, ...]  # newest first
    last_seen: datetime

    @property
    def listed_as_fraud(self) -> bool:
        """Whether partners may act on it as fraud: active, meets the standard, not capped."""
        return self.status is IndicatorStatus.ACTIVE and self.shared_as_fraud and not self.capped


def _day(moment: datetime) -> int:
    """The Dutch calendar day of a moment, as days since EPOCH: what the check shows."""
    return (moment.astimezone(LOCAL_TIME_ZONE).date() - EPOCH).days


@lru_cache(maxsize=4096)  # a few hundred distinct days are ever in play: lookups reuse them
def _moment(day: int) -> datetime:
    """Midnight in the Netherlands at the start of that day."""
    return datetime.combine(EPOCH + timedelta(days=int(day)), time(), LOCAL_TIME_ZONE)


def pack(entry: Entry) -> tuple[Any, ...]:
    """An entry as one ROW record (its day precision is all the check needs)."""
    recent = entry.recent_reports[:RECENT_REPORTS]
    missing = [0] * (RECENT_REPORTS - len(recent))
    return (
        KINDS.index(IdentifierKind(entry.kind)),
        STATUSES.index(entry.status),
        (_SHARED if entry.shared_as_fraud else 0) | (_CAPPED if entry.capped else 0),
        round(entry.confidence * 10_000),
        _day(entry.last_seen),
        [_day(report.moment) for report in recent] + missing,
        [FRAUD_TYPES.index(FraudType(report.fraud_type)) + 1 for report in recent] + missing,
    )


def unpack(row: tuple[Any, ...]) -> Entry:
    """A ROW record, as the tuple numpy's ``.item()`` gives, back into an entry."""
    kind, status, flags, confidence, last_seen, days, types = row
    return Entry(
        kind=KINDS[kind].value,
        status=STATUSES[status],
        shared_as_fraud=bool(flags & _SHARED),
        capped=bool(flags & _CAPPED),
        confidence=confidence / 10_000,
        recent_reports=tuple(
            RecentReport(_moment(day), FRAUD_TYPES[fraud_type - 1].value)
            for day, fraud_type in zip(days, types, strict=True)
            if day
        ),
        last_seen=_moment(last_seen),
    )


class IndicatorIndex:
    """Token → entry for every indicator; safe to share between the threads of one worker."""

    def __init__(self, policy: service.Policy) -> None:
        self.policy = policy
        self.cursor = 0
        self._tokens = np.empty(0, dtype=TOKEN)
        self._rows = np.empty(0, dtype=ROW)
        self._overlay: dict[bytes, Entry] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._tokens) + sum(
            1 for token in self._overlay if self._position(token) is None
        )

    @property
    def nbytes(self) -> int:
        """The size of the sorted arrays, which hold nearly every entry."""
        return int(self._tokens.nbytes + self._rows.nbytes)

    def lookup(self, token: str) -> Entry | None:
        key = bytes.fromhex(token)
        entry = self._overlay.get(key)
        if entry is not None:
            return entry
        position = self._position(key)
        return None if position is None else unpack(self._rows[position].item())

    def _position(self, key: bytes) -> int | None:
        tokens = self._tokens
        position = int(tokens.searchsorted(key))  # the method: numpy's wrapper costs a third
        # numpy hands a fixed-width bytes element back without its trailing NUL bytes.
        found = position < len(tokens) and tokens[position] == key.rstrip(b"\0")
        return position if found else None

    def load(self, tokens: np.ndarray, rows: np.ndarray) -> None:
        """Replace the index with these parallel arrays (TOKEN and ROW), in any order."""
        order = np.argsort(tokens, kind="stable")
        with self._lock:
            self._tokens, self._rows, self._overlay = tokens[order], rows[order], {}

    def catch_up(self, database: Database) -> None:
        """Apply every change since the last one seen; one small query when there is none."""
        latest = database.scalar_query("SELECT max(change) FROM indicators") or 0
        if latest <= self.cursor:
            return
        with self._lock, database.read_only() as session:
            while self.cursor < latest:
                changed = _changed_entries(session, since=self.cursor, policy=self.policy)
                if not changed:
                    break
                self._overlay.update((token, entry) for token, entry, _ in changed)
                self.cursor = changed[-1][2]
                # A long catch-up stays small in memory; merging only when the overlay is as big
                # as the arrays keeps a cold start of n indicators at O(n log n).
                if len(self._overlay) >= max(REBUILD_AT, len(self._tokens)):
                    self._merge()

    def _merge(self) -> None:
        """Fold the overlay into the sorted arrays (called with the lock held)."""
        changed = np.array(list(self._overlay), dtype=TOKEN)
        keep = np.ones(len(self._tokens), dtype=bool)
        if len(self._tokens):
            positions = np.minimum(np.searchsorted(self._tokens, changed), len(self._tokens) - 1)
            replaced = positions[self._tokens[positions] == changed]
            keep[replaced] = False
        tokens = np.concatenate([self._tokens[keep], changed])
        rows = np.concatenate(
            [
                self._rows[keep],
                np.array([pack(entry) for entry in self._overlay.values()], dtype=ROW),
            ]
        )
        order = np.argsort(tokens, kind="stable")
        self._tokens, self._rows, self._overlay = tokens[order], rows[order], {}


def _changed_entries(
    session: Session, *, since: int, policy: service.Policy
) -> list[tuple[bytes, Entry, int]]:
    """The next page of the change feed as (token, entry, change), oldest change first."""
    # Columns, not ORM objects: a worker's cold start reads every indicator this way.
    changed = session.execute(
        select(
            Indicator.id,
            Indicator.token,
            Indicator.kind,
            Indicator.status,
            Indicator.capped,
            Indicator.confidence,
            Indicator.report_count,
            Indicator.confirmed_count,
            Indicator.last_seen,
            Indicator.change,
        )
        .where(Indicator.change > since)
        .order_by(Indicator.change)
        .limit(CATCH_UP_PAGE)
    ).all()
    recent = _recent_reports(session, [indicator.id for indicator in changed])
    return [
        (
            bytes.fromhex(indicator.token),
            Entry(
                kind=indicator.kind,
                status=indicator.status,
                shared_as_fraud=service.meets_standard(indicator, policy),
                capped=indicator.capped,
                confidence=indicator.confidence,
                recent_reports=tuple(recent.get(indicator.id, ())),
                last_seen=indicator.last_seen,
            ),
            indicator.change,
        )
        for indicator in changed
    ]


def _recent_reports(session: Session, indicator_ids: list[int]) -> dict[int, list[RecentReport]]:
    """The newest RECENT_REPORTS reports of each indicator."""
    ranked = (
        select(
            IndicatorReport.indicator_id,
            IndicatorReport.reported_at,
            IndicatorReport.fraud_type,
            func.row_number()
            .over(
                partition_by=IndicatorReport.indicator_id,
                order_by=IndicatorReport.reported_at.desc(),
            )
            .label("rank"),
        )
        .where(IndicatorReport.indicator_id.in_(indicator_ids))
        .subquery()
    )
    recent: dict[int, list[RecentReport]] = {}
    for indicator_id, reported_at, fraud_type in session.execute(
        select(ranked.c.indicator_id, ranked.c.reported_at, ranked.c.fraud_type)
        .where(ranked.c.rank <= RECENT_REPORTS)
        .order_by(ranked.c.indicator_id, ranked.c.reported_at.desc())
    ):
        recent.setdefault(indicator_id, []).append(RecentReport(reported_at, fraud_type))
    return recent
