"""Audit entries as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from fraudlink.audit.models import AuditEntry


class AuditEntryOut(BaseModel):
    id: int
    occurred_at: datetime
    partner_id: int | None
    actor: str = Field(description="key:<prefix>, cli:<operator> or public.")
    action: str
    subject_type: str | None
    subject_id: str | None
    details: dict[str, Any]
    entry_hash: str

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(
            id=entry.id,
            occurred_at=entry.occurred_at,
            partner_id=entry.partner_id,
            actor=entry.actor,
            action=entry.action,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            details=entry.details,
            entry_hash=entry.entry_hash,
        )


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]
    next_after_id: int | None = Field(
        description="Pass as after_id to get the next page; null when this was the last."
    )
