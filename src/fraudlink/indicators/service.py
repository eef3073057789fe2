"""The indicator exchange: what reports and partners say about identifiers, weighed and shared.

Reports and partner submissions add evidence to an indicator; the service keeps its counts,
fraud types and confidence current, and gives every change a position in the change feed, from
which the in-memory index (``index.py``) and partners' feeds follow.

**Confidence** (0-1) combines independent evidence like independent witnesses (noisy-OR), and
fades with time::

    confidence = (1 - 0.65^R * prod(1 - 0.5 t_p) * prod(1 - 0.95 t_c))
                 * 0.5^(days since last seen / 180) * 0.5^F

R is the number of reports (each a different victim), the first product runs over unconfirmed
partner submissions and the second over confirmed cases, each weighted by the submitting
partner's trust ``t`` (police 1.0 … victim support 0.5, see ``TRUST``); F is the number of
partners that reported the indicator as a false positive. A capped, cleared or expired
indicator has confidence 0.

**Standard of proof**: an indicator is shared as fraud (decisions, feeds, downloads) only with
at least ``FRAUDLINK_PROOF_MIN_REPORTS`` independent reports (2 by default, after the EU
payment-services proposal) or one partner-confirmed case; below that it is held as unconfirmed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Final, Protocol

import yaml
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor, Event
from fraudlink.crypto import FieldCipher
from fraudlink.database import among, insert_for, table_of, utcnow
from fraudlink.errors import Conflict, InvalidInput, NotFound
from fraudlink.identifiers import Identifier, IdentifierKind, parse
from fraudlink.indicators.models import (
    ChangeCounter,
    Dispute,
    Indicator,
    IndicatorReport,
    Sighting,
    Submission,
)
from fraudlink.indicators.vocabulary import DisputeStatus, IndicatorStatus, SightingKind, Tlp
from fraudlink.partners import service as partner_service
from fraudlink.partners.models import PartnerType
from fraudlink.settings import Settings

WARNING_LISTS: Final = Path(__file__).parent / "warning_lists.yaml"
REPORT_WEIGHT: Final = 0.35
SUBMISSION_WEIGHT: Final = 0.5
CONFIRMED_WEIGHT: Final = 0.95
HALF_LIFE_DAYS: Final = 180
TRUST: Final[Mapping[PartnerType, float]] = {
    PartnerType.POLICE: 1.0,
    PartnerType.PROSECUTION: 1.0,
    PartnerType.BANK: 0.9,
    PartnerType.PSP: 0.9,
    PartnerType.TELECOM: 0.8,
    PartnerType.HELPDESK: 0.7,
    PartnerType.MARKETPLACE: 0.7,
    PartnerType.VICTIM_SUPPORT: 0.5,
    PartnerType.RESEARCH: 0.0,
    PartnerType.PROGRAMME: 0.0,
}
DEFAULT_TLP: Final = Tlp.AMBER


@dataclass(frozen=True)
class Policy:
    """The configurable evidence rules."""

    min_reports: int
    correlation_cap: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(settings.proof_min_reports, settings.correlation_cap)


@dataclass(frozen=True)
class Named:
    """An identifier as a report named it: what the indicator exchange is fed with."""

    kind: str
    value: str
    token: str


@dataclass
class ReportEvidence:
    report_id: int
    partner_id: int | None
    reported_at: datetime
    fraud_type: str
    named: list[Named] = field(default_factory=list)


@cache
def _static_warning_list() -> frozenset[tuple[str, str]]:
    with WARNING_LISTS.open() as handle:
        lists = yaml.safe_load(handle)
    return frozenset(
        (kind, parse(str(value), kind).normalized)
        for kind, key in (
            (IdentifierKind.DOMAIN, "domains"),
            (IdentifierKind.PHONE, "phones"),
            (IdentifierKind.IBAN, "ibans"),
        )
        for value in lists.get(key) or ()
    )


def is_warning_listed(identifier: Identifier, partner_domains: Collection[str]) -> bool:
    """Whether a value is known-benign: never listed as fraud, however often it is named."""
    listed = _static_warning_list()
    if (identifier.kind, identifier.normalized) in listed:
        return True
    found = identifier.details.get("registrable_domain")
    if found is None:
        return False
    domain = str(found)
    if domain in partner_domains:
        return True
    # A mailbox at a large provider (gmail.com) is the fraudster's own: only a partner's own
    # domain makes an address benign.
    return identifier.kind is not IdentifierKind.EMAIL and (IdentifierKind.DOMAIN, domain) in listed


def _take_changes(session: Session, count: int) -> int:
    """Reserve ``count`` consecutive change positions; returns the first."""
    dialect_insert = insert_for(session)
    session.execute(
        dialect_insert(ChangeCounter).values(id=1, last_change=0).on_conflict_do_nothing()
    )
    counter = session.scalars(
        select(ChangeCounter).with_for_update().execution_options(populate_existing=True)
    ).one()
    first = counter.last_change + 1
    counter.last_change += count
    session.flush()
    return first


def record_reports(session: Session, evidence: Sequence[ReportEvidence], *, policy: Policy) -> None:
    """Add the identifiers that reports named to the indicators, creating the new ones."""
    named: dict[str, Named] = {}
    links: list[tuple[str, ReportEvidence]] = []
    for report in evidence:
        for item in {item.token: item for item in report.named}.values():
            named.setdefault(item.token, item)
            links.append((item.token, report))
    if not named:
        return
    now = utcnow()
    ids = _ensure_indicators(session, named.values(), now=now)
    session.execute(
        insert(table_of(IndicatorReport)),
        [
            {
                "indicator_id": ids[token],
                "report_id": report.report_id,
                "partner_id": report.partner_id,
                "reported_at": report.reported_at,
                "fraud_type": report.fraud_type,
            }
            for token, report in links
        ],
    )
    refresh(session, list(ids.values()), policy=policy, now=now)


def _ensure_indicators(
    session: Session, named: Iterable[Named], *, now: datetime
) -> dict[str, int]:
    """The ids of these indicators, inserting the ones that are new.

    New evidence brings an expired indicator back, with its value (erased at expiry).
    """
    wanted = {item.token: item for item in named}
    existing: dict[str, int] = {}
    expired: list[Named] = []
    for token, indicator_id, status in session.execute(
        select(Indicator.token, Indicator.id, Indicator.status).where(
            among(session, Indicator.token, list(wanted))
        )
    ):
        existing[token] = indicator_id
        if status is IndicatorStatus.EXPIRED:
            expired.append(wanted[token])
    if expired:
        table = table_of(Indicator)
        session.execute(
            update(table)
            .where(table.c.token == bindparam("named_token"))
            .values(status=IndicatorStatus.ACTIVE, value=bindparam("named_value")),
            [{"named_token": item.token, "named_value": item.value} for item in expired],
        )
    fresh = [item for token, item in wanted.items() if token not in existing]
    if fresh:
        session.execute(
            insert(table_of(Indicator)),
            [
                {
                    "kind": item.kind,
                    "token": item.token,
                    "value": item.value,
                    "status": IndicatorStatus.ACTIVE,
                    "tlp": DEFAULT_TLP,
                    "first_seen": now,
                    "last_seen": now,
                    "report_count": 0,
                    "partner_count": 0,
                    "confirmed_count": 0,
                    "fraud_types": [],
                    "confidence": 0.0,
                    "capped": False,
                    "change": 0,
                }
                for item in fresh
            ],
        )
        existing |= dict(
            session.execute(
                select(Indicator.token, Indicator.id).where(
                    among(session, Indicator.token, [item.token for item in fresh])
                )
            ).all()
        )
    return existing


@dataclass
class _Tally:
    reports: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    partners: set[int] = field(default_factory=set)
    fraud_types: set[str] = field(default_factory=set)
    weights: list[float] = field(default_factory=list)
    confirmed: int = 0
    false_positives: int = 0


def refresh(
    session: Session, indicator_ids: Sequence[int], *, policy: Policy, now: datetime | None = None
) -> None:
    """Recount the indicators from their evidence and give each a new change position."""
    if not indicator_ids:
        return
    now = now or utcnow()
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    evidence = among(session, IndicatorReport.indicator_id, indicator_ids)
    for indicator_id, count, first, last in session.execute(
        select(
            IndicatorReport.indicator_id,
            func.count(),
            func.min(IndicatorReport.reported_at),
            func.max(IndicatorReport.reported_at),
        )
        .where(evidence)
        .group_by(IndicatorReport.indicator_id)
    ):
        tally = tallies[indicator_id]
        tally.reports, tally.first_seen, tally.last_seen = count, first, last
    for indicator_id, partner_id, fraud_type in session.execute(
        select(IndicatorReport.indicator_id, IndicatorReport.partner_id, IndicatorReport.fraud_type)
        .where(evidence)
        .distinct()
    ):
        tallies[indicator_id].fraud_types.add(fraud_type)
        if partner_id is not None:
            tallies[indicator_id].partners.add(partner_id)
    _tally_submissions(session, indicator_ids, tallies)
    _tally_sightings(session, indicator_ids, tallies)
    first_change = _take_changes(session, len(indicator_ids))
    statuses = dict(
        session.execute(
            select(Indicator.id, Indicator.status).where(
                among(session, Indicator.id, indicator_ids)
            )
        ).all()
    )
    for indicator_id in _reopened(session, indicator_ids, policy):
        statuses[indicator_id] = IndicatorStatus.ACTIVE
    rows = []
    for position, indicator_id in enumerate(sorted(indicator_ids)):
        tally = tallies[indicator_id]
        capped = tally.reports > policy.correlation_cap
        rows.append(
            {
                "indicator_id": indicator_id,
                "status": statuses[indicator_id],
                "report_count": tally.reports,
                "partner_count": len(tally.partners),
                "confirmed_count": tally.confirmed,
                "fraud_types": sorted(tally.fraud_types),
                "first_seen": tally.first_seen or now,
                "last_seen": tally.last_seen or now,
                "capped": capped,
                "confidence": 0.0
                if capped or statuses[indicator_id] in _NOT_EVIDENCE
                else confidence(tally, now=now),
                "change": first_change + position,
            }
        )
    session.execute(
        update(table_of(Indicator))
        .where(table_of(Indicator).c.id == bindparam("indicator_id"))
        .values(
            status=bindparam("status"),
            report_count=bindparam("report_count"),
            partner_count=bindparam("partner_count"),
            confirmed_count=bindparam("confirmed_count"),
            fraud_types=bindparam("fraud_types"),
            first_seen=bindparam("first_seen"),
            last_seen=bindparam("last_seen"),
            capped=bindparam("capped"),
            confidence=bindparam("confidence"),
            change=bindparam("change"),
        ),
        rows,
    )


_NOT_EVIDENCE: Final = frozenset({IndicatorStatus.CLEARED, IndicatorStatus.EXPIRED})


def _reopened(session: Session, indicator_ids: Sequence[int], policy: Policy) -> set[int]:
    """Cleared indicators that enough new, independent reports named after the clearing."""
    return set(
        session.scalars(
            select(IndicatorReport.indicator_id)
            .join(Indicator, Indicator.id == IndicatorReport.indicator_id)
            .where(
                among(session, IndicatorReport.indicator_id, indicator_ids),
                Indicator.status == IndicatorStatus.CLEARED,
                IndicatorReport.reported_at > Indicator.cleared_at,
            )
            .group_by(IndicatorReport.indicator_id)
            .having(func.count() >= policy.min_reports)
        )
    )


def _tally_submissions(
    session: Session, indicator_ids: Sequence[int], tallies: dict[int, _Tally]
) -> None:
    types = partner_service.directory(session).types
    for indicator_id, partner_id, confirmed, fraud_type, submitted_at in session.execute(
        select(
            Submission.indicator_id,
            Submission.partner_id,
            Submission.confirmed,
            Submission.fraud_type,
            Submission.submitted_at,
        ).where(among(session, Submission.indicator_id, indicator_ids))
    ):
        tally = tallies[indicator_id]
        tally.partners.add(partner_id)
        tally.fraud_types.add(fraud_type)
        trust = TRUST[types[partner_id]]
        tally.weights.append((CONFIRMED_WEIGHT if confirmed else SUBMISSION_WEIGHT) * trust)
        tally.confirmed += int(confirmed)
        if tally.last_seen is None or submitted_at > tally.last_seen:
            tally.last_seen = submitted_at
        if tally.first_seen is None or submitted_at < tally.first_seen:
            tally.first_seen = submitted_at


def _tally_sightings(
    session: Session, indicator_ids: Sequence[int], tallies: dict[int, _Tally]
) -> None:
    """Sightings keep an indicator current; false positives count against it."""
    for indicator_id, last in session.execute(
        select(Sighting.indicator_id, func.max(Sighting.seen_at))
        .where(
            among(session, Sighting.indicator_id, indicator_ids),
            Sighting.kind != SightingKind.FALSE_POSITIVE,
        )
        .group_by(Sighting.indicator_id)
    ):
        tally = tallies[indicator_id]
        if tally.last_seen is None or last > tally.last_seen:
            tally.last_seen = last
    for indicator_id, partners in session.execute(
        select(Sighting.indicator_id, func.count(Sighting.partner_id.distinct()))
        .where(
            among(session, Sighting.indicator_id, indicator_ids),
            Sighting.kind == SightingKind.FALSE_POSITIVE,
        )
        .group_by(Sighting.indicator_id)
    ):
        tallies[indicator_id].false_positives = partners


def confidence(tally: _Tally, *, now: datetime) -> float:
    doubt = (1 - REPORT_WEIGHT) ** tally.reports * math.prod(1 - weight for weight in tally.weights)
    last_seen = tally.last_seen or now
    fading = 0.5 ** (max((now - last_seen).days, 0) / HALF_LIFE_DAYS)
    return round(float((1 - doubt) * fading * 0.5**tally.false_positives), 4)


class Evidence(Protocol):
    """What the standard of proof looks at: an indicator, or a row of its columns."""

    @property
    def status(self) -> IndicatorStatus: ...
    @property
    def capped(self) -> bool: ...
    @property
    def report_count(self) -> int: ...
    @property
    def confirmed_count(self) -> int: ...


def meets_standard(indicator: Evidence, policy: Policy) -> bool:
    """Whether the indicator may be shared as fraud (see the module docstring)."""
    return (
        indicator.status is IndicatorStatus.ACTIVE
        and not indicator.capped
        and (indicator.report_count >= policy.min_reports or indicator.confirmed_count >= 1)
    )


def changes_since(
    session: Session, *, since: int, limit: int, kinds: Iterable[str] = (), until: int | None = None
) -> Sequence[Indicator]:
    """The indicators changed after position ``since`` (up to ``until``), oldest change first."""
    query = select(Indicator).where(Indicator.change > since)
    if kinds := list(kinds):
        query = query.where(Indicator.kind.in_(kinds))
    if until is not None:
        query = query.where(Indicator.change <= until)
    return session.scalars(query.order_by(Indicator.change).limit(limit)).all()


def latest_change(session: Session) -> int:
    return session.scalar(select(func.max(Indicator.change))) or 0


def find(session: Session, *, token: str) -> Indicator | None:
    return session.scalar(select(Indicator).where(Indicator.token == token))


@dataclass(frozen=True)
class Listing:
    """A partner's own listing of a value: the evidence behind ``submit``."""

    identifier: Identifier
    fraud_type: str
    confirmed: bool
    tlp: Tlp


