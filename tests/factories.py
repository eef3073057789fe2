"""Small helpers that put partners and keys in a test database through the real services."""

from __future__ import annotations

from collections.abc import Sequence

from fraudlink.access import service as access_service
from fraudlink.audit.service import Actor
from fraudlink.database import Database
from fraudlink.partners import service as partner_service
from fraudlink.partners.models import PartnerType

OPERATOR = Actor(name="cli:test")


def add_partner(
    database: Database,
    name: str,
    partner_type: PartnerType = PartnerType.BANK,
    *,
    bank_codes: Sequence[str] = (),
    number_ranges: Sequence[str] = (),
    domains: Sequence[str] = (),
) -> int:
    with database.transaction() as session:
        partner = partner_service.create(
            session,
            name=name,
            partner_type=partner_type,
            bank_codes=bank_codes,
            number_ranges=number_ranges,
            domains=domains,
            actor=OPERATOR,
        )
        return partner.id


def add_key(database: Database, partner: str, scopes: Sequence[str] | None = None) -> str:
    """A new key for ``partner``; returns the token to send."""
    with database.transaction() as session:
        issued = access_service.create_key(
            session,
            partner=partner_service.get_by_name(session, name=partner),
            label="test key",
            scopes=scopes,
            actor=OPERATOR,
        )
        return issued.token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
