"""Report once: take a victim's report, tell every partner that must act, and give a plan.

Every way in (the public page, the API, the bulk import) goes through the same three stages:
``prepare`` turns a validated ``ReportIn`` into rows (pseudonymised, routed, with its advice)
without touching the database; ``PreparedReport.number`` gives it its reference and encrypts
what is encrypted under it; ``store`` writes a batch of numbered reports in one go. A single
report is a batch of one, so the import and the API cannot drift apart.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload

from fraudlink.advice import outcomes as advice_outcomes
from fraudlink.advice import service as advice_service
from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor, Event
from fraudlink.crypto import FieldCipher
from fraudlink.database import insert_for, keys_of, table_of, utcnow
from fraudlink.errors import NotFound
from fraudlink.figures import totals as figures_totals
from fraudlink.i18n import LOCAL_TIME_ZONE, Language
from fraudlink.identifiers import Identifier, IdentifierKind, Pseudonymiser, parse
from fraudlink.indicators import service as indicator_service
from fraudlink.partners import service as partner_service
from fraudlink.partners.models import PartnerType
from fraudlink.partners.service import Directory
from fraudlink.reports.classification import classify
from fraudlink.reports.models import (
    Report,
    ReportCounter,
    ReportIdentifier,
    ReportPayment,
    ReportRecipient,
    ReportSource,
    RoutingReason,
)
from fraudlink.reports.regions import region_of
from fraudlink.reports.schemas import AdviceStepOut, RecipientOut, ReportIn, ReportReceipt
from fraudlink.reports.vocabulary import FraudType
from fraudlink.settings import Settings

REFERENCE_PREFIX = "FL"
REFERENCE_PATTERN = rf"^{REFERENCE_PREFIX}-\d{{4}}-\d{{6,}}$"
FOLLOW_UP_TOKEN_BYTES = 16


@dataclass(frozen=True)
class RoutingPolicy:
    """The configurable part of intake: when the police are told, who the identity desk is,
    and what makes the identifiers a report names count as evidence."""

    police_threshold_cents: int
    identity_fraud_desk: str
    evidence: indicator_service.Policy

    @classmethod
    def from_settings(cls, settings: Settings) -> RoutingPolicy:
        return cls(
            settings.police_threshold_cents,
            settings.identity_fraud_desk,
            indicator_service.Policy.from_settings(settings),
        )


@dataclass(frozen=True)
class Intake:
    """What taking in a batch of reports needs, gathered once per batch."""

    directory: Directory
    policy: RoutingPolicy
    cipher: FieldCipher
    pseudonymiser: Pseudonymiser
    follow_up_key: bytes
    now: datetime

    @classmethod
    def begin(cls, session: Session, policy: RoutingPolicy) -> Intake:
        keys = keys_of(session)
        return cls(
            directory=partner_service.directory(session),
            policy=policy,
            cipher=FieldCipher(keys.fields),
            pseudonymiser=Pseudonymiser(keys.pseudonym),
            follow_up_key=keys.follow_up,
            now=utcnow(),
        )


@dataclass
class PreparedReport:
    """One report as rows; once numbered, ``row`` lacks only the database id.

    Numbering is apart from preparing because reference numbers are handed out under a lock:
    the bulk import prepares a batch while another batch holds it.
    """

    row: dict[str, Any]
    payments: list[dict[str, Any]]
    identifiers: list[dict[str, Any]]
    recipients: dict[int, list[RoutingReason]]
    advice: list[str]
    named: list[indicator_service.Named]
    event: Event
    # Column (without "_encrypted") → the text encrypted into it once the reference is known.
    sealed: dict[str, str | None]

    @property
    def reference(self) -> str:
        return str(self.row["reference"])

    def number(self, reference: str, cipher: FieldCipher) -> None:
        """Give the report its reference, and encrypt its sealed columns under it."""
        self.row["reference"] = reference
        for column, text in self.sealed.items():
            self.row[f"{column}_encrypted"] = (
                None
                if text is None
                else cipher.encrypt(text, context=_sealed_as(reference, column))
            )
        self.event = replace(self.event, subject_id=reference)


def follow_up_token(key: bytes, reference: str) -> str:
    """The private follow-up link's secret, derived, not stored: a retry gets the same link."""
    digest = hmac.new(key, reference.encode(), hashlib.sha256).digest()[:FOLLOW_UP_TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def follow_up_path(key: bytes, reference: str) -> str:
    return f"/follow-up/{reference}/{follow_up_token(key, reference)}"


def allocate_references(session: Session, *, year: int, count: int) -> list[str]:
    """``count`` new consecutive references of ``year``, e.g. FL-2025-000123.

    The year's counter row is locked (SQLite: the write lock of BEGIN IMMEDIATE) while it is
    advanced, so concurrent intakes never hand out a number twice.
    """
    # The year's first intakes may race to create its counter row: whoever loses does nothing.
    dialect_insert = insert_for(session)
    session.execute(
        dialect_insert(ReportCounter).values(year=year, last_number=0).on_conflict_do_nothing()
    )
    counter = session.scalars(
        select(ReportCounter)
        .where(ReportCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    first = counter.last_number + 1
    counter.last_number += count
    session.flush()
    return [f"{REFERENCE_PREFIX}-{year}-{number:06d}" for number in range(first, first + count)]


def route(
    report: ReportIn, directory: Directory, policy: RoutingPolicy
) -> dict[int, list[RoutingReason]]:
    """Which partners must act on this report, and why ("report once")."""
    found = [
        *_account_holders(report, directory),
        *_identifier_holders(report, directory),
        *_authorities(report, directory, policy),
    ]
    recipients: dict[int, list[RoutingReason]] = {}
    for partner_id, reason in found:
        if partner_id is not None and reason not in recipients.setdefault(partner_id, []):
            recipients[partner_id].append(reason)
    return recipients


Routed = Iterator[tuple[int | None, RoutingReason]]


def _account_holders(report: ReportIn, directory: Directory) -> Routed:
    for payment in report.payments:
        if payment.beneficiary_iban is not None:
            yield (
                _account_holder(directory, payment.beneficiary_iban),
                RoutingReason.BENEFICIARY_ACCOUNT,
            )
    if report.victim_iban is not None:
        yield _account_holder(directory, report.victim_iban), RoutingReason.VICTIM_ACCOUNT


def _identifier_holders(report: ReportIn, directory: Directory) -> Routed:
    for identifier in (item.parsed for item in report.identifiers if item.parsed is not None):
        if identifier.kind is IdentifierKind.PHONE:
            yield directory.number_holder(identifier.normalized), RoutingReason.REPORTED_NUMBER
        elif identifier.kind is IdentifierKind.IBAN:
            yield _account_holder(directory, identifier), RoutingReason.BENEFICIARY_ACCOUNT
        elif (domain := identifier.details.get("registrable_domain")) is not None:
            yield directory.domain_holder(str(domain)), RoutingReason.REPORTED_DOMAIN


def _authorities(report: ReportIn, directory: Directory, policy: RoutingPolicy) -> Routed:
    police = directory.of_type(PartnerType.POLICE)
    if report.aangifte_wanted:
        yield from ((partner, RoutingReason.AANGIFTE_WANTED) for partner in police)
    if _total_loss(report) >= policy.police_threshold_cents > 0:
        yield from ((partner, RoutingReason.LOSS_ABOVE_THRESHOLD) for partner in police)
    if report.fraud_type is FraudType.IDENTITY:
        yield directory.named(policy.identity_fraud_desk), RoutingReason.IDENTITY_FRAUD


def _account_holder(directory: Directory, iban: Identifier) -> int | None:
    return directory.account_holder(str(iban.details["country"]), str(iban.details["bank_code"]))


def _sealed_as(reference: str, column: str) -> str:
    """The encryption context of a report's column: a ciphertext opens only in its own place."""
    return f"report:{reference}:{column}"


def _total_loss(report: ReportIn) -> int:
    return sum(payment.amount_cents for payment in report.payments)


def situation(report: ReportIn, now: datetime) -> advice_service.Situation:
    """What the advice engine needs to know about a report to tailor its plan."""
    assert report.fraud_type is not None, "prepare() resolves the type first"
    return advice_service.Situation(
        fraud_type=report.fraud_type,
        hours_since=max(
            ((report.reported_at or now) - report.occurred_at).total_seconds() / 3600, 0
        ),
        paid=bool(report.payments),
        payment_methods=frozenset(payment.method for payment in report.payments),
        channel=report.channel,
        age_band=report.age_band,
        aangifte_made=report.aangifte_made,
    )


def prepare(
    report: ReportIn,
    *,
    intake: Intake,
    source: ReportSource,
    partner_id: int | None,
    idempotency_key: str | None,
    actor: Actor,
) -> PreparedReport:
    """Everything that will be stored for ``report`` but its reference, computed without
    touching the database."""
    suggested = report.fraud_type is None
    if suggested:
        suggestion = classify(report.narrative or "", report.channel)
        report = report.model_copy(update={"fraud_type": suggestion.fraud_type})
    assert report.fraud_type is not None
    token = intake.pseudonymiser.token
    victim_iban = report.victim_iban
    row: dict[str, Any] = {
        "source": source,
        "reporting_partner_id": partner_id,
        "external_id": report.external_id,
        "idempotency_key": idempotency_key,
        "fraud_type": report.fraud_type,
        "fraud_type_suggested": suggested,
        "channel": report.channel,
        "occurred_at": report.occurred_at,
        "reported_at": report.reported_at or intake.now,
        "age_band": report.age_band,
        "postcode_area": report.postcode,
        "region": region_of(report.postcode) if report.postcode else None,
        "aangifte_made": report.aangifte_made,
        "aangifte_reference": report.aangifte_reference,
        "aangifte_wanted": report.aangifte_wanted,
        "contact_consent": report.contact_consent,
        "victim_bank_code": victim_iban.details["bank_code"] if victim_iban else None,
        "victim_iban_token": token(victim_iban) if victim_iban else None,
        "usernames": [item.value for item in report.identifiers if item.parsed is None],
        "total_loss_cents": _total_loss(report),
        "advice_rules_version": advice_service.rules_version(),
    }
    payments = []
    for position, payment in enumerate(report.payments):
        beneficiary = payment.beneficiary_iban or payment.beneficiary_wallet
        payments.append(
            {
                "position": position,
                "amount_cents": payment.amount_cents,
                "paid_on": payment.paid_on or report.occurred_at.astimezone(LOCAL_TIME_ZONE).date(),
                "method": payment.method,
                "beneficiary_kind": beneficiary.kind.value if beneficiary else None,
                "beneficiary": beneficiary.normalized if beneficiary else None,
                "beneficiary_token": token(beneficiary) if beneficiary else None,
                "beneficiary_bank_code": payment.beneficiary_iban.details["bank_code"]
                if payment.beneficiary_iban
                else None,
            }
        )
    identifiers = [
        {
            "position": position,
            "kind": identifier.kind.value,
            "value": identifier.normalized,
            "token": token(identifier),
            "details": dict(identifier.details),
        }
        for position, identifier in enumerate(
            item.parsed for item in report.identifiers if item.parsed is not None
        )
    ]
    recipients = route(report, intake.directory, intake.policy)
    plan = advice_service.plan(situation(report, intake.now))
    event = Event(
        actor=actor,
        action="report.create",
        subject_type="report",
        details={
            "source": source.value,
            "fraud_type": report.fraud_type.value,
            "recipients": sorted(intake.directory.names[partner] for partner in recipients),
        },
    )
    sealed = {
        "victim_iban": victim_iban.normalized if victim_iban else None,
        "narrative": report.narrative or None,
    }
    named = _named(report, intake)
    return PreparedReport(
        row, payments, identifiers, recipients, [step.id for step in plan], named, event, sealed
    )


def _named(report: ReportIn, intake: Intake) -> list[indicator_service.Named]:
    """The identifiers of a report that feed the indicator exchange (warning-listed ones not).

    A web address also names its registrable domain, which is what people check most.
    """
    found: list[Identifier] = []
    for payment in report.payments:
        beneficiary: Identifier | None = payment.beneficiary_iban or payment.beneficiary_wallet
        if beneficiary is not None:
            found.append(beneficiary)
    for item in report.identifiers:
        if item.parsed is None:
            continue
        found.append(item.parsed)
        domain = item.parsed.details.get("registrable_domain")
        if item.parsed.kind is IdentifierKind.URL and domain is not None:
            found.append(parse(str(domain), IdentifierKind.DOMAIN))
    partner_domains = intake.directory.by_domain.keys()
    return [
        indicator_service.Named(
            identifier.kind.value, identifier.normalized, intake.pseudonymiser.token(identifier)
        )
        for identifier in found
        if not indicator_service.is_warning_listed(identifier, partner_domains)
    ]


def store(
    session: Session,
    prepared: Sequence[PreparedReport],
    *,
    now: datetime,
    evidence: indicator_service.Policy,
) -> list[int]:
    """Insert a batch of numbered reports with a handful of multi-row statements."""
    if not prepared:
        return []
    # Plain multi-row INSERTs (executemany) and one query for the new ids: several times faster
    # than INSERT … RETURNING row by row, which the bulk import notices.
    session.execute(insert(table_of(Report)), [report.row for report in prepared])
    figures_totals.count_reports(session, [report.row for report in prepared])
    references = [report.reference for report in prepared]
    found = session.execute(
        select(Report.reference, Report.id).where(Report.reference.in_(references))
    )
    id_of: dict[str, int] = dict(found.all())
    ids = [id_of[reference] for reference in references]
    payments, identifiers, recipients, plans = [], [], [], {}
    for report_id, report in zip(ids, prepared, strict=True):
        payments += [{**payment, "report_id": report_id} for payment in report.payments]
        identifiers += [{**item, "report_id": report_id} for item in report.identifiers]
        recipients += [
            {
                "report_id": report_id,
                "partner_id": partner_id,
                "reasons": [reason.value for reason in reasons],
                "routed_at": now,
            }
            for partner_id, reasons in report.recipients.items()
        ]
        plans[report_id] = report.advice
    for model, rows in (
        (ReportPayment, payments),
        (ReportIdentifier, identifiers),
        (ReportRecipient, recipients),
    ):
        if rows:
            session.execute(insert(table_of(model)), rows)
    advice_outcomes.record_plans(session, plans)
    indicator_service.record_reports(
        session,
        [
            indicator_service.ReportEvidence(
                report_id=report_id,
                partner_id=report.row["reporting_partner_id"],
                reported_at=report.row["reported_at"],
                fraud_type=report.row["fraud_type"].value,
                named=report.named,
            )
            for report_id, report in zip(ids, prepared, strict=True)
        ],
        policy=evidence,
    )
    audit_service.record_many(session, [report.event for report in prepared])
    return ids


@dataclass(frozen=True)
class Submission:
    report: Report
    created: bool  # False when an earlier submission with the same external id was found


def submit(
    session: Session,
    *,
    report: ReportIn,
    source: ReportSource,
    partner_id: int | None,
    actor: Actor,
    policy: RoutingPolicy,
) -> Submission:
    """Take in one report; a partner sending the same ``external_id`` again gets the first one."""
    key = f"{partner_id}:{report.external_id}" if partner_id and report.external_id else None
    if key is not None and (existing := _by_idempotency_key(session, key)) is not None:
        return Submission(existing, created=False)
    intake = Intake.begin(session, policy)
    [reference] = allocate_references(session, year=intake.now.year, count=1)
    # Allocating locks the year's counter, so a retry that raced the first attempt finds its
    # report now (and leaves one reference number unused).
    if key is not None and (existing := _by_idempotency_key(session, key)) is not None:
        return Submission(existing, created=False)
    prepared = prepare(
        report,
        intake=intake,
        source=source,
        partner_id=partner_id,
        idempotency_key=key,
        actor=actor,
    )
    prepared.number(reference, intake.cipher)
    [report_id] = store(session, [prepared], now=intake.now, evidence=policy.evidence)
    return Submission(get(session, report_id=report_id), created=True)


def _by_idempotency_key(session: Session, key: str) -> Report | None:
    return session.scalar(select(Report).where(Report.idempotency_key == key))


def get(session: Session, *, report_id: int) -> Report:
    return session.scalars(
        select(Report)
        .where(Report.id == report_id)
        .options(
            selectinload(Report.payments),
            selectinload(Report.identifiers),
            selectinload(Report.recipients),
        )
    ).one()


def find_by_reference(session: Session, *, reference: str) -> Report | None:
    return session.scalar(select(Report).where(Report.reference == reference))


def advice_for(session: Session, report: Report, language: Language) -> list[advice_service.Step]:
    """The plan the report received, in ``language`` (as stored, not recomputed)."""
    step_ids = advice_outcomes.plan_of(session, report_id=report.id)
    return advice_service.steps_by_id(step_ids, language)


def narrative(report: Report, cipher: FieldCipher) -> str | None:
    if report.narrative_encrypted is None:
        return None
    return cipher.decrypt(
        report.narrative_encrypted, context=_sealed_as(report.reference, "narrative")
    )


def victim_iban(report: Report, cipher: FieldCipher) -> str | None:
    if report.victim_iban_encrypted is None:
        return None
    return cipher.decrypt(
        report.victim_iban_encrypted, context=_sealed_as(report.reference, "victim_iban")
    )


def is_follow_up_token(key: bytes, reference: str, token: str) -> bool:
    return hmac.compare_digest(follow_up_token(key, reference), token)


def inbox(
    session: Session, *, partner_id: int, open_only: bool, after_id: int, limit: int
) -> Sequence[ReportRecipient]:
    """The reports routed to a partner, oldest first, with their report loaded."""
    query = (
        select(ReportRecipient)
        .where(ReportRecipient.partner_id == partner_id, ReportRecipient.id > after_id)
        .options(
            selectinload(ReportRecipient.report).selectinload(Report.payments),
            selectinload(ReportRecipient.report).selectinload(Report.identifiers),
            selectinload(ReportRecipient.report).selectinload(Report.recipients),
        )
        .order_by(ReportRecipient.id)
        .limit(limit)
    )
    if open_only:
        query = query.where(ReportRecipient.acknowledged_at.is_(None))
    return session.scalars(query).all()


def acknowledge(
    session: Session, *, item_id: int, partner_id: int, actor: Actor
) -> ReportRecipient:
    """Mark an inbox item as taken up; doing it twice keeps the first moment."""
    item = session.get(ReportRecipient, item_id)
    if item is None or item.partner_id != partner_id:
        raise NotFound("reports.inbox_item_not_found", field="item_id", item_id=item_id)
    if item.acknowledged_at is None:
        item.acknowledged_at = utcnow()
        audit_service.record(
            session,
            actor=actor,
            action="report.acknowledge",
            subject_type="report",
            subject_id=item.report.reference,
        )
    return item


def record_reads(session: Session, *, actor: Actor, reports: Sequence[Report]) -> None:
    """Reading a report is reading sensitive data: every report shown is in the audit log."""
    audit_service.record_many(
        session,
        [
            Event(
                actor=actor,
                action="report.read",
                subject_type="report",
                subject_id=report.reference,
            )
            for report in reports
        ],
    )


def receipt(
    session: Session, report: Report, *, language: Language, base_url: str
) -> ReportReceipt:
    """What the reporter gets back: the reference, the private link, the plan, who was told."""
    directory = partner_service.directory(session)
    return ReportReceipt(
        reference=report.reference,
        follow_up_url=base_url + follow_up_path(keys_of(session).follow_up, report.reference),
        fraud_type=report.fraud_type,
        fraud_type_suggested=report.fraud_type_suggested,
        advice=[
            AdviceStepOut.model_validate(step.as_dict())
            for step in advice_for(session, report, language)
        ],
        routed_to=[
            RecipientOut(partner=directory.names[recipient.partner_id], reasons=recipient.reasons)
            for recipient in sorted(report.recipients, key=lambda item: item.partner_id)
        ],
    )