_TLP_ORDER: Final = (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)


def submit(
    session: Session,
    *,
    listings: Sequence[Listing],
    partner_id: int,
    token_of: Callable[[Identifier], str],
    actor: Actor,
    policy: Policy,
) -> list[Indicator]:
    """Record a partner's listings (one or a batch), newest word per partner and value.

    A value on a warning list is refused (``InvalidInput`` naming its position): it is never
    listed as fraud. An indicator's marking is the strictest any partner gave it.
    """
    partner_domains = partner_service.directory(session).by_domain.keys()
    for position, listing in enumerate(listings):
        if is_warning_listed(listing.identifier, partner_domains):
            raise InvalidInput(
                "indicators.warning_listed",
                field=f"indicators.{position}.value",
                value=listing.identifier.display,
            )
    now = utcnow()
    named = {
        token_of(listing.identifier): (
            listing,
            Named(
                listing.identifier.kind.value,
                listing.identifier.normalized,
                token_of(listing.identifier),
            ),
        )
        for listing in listings
    }
    known = set(session.scalars(select(Indicator.token).where(Indicator.token.in_(list(named)))))
    ids = _ensure_indicators(session, [item for _, item in named.values()], now=now)
    for token, (listing, _) in named.items():
        indicator = session.get_one(Indicator, ids[token])
        # A new indicator takes its first listing's marking; later listings only tighten it.
        if token not in known or _TLP_ORDER.index(listing.tlp) > _TLP_ORDER.index(indicator.tlp):
            indicator.tlp = listing.tlp
        existing = session.scalar(
            select(Submission).where(
                Submission.indicator_id == indicator.id, Submission.partner_id == partner_id
            )
        )
        if existing is None:
            existing = Submission(indicator_id=indicator.id, partner_id=partner_id)
            session.add(existing)
        existing.confirmed = listing.confirmed
        existing.fraud_type = listing.fraud_type
        existing.submitted_at = now
    session.flush()
    refresh(session, list(ids.values()), policy=policy, now=now)
    audit_service.record_many(
        session,
        [
            Event(
                actor=actor,
                action="indicator.submit",
                subject_type="indicator",
                subject_id=token,
                details={"confirmed": listing.confirmed, "tlp": listing.tlp.value},
            )
            for token, (listing, _) in named.items()
        ],
    )
    indicators = session.scalars(
        select(Indicator)
        .where(Indicator.id.in_(list(ids.values())))
        .execution_options(populate_existing=True)
    ).all()
    by_token = {indicator.token: indicator for indicator in indicators}
    return [by_token[token] for token in named]


