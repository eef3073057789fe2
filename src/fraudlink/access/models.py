"""API keys: how people and systems of a partner act on the platform."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fraudlink.database import Base, JSONDocument, utcnow
from fraudlink.partners.models import Partner


class ApiKey(Base):
    """A key is shown once; only the SHA-256 of its secret part is kept.

    The key ``fl_<prefix>_<secret>`` has a public ``prefix`` to find the row (and to name the
    key in lists and the audit log) and a 256-bit random secret, so a fast hash is enough:
    nobody can guess their way back from the hash to the secret.
    """

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[list[str]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    partner: Mapped[Partner] = relationship()
