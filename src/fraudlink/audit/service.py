"""Recording what partners do, and proving afterwards that the record was not changed."""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fraudlink.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry
from fraudlink.database import keys_of, table_of, utcnow

VERIFY_BATCH_SIZE = 5_000


@dataclass(frozen=True)
class Actor:
    """Who did something: a key (``key:<prefix>``), an operator (``cli:<user>``) or the public."""

    name: str
    partner_id: int | None = None

    @classmethod
    def operator(cls) -> Actor:
        return cls(name=f"cli:{getpass.getuser()}")


PUBLIC = Actor(name="public")


@dataclass(frozen=True)
class Event:
    """One thing to record; see ``record`` for what ``details`` may hold."""

    actor: Actor
    action: str
    subject_type: str | None = None
    subject_id: str | int | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    subject_type: str | None = None,
    subject_id: str | int | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append an entry in the caller's transaction: it commits or vanishes with the work it records.

    ``details`` must be JSON of strings, integers, booleans and nulls (floats may not survive a
    database round trip bit for bit) and must never hold a raw identifier: use its token.
    """
    record_many(session, [Event(actor, action, subject_type, subject_id, details or {})])


def record_many(session: Session, events: Sequence[Event]) -> None:
    """Append several entries under one lock of the chain head: bulk work stays fast."""
    if not events:
        return
    head = session.scalars(
        select(AuditChainHead).with_for_update().execution_options(populate_existing=True)
    ).one()
    key = keys_of(session).audit
    occurred_at = utcnow()
    rows = []
    for event in events:
        row: dict[str, Any] = {
            "id": head.last_entry_id + 1,
            "occurred_at": occurred_at,
            "partner_id": event.actor.partner_id,
            "actor": event.actor.name,
            "action": event.action,
            "subject_type": event.subject_type,
            "subject_id": None if event.subject_id is None else str(event.subject_id),
            "details": dict(event.details),
            "previous_hash": head.last_hash,
        }
        row["entry_hash"] = _seal(key, _content(row))
        head.last_entry_id = row["id"]
        head.last_hash = row["entry_hash"]
        rows.append(row)
    session.execute(insert(table_of(AuditEntry)), rows)


def _content(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": entry["id"],
        "occurred_at": entry["occurred_at"].isoformat(timespec="microseconds"),
        "partner_id": entry["partner_id"],
        "actor": entry["actor"],
        "action": entry["action"],
        "subject_type": entry["subject_type"],
        "subject_id": entry["subject_id"],
        "details": entry["details"],
        "previous_hash": entry["previous_hash"],
    }


def _seal(key: bytes, content: Mapping[str, Any]) -> str:
    # Keyed (HMAC) rather than a bare hash: someone who can write to the database but does not
    # hold the installation's secret cannot rebuild a consistent chain after changing a row.
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """The outcome of ``verify``; when broken, ``problem`` is a message key of the audit domain."""

    entries_checked: int
    first_bad_entry_id: int | None = None
    problem: str | None = None
    params: dict[str, object] = field(default_factory=dict)


def verify(session: Session) -> ChainReport:
    """Walk the whole log in id order and report the first entry that breaks the chain."""
    key = keys_of(session).audit
    head = session.get(AuditChainHead, 1)
    if head is None:
        return ChainReport(0, None, "chain_head_missing")
    expected_id = 1
    previous_hash = GENESIS_HASH
    checked = 0
    rows = session.execute(
        select(AuditEntry.__table__)
        .order_by(AuditEntry.id)
        .execution_options(yield_per=VERIFY_BATCH_SIZE)
    )
    for row in rows:
        if row.id != expected_id:
            return ChainReport(checked, expected_id, "entry_missing", {"entry_id": expected_id})
        if row.previous_hash != previous_hash or not hmac.compare_digest(
            row.entry_hash, _seal(key, _content(dict(row._mapping)))
        ):
            return ChainReport(checked, row.id, "entry_changed", {"entry_id": row.id})
        previous_hash = row.entry_hash
        expected_id += 1
        checked += 1
    if head.last_entry_id > checked:
        return ChainReport(
            checked,
            checked + 1,
            "tail_missing",
            {"entry_id": checked + 1, "last_entry_id": head.last_entry_id},
        )
    if head.last_entry_id != checked or head.last_hash != previous_hash:
        return ChainReport(checked, checked, "head_mismatch", {"entry_id": checked})
    return ChainReport(checked)


def list_entries(
    session: Session,
    *,
    partner_id: int | None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> Sequence[AuditEntry]:
    """Entries in id order after ``after_id``; ``partner_id=None`` means every partner's."""
    query = select(AuditEntry).where(AuditEntry.id > after_id)
    if partner_id is not None:
        query = query.where(AuditEntry.partner_id == partner_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.occurred_at >= since)
    if until is not None:
        query = query.where(AuditEntry.occurred_at < until)
    return session.scalars(query.order_by(AuditEntry.id).limit(limit)).all()