def add_sighting(
    session: Session,
    *,
    indicator_id: int,
    partner_id: int,
    kind: SightingKind,
    seen_at: datetime,
    count: int,
    actor: Actor,
    policy: Policy,
) -> Sighting:
    """Record what a partner saw; a false positive weakens the indicator's confidence."""
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound("indicators.not_found", field="indicator_id", indicator_id=indicator_id)
    sighting = Sighting(
        indicator_id=indicator_id, partner_id=partner_id, kind=kind, seen_at=seen_at, count=count
    )
    session.add(sighting)
    session.flush()
    refresh(session, [indicator_id], policy=policy)
    audit_service.record(
        session,
        actor=actor,
        action="indicator.sighting",
        subject_type="indicator",
        subject_id=indicator.token,
        details={"kind": kind.value, "count": count},
    )
    return sighting


def contributors(session: Session, *, indicator_ids: Sequence[int]) -> dict[int, set[int]]:
    """The partners that listed each indicator or submitted reports naming it."""
    found: dict[int, set[int]] = defaultdict(set)
    for indicator_id, partner_id in session.execute(
        select(Submission.indicator_id, Submission.partner_id).where(
            Submission.indicator_id.in_(indicator_ids)
        )
    ):
        found[indicator_id].add(partner_id)
    for indicator_id, reporter in session.execute(
        select(IndicatorReport.indicator_id, IndicatorReport.partner_id).where(
            IndicatorReport.indicator_id.in_(indicator_ids),
            IndicatorReport.partner_id.is_not(None),
        )
    ):
        if reporter is not None:
            found[indicator_id].add(reporter)
    return found


