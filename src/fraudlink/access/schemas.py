"""What the access API takes and returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from fraudlink.access.models import ApiKey
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.partners.models import PartnerType
from fraudlink.text import plain_text


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: plain_text(min_length=1, max_length=200) = Field(  # type: ignore[valid-type]
        examples=["Payment monitoring, production"]
    )
    scopes: list[Permission] | None = Field(
        default=None,
        min_length=1,
        description="Permissions of the new key; by default all that the creating key holds.",
        examples=[["audit:read"]],
    )


class KeyOut(BaseModel):
    prefix: str = Field(description="The key's public name; the secret part is never shown again.")
    label: str
    partner: str
    scopes: list[str]
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(description="Accurate to a quarter of an hour.")

    @classmethod
    def of(cls, key: ApiKey) -> KeyOut:
        return cls(
            prefix=key.prefix,
            label=key.label,
            partner=key.partner.name,
            scopes=key.scopes,
            created_at=key.created_at,
            created_by=key.created_by,
            revoked_at=key.revoked_at,
            last_used_at=key.last_used_at,
        )


class KeyCreated(KeyOut):
    key: str = Field(description="The full key. It is shown only in this answer: store it now.")


class KeyList(BaseModel):
    keys: list[KeyOut]


class Me(BaseModel):
    partner: str
    partner_type: PartnerType
    key_prefix: str
    scopes: list[str]

    @classmethod
    def of(cls, principal: Principal) -> Me:
        return cls(
            partner=principal.partner_name,
            partner_type=principal.partner_type,
            key_prefix=principal.key_prefix,
            scopes=sorted(principal.scopes),
        )
