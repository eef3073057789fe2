"""The append-only, hash-chained audit log and the head that seals its end."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from fraudlink.database import Base, BigId, JSONDocument

GENESIS_HASH = "0" * 64


class AuditEntry(Base):
    """One thing a partner, an operator or the platform did.

    Rows are never updated or deleted (database triggers refuse it). Each row's ``entry_hash``
    is a keyed hash over its content and the previous row's hash, so a changed, removed or
    inserted row breaks the chain at that point; ids are consecutive, so a gap is a deletion.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_partner_id_id", "partner_id", "id"),
        Index("ix_audit_log_action", "action"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime]
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(128))
    details: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The single row that remembers the last entry.

    Appending locks this row, which orders concurrent writers on every engine; and because
    it records the last id and hash, removing entries from the end of the log is detected too.
    """

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_entry_id: Mapped[int] = mapped_column(BigId)
    last_hash: Mapped[str] = mapped_column(String(64))