def may_see_raw(indicator: Indicator, principal: Principal, contributed: bool) -> bool:
    """Raw values go to partners that act on them, as far as the marking allows.

    CLEAR, GREEN and AMBER: every partner with ``indicator:read_raw``. AMBER+STRICT and RED:
    only the partners that contributed it, and the police.
    """
    if indicator.value is None or not principal.can(Permission.INDICATOR_READ_RAW):
        return False
    if indicator.tlp in {Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER}:
        return True
    return contributed or principal.partner_type is PartnerType.POLICE


def visible_values(
    session: Session, principal: Principal, indicators: Sequence[Indicator]
) -> dict[int, str | None]:
    """Each indicator's raw value where ``principal`` may see it, else None, by indicator id."""
    contributed = contributors(session, indicator_ids=[item.id for item in indicators])
    return {
        item.id: item.value
        if may_see_raw(item, principal, principal.partner_id in contributed[item.id])
        else None
        for item in indicators
    }


def record_lookups(session: Session, *, actor: Actor, indicators: Sequence[Indicator]) -> None:
    audit_service.record_many(
        session,
        [
            Event(
                actor=actor,
                action="indicator.lookup",
                subject_type="indicator",
                subject_id=item.token,
            )
            for item in indicators
        ],
    )


def _dispute_context(indicator: Indicator, column: str) -> str:
    return f"indicator-dispute:{indicator.token}:{column}"


