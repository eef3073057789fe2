"""Deterministic demo data: the same installation gets the same partners and keys on every run.

Demo keys are derived from the installation's secret (never published, never the same on two
machines), so ``fraudlink demo`` can print them again on every run without storing them, and a
second run changes nothing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from random import Random
from typing import Any

from sqlalchemy.orm import Session

from fraudlink.access import service as access_service
from fraudlink.access.service import KeyMaterial
from fraudlink.advice import outcomes as advice_outcomes
from fraudlink.audit.service import Actor
from fraudlink.database import Database, keys_of
from fraudlink.demo import actions, recovery
from fraudlink.demo.reports import REPORTS, SEED, demo_reports
from fraudlink.identifiers import Pseudonymiser
from fraudlink.partners import service as partner_service
from fraudlink.partners.models import PartnerType
from fraudlink.recovery.service import Rules
from fraudlink.reports import importing
from fraudlink.reports import service as report_service
from fraudlink.reports.importing import ImportSummary
from fraudlink.reports.service import RoutingPolicy
from fraudlink.telecom import service as telecom_service

PARTNERS_FILE = Path(__file__).parent / "partners.toml"
DEMO_KEY_LABEL = "Demo key"
DEMO_REPORTING_POINT = "Fraudehelpdesk"
FOLLOW_UP_SHARE = 0.3


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
    protected_numbers: tuple[Mapping[str, Any], ...]  # {number, inbound_only, label}
    sms_senders: tuple[Mapping[str, Any], ...]  # {name, routes}


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
            protected_numbers=tuple(entry.get("protected_numbers", ())),
            sms_senders=tuple(entry.get("sms_senders", ())),
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
        _protect(session, partner_id=partner.id, spec=spec, actor=actor)
        loaded.append(
            DemoPartner(spec.name, partner.type, material.token, key.revoked_at is not None)
        )
    return loaded


def _protect(session: Session, *, partner_id: int, spec: PartnerSpec, actor: Actor) -> None:
    """The partner's protected lines and SMS sender names; when unchanged, nothing is written."""
    token_of = Pseudonymiser(keys_of(session).pseudonym).token
    for line in spec.protected_numbers:
        telecom_service.protect(
            session,
            partner_id=partner_id,
            number=telecom_service.Presented.of(line["number"], field="number", token_of=token_of),
            inbound_only=line.get("inbound_only", False),
            label=line.get("label"),
            actor=actor,
        )
    for sender in spec.sms_senders:
        telecom_service.register_sender(
            session,
            partner_id=partner_id,
            name=sender["name"],
            routes=sender["routes"],
            actor=actor,
        )


def load_reports(
    database: Database, *, actor: Actor, policy: RoutingPolicy, count: int = REPORTS
) -> ImportSummary:
    """Import the demo reports as the Fraudehelpdesk would (again: nothing twice), and let a
    share of their victims answer the follow-up questions. ``count``: the first so many."""
    with database.read_only() as session:
        helpdesk = partner_service.get_by_name(session, name=DEMO_REPORTING_POINT).id
    rows = enumerate(islice(demo_reports(), count), start=1)
    summary = importing.import_rows(
        database, rows, partner_id=helpdesk, actor=actor, policy=policy, language="nl"
    )
    with database.transaction() as session:
        _answer_follow_ups(session, summary.references)
    return summary


def _answer_follow_ups(session: Session, references: Sequence[str]) -> None:
    """Synthetic answers in which acting fast pays off, as the advice intends: the effectiveness
    page then has something to show. Real figures come only from real victims."""
    random = Random(SEED)
    for reference in references:
        if random.random() > FOLLOW_UP_SHARE:
            continue
        report = report_service.find_by_reference(session, reference=reference)
        assert report is not None
        plan = advice_outcomes.plan_of(session, report_id=report.id)
        followed = {step for step in plan if random.random() < 0.6}
        chance = 0.45 if "call-bank-now" in followed else 0.15
        money_back = report.total_loss_cents > 0 and random.random() < chance
        advice_outcomes.record_follow_up(
            session,
            report_id=report.id,
            followed=followed,
            money_back=money_back if report.total_loss_cents else None,
            amount_back_cents=int(report.total_loss_cents * random.uniform(0.3, 1.0))
            if money_back
            else None,
            advice_clear=random.random() < 0.85,
        )


def load_recovery(database: Database, *, rules: Rules, now: datetime) -> recovery.Loaded:
    """Refund requests for the demo reports, settled as far as ``now`` (demo/recovery.py); a
    request made before is left as it is."""
    with database.read_only() as session:
        helpdesk = partner_service.get_by_name(session, name=DEMO_REPORTING_POINT).id
    return recovery.load(database, helpdesk_id=helpdesk, rules=rules, now=now)


def load_actions(database: Database, *, actor: Actor) -> actions.Loaded:
    """The action plan of 2024 and 2025 as the letter tells it (demo/actions.toml)."""
    with database.transaction() as session:
        return actions.load(session, actor=actor)
