"""Deterministic demo data: the same installation gets the same partners and keys on every run.

Demo keys are derived from the installation's secret (never published, never the same on two
machines), so ``fraudlink demo`` can print them again on every run without storing them, and a
second run changes nothing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from fraudlink.access import service as access_service
from fraudlink.access.service import KeyMaterial
from fraudlink.audit.service import Actor
from fraudlink.database import keys_of
from fraudlink.partners import service as partner_service
from fraudlink.partners.models import PartnerType

PARTNERS_FILE = Path(__file__).parent / "partners.toml"
DEMO_KEY_LABEL = "Demo key"


@dataclass(frozen=True)
class DemoPartner:
    name: str
    type: PartnerType
    key: str
    key_revoked: bool


@dataclass(frozen=True)
class PartnerSpec:
    name: str
    type: PartnerType
    bank_codes: tuple[str, ...]
    number_ranges: tuple[str, ...]
    domains: tuple[str, ...]


def _partner_specs() -> list[PartnerSpec]:
    with PARTNERS_FILE.open("rb") as handle:
        entries = tomllib.load(handle)["partner"]
    return [
        PartnerSpec(
            name=entry["name"],
            type=PartnerType(entry["type"]),
            bank_codes=tuple(entry.get("bank_codes", ())),
            number_ranges=tuple(entry.get("number_ranges", ())),
            domains=tuple(entry.get("domains", ())),
        )
        for entry in entries
    ]


def load(session: Session, *, actor: Actor) -> Sequence[DemoPartner]:
    """Create whatever part of the demo data is missing; return each partner with its demo key."""
    demo_key = keys_of(session).demo
    loaded = []
    for spec in _partner_specs():
        partner = partner_service.find_by_name(session, name=spec.name)
        if partner is None:
            partner = partner_service.create(
                session,
                name=spec.name,
                partner_type=spec.type,
                bank_codes=spec.bank_codes,
                number_ranges=spec.number_ranges,
                domains=spec.domains,
                actor=actor,
            )
        material = KeyMaterial.derived(demo_key, spec.name)
        key = access_service.find_key(session, prefix=material.prefix)
        if key is None:
            key = access_service.create_key(
                session,
                partner=partner,
                label=DEMO_KEY_LABEL,
                scopes=None,
                actor=actor,
                material=material,
            ).key
        loaded.append(
            DemoPartner(spec.name, partner.type, material.token, key.revoked_at is not None)
        )
    return loaded