def open_dispute(
    session: Session,
    *,
    token: str,
    statement: str,
    contact: str | None,
    cipher: FieldCipher,
    actor: Actor,
    policy: Policy,
) -> Dispute:
    """An account holder disputes a listing: it shows as disputed until a reviewer decides."""
    indicator = find(session, token=token)
    # Only what the public check shows can be disputed publicly: answering differently for a
    # partner's own listing would reveal that listing to anyone.
    if indicator is None or not _publicly_reported(session, indicator):
        raise NotFound("indicators.nothing_to_dispute", field="value")
    dispute = Dispute(
        indicator_id=indicator.id,
        status=DisputeStatus.OPEN,
        statement_encrypted=cipher.encrypt(
            statement, context=_dispute_context(indicator, "statement")
        ),
        contact_encrypted=cipher.encrypt(contact, context=_dispute_context(indicator, "contact"))
        if contact
        else None,
        opened_at=utcnow(),
    )
    session.add(dispute)
    indicator.status = IndicatorStatus.DISPUTED
    session.flush()
    refresh(session, [indicator.id], policy=policy)
    audit_service.record(
        session, actor=actor, action="dispute.open", subject_type="indicator", subject_id=token
    )
    return dispute


_DISPUTABLE: Final = frozenset({IndicatorStatus.ACTIVE, IndicatorStatus.DISPUTED})
PUBLIC_WINDOW: Final = timedelta(days=365)


