"""Audit entries as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    partner_id: int | None
    actor: str = Field(description="key:<prefix>, cli:<operator> or public.")
    action: str
    subject_type: str | None
    subject_id: str | None
    details: dict[str, Any]
    entry_hash: str


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]
    next_after_id: int | None = Field(
        description="Pass as after_id to get the next page; null when this was the last."
    )