def _publicly_reported(session: Session, indicator: Indicator) -> bool:
    """Whether the public check reports the indicator: disputable, not capped, reported within
    the public window."""
    if indicator.status not in _DISPUTABLE or indicator.capped:
        return False
    latest = session.scalar(
        select(func.max(IndicatorReport.reported_at)).where(
            IndicatorReport.indicator_id == indicator.id
        )
    )
    return latest is not None and utcnow() - latest <= PUBLIC_WINDOW


def decide_dispute(
    session: Session,
    *,
    dispute_id: int,
    clear: bool,
    reason: str,
    principal: Principal,
    policy: Policy,
) -> Dispute:
    """Clear the listing (it stops matching; only new reports bring it back) or uphold it."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound("indicators.dispute_not_found", field="dispute_id", dispute_id=dispute_id)
    if dispute.status is not DisputeStatus.OPEN:
        raise Conflict("indicators.dispute_decided", status=dispute.status.value)
    indicator = session.get_one(Indicator, dispute.indicator_id)
    now = utcnow()
    dispute.status = DisputeStatus.CLEARED if clear else DisputeStatus.UPHELD
    dispute.decided_at, dispute.decided_by, dispute.reason = now, principal.partner_id, reason
    if clear:
        indicator.status, indicator.cleared_at = IndicatorStatus.CLEARED, now
    elif indicator.status is IndicatorStatus.DISPUTED and not session.scalar(
        select(func.count()).where(
            Dispute.indicator_id == indicator.id, Dispute.status == DisputeStatus.OPEN
        )
    ):
        indicator.status = IndicatorStatus.ACTIVE  # upholding never revives a cleared listing
    session.flush()
    refresh(session, [indicator.id], policy=policy)
    audit_service.record(
        session,
        actor=principal.actor,
        action="dispute.decide",
        subject_type="indicator",
        subject_id=indicator.token,
        details={"dispute": dispute.id, "decision": dispute.status.value},
    )
    return dispute


def disputes(session: Session, *, open_only: bool) -> Sequence[Dispute]:
    query = select(Dispute).order_by(Dispute.opened_at)
    if open_only:
        query = query.where(Dispute.status == DisputeStatus.OPEN)
    return session.scalars(query).all()


def dispute_statement(dispute: Dispute, indicator: Indicator, cipher: FieldCipher) -> str:
    return cipher.decrypt(
        dispute.statement_encrypted, context=_dispute_context(indicator, "statement")
    )


def dispute_contact(dispute: Dispute, indicator: Indicator, cipher: FieldCipher) -> str | None:
    if dispute.contact_encrypted is None:
        return None
    return cipher.decrypt(dispute.contact_encrypted, context=_dispute_context(indicator, "contact"))


def expire(session: Session, *, retention: Retention, policy: Policy, actor: Actor) -> int:
    """Expire indicators not seen within their kind's retention: they stop matching and their
    raw values are erased. Returns how many expired."""
    now = utcnow()
    expired: list[int] = []
    for kind in {str(kind) for kind in session.scalars(select(Indicator.kind).distinct())}:
        cutoff = now - timedelta(days=retention.days_for(kind))
        expired += session.scalars(
            select(Indicator.id).where(
                Indicator.kind == kind,
                Indicator.status != IndicatorStatus.EXPIRED,
                Indicator.last_seen < cutoff,
            )
        ).all()
    if not expired:
        return 0
    session.execute(
        update(Indicator)
        .where(Indicator.id.in_(expired))
        .values(status=IndicatorStatus.EXPIRED, value=None)
    )
    refresh(session, expired, policy=policy, now=now)
    audit_service.record(
        session,
        actor=actor,
        action="indicator.expire",
        subject_type="indicator",
        details={"expired": len(expired)},
    )
    return len(expired)


@dataclass(frozen=True)
class Retention:
    """How long after its last sighting an indicator is kept, per kind."""

    default_days: int
    days_by_kind: Mapping[str, int]

    @classmethod
    def from_settings(cls, settings: Settings) -> Retention:
        return cls(settings.retention_days, settings.retention_days_by_kind)

    def days_for(self, kind: str) -> int:
        return self.days_by_kind.get(kind, self.default_days)


# Sets for local matching hold what every partner may know exists: nothing marked beyond AMBER.
SHAREABLE_TLP: Final = (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER)


def shared_set(session: Session, *, kind: str, policy: Policy) -> list[Indicator]:
    """The indicators of a kind that partners may match locally: shared as fraud, marked at
    most AMBER, with their value still held."""
    candidates = session.scalars(
        select(Indicator).where(
            Indicator.kind == kind,
            Indicator.status == IndicatorStatus.ACTIVE,
            Indicator.tlp.in_(SHAREABLE_TLP),
            Indicator.value.is_not(None),
        )
    ).all()
    return [indicator for indicator in candidates if meets_standard(indicator, policy)]
