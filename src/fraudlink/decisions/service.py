"""Payment decisions: a bank asks, the live rule set answers, the shadow rule set is compared.

A batch is decided in one transaction with a fixed number of queries, however large: the
debtors' profiles, the creditors' payee records, the bank's allow-list and the debtors' call
contexts are read for the whole batch, the payments are decided in order (so two payments of
one debtor in a batch see each other), and the decisions and the updated state are written
with one statement per table. The indicator index is in memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any, Final

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor, Event
from fraudlink.database import among, insert_for, table_of, utcnow
from fraudlink.decisions.features import Context, NameKeys, Payee, Payment, Profile, features
from fraudlink.decisions.metrics import Tally
from fraudlink.decisions.models import (
    AllowListed,
    DebtorProfile,
    Decision,
    PayeeRecord,
)
from fraudlink.decisions.rulebook import Rulebook, rule_set_named
from fraudlink.decisions.rules import Evaluation, Facts, Reason, RuleSet
from fraudlink.decisions.schemas import PaymentIn
from fraudlink.decisions.vocabulary import Outcome, Truth
from fraudlink.errors import InvalidInput, NotFound
from fraudlink.i18n import translate
from fraudlink.identifiers import (
    Identifier,
    IdentifierKind,
    InvalidIdentifier,
    Pseudonymiser,
    parse,
)
from fraudlink.indicators.index import IndicatorIndex
from fraudlink.partners import service as partner_service
from fraudlink.telecom import service as telecom_service
from fraudlink.telecom.service import CallContext

ALLOW_LISTED: Final = "allow_listed"


@lru_cache(maxsize=65_536)  # banks send the same accounts again and again
def _parse_cached(value: str, kind: IdentifierKind) -> Identifier:
    return parse(value, kind)


def _identifier(value: str, kind: IdentifierKind, field: str) -> Identifier:
    try:
        return _parse_cached(value, kind)
    except InvalidIdentifier as error:
        raise InvalidInput(f"identifiers.{error.code}", field=field, **error.params) from None


def prepare(
    payment: PaymentIn,
    *,
    pseudonymiser: Pseudonymiser,
    name_keys: NameKeys,
    now: datetime,
    field_prefix: str = "",
) -> Payment:
    """A payment as the engine sees it: accounts and phone as tokens, the name as word keys."""
    countries: dict[str, str | None] = {}
    bank_codes: dict[str, str | None] = {}
    tokens: dict[str, str] = {}
    for account in ("debtor", "creditor"):
        raw = getattr(payment, f"{account}_iban")
        if raw is None:
            tokens[account] = getattr(payment, f"{account}_token")
            countries[account] = bank_codes[account] = None
        else:
            iban = _identifier(raw, IdentifierKind.IBAN, f"{field_prefix}{account}_iban")
            tokens[account] = pseudonymiser.token(iban)
            countries[account] = str(iban.details["country"])
            bank_codes[account] = str(iban.details["bank_code"])
    phone_token = payment.debtor_phone_token
    if payment.debtor_phone is not None:
        phone = _identifier(
            payment.debtor_phone, IdentifierKind.PHONE, f"{field_prefix}debtor_phone"
        )
        phone_token = pseudonymiser.token(phone)
    return Payment(
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        debtor_token=tokens["debtor"],
        creditor_token=tokens["creditor"],
        creditor_country=countries["creditor"],
        debtor_country=countries["debtor"],
        debtor_bank_code=bank_codes["debtor"],
        creditor_name_keys=name_keys.of(payment.creditor_name),
        channel=payment.channel.value,
        at=payment.at or now,
        debtor_age_band=payment.debtor_age_band.value if payment.debtor_age_band else None,
        new_creditor=payment.new_creditor,
        phone_token=phone_token,
        reference=payment.reference,
    )


@dataclass(frozen=True)
class Decided:
    """One decision as the bank receives it."""

    id: str
    reference: str | None
    decided_at: datetime
    evaluation: Evaluation
    rules_version: str


def judge(rule_set: RuleSet, facts: Facts) -> Evaluation:
    """The rule set's evaluation of a payment's ``features``, unless the bank allow-listed the
    creditor."""
    if facts["allow_listed"]:
        return Evaluation(Outcome.ALLOW, 0, (_allow_listed_reason(),), None)
    return rule_set.evaluate(facts)


def _allow_listed_reason() -> Reason:
    return Reason(
        code=ALLOW_LISTED,
        weight=0,
        floor=Outcome.ALLOW,
        facts={ALLOW_LISTED: True},
        nl=translate("decisions.reason_allow_listed", "nl"),
        en=translate("decisions.reason_allow_listed", "en"),
    )


@dataclass(frozen=True)
class Surroundings:
    """What a batch's decisions read before they take the write lock: facts at one moment."""

    calls: Mapping[str, CallContext]  # by phone token, only the asking bank's own customers
    allow_listed: frozenset[str]  # creditor tokens
    own_accounts: frozenset[tuple[str, str]]  # (country, bank code) the bank holds

    def call_of(self, payment: Payment) -> CallContext:
        phone = _customer_phone(payment, self.own_accounts)
        return self.calls.get(phone or "", telecom_service.NO_CALLS)


def surroundings(
    session: Session, *, payments: Sequence[Payment], partner_id: int, now: datetime
) -> Surroundings:
    """Read in any transaction (a read-only one keeps writers free): the decision's inputs that
    no decision writes."""
    own_accounts = frozenset(
        partner_service.bank_codes_of(session, partner_id=partner_id)
        if any(payment.phone_token for payment in payments)
        else ()
    )
    phones = {phone for payment in payments if (phone := _customer_phone(payment, own_accounts))}
    return Surroundings(
        calls=telecom_service.call_contexts(session, subscriber_tokens=phones, now=now),
        allow_listed=_allow_listed(
            session, partner_id, {payment.creditor_token for payment in payments}
        ),
        own_accounts=own_accounts,
    )


def decide(
    session: Session,
    *,
    payments: Sequence[Payment],
    partner_id: int,
    partner_name: str,
    around: Surroundings,
    rulebook: Rulebook,
    index: IndicatorIndex,
    actor: Actor,
    now: datetime,
) -> list[Decided]:
    """Decide ``payments`` in order for the bank ``partner_id`` and record every decision.

    Reads and writes only what decisions themselves change (profiles, payees): in a write
    transaction that is kept short, since on SQLite it holds the one write lock.
    """
    live, shadow = rulebook.sets_for(partner_name)
    profiles = _profiles(session, partner_id, {payment.debtor_token for payment in payments})
    payees = _payees(session, {payment.creditor_token for payment in payments})
    decided, rows, signal_uses = [], [], []
    for payment in payments:
        profile = profiles.setdefault(payment.debtor_token, Profile())
        call = around.call_of(payment)
        context = Context(
            indicator=index.lookup(payment.creditor_token),
            call=call,
            profile=profile,
            payee=payees.get(payment.creditor_token),
            allow_listed=payment.creditor_token in around.allow_listed,
        )
        facts = features(payment, context)  # once, for the live and the shadow rules
        evaluation = judge(live, facts)
        shadow_evaluation = judge(shadow, facts) if shadow else None
        profile.observe(payment)
        payee = payees.setdefault(payment.creditor_token, Payee(first_seen=payment.at))
        payee.observe(payment)
        decision_id = uuid.uuid4().hex
        decided.append(Decided(decision_id, payment.reference, now, evaluation, live.version))
        rows.append(
            _decision_row(decision_id, partner_id, now, payment, evaluation, live.version)
            | _shadow_columns(shadow, shadow_evaluation)
            | {"used_call_signal": bool(call.signal_ids)}
        )
        if call.signal_ids:
            signal_uses.append(
                Event(
                    actor,
                    "decision.call_signal_used",
                    "decision",
                    decision_id,
                    {"signals": list(call.signal_ids), "outcome": evaluation.outcome.value},
                )
            )
    session.execute(insert(Decision), rows)
    _save_profiles(session, partner_id, profiles, now)
    _save_payees(session, payees)
    if signal_uses:
        audit_service.record_many(session, signal_uses)
    return decided


def _customer_phone(payment: Payment, own_accounts: frozenset[tuple[str, str]]) -> str | None:
    """The phone token whose call signals may be used: only of the asking bank's own customer.

    An operator's signal serves one purpose, protecting that bank's customer, so the debtor
    account must be one the bank holds (a raw IBAN with one of its bank codes).
    """
    account = (payment.debtor_country or "", payment.debtor_bank_code or "")
    return payment.phone_token if account in own_accounts else None


def _decision_row(
    decision_id: str,
    partner_id: int,
    now: datetime,
    payment: Payment,
    evaluation: Evaluation,
    version: str,
) -> dict[str, Any]:
    return {
        "id": decision_id,
        "partner_id": partner_id,
        "decided_at": now,
        "reference": payment.reference,
        "debtor_token": payment.debtor_token,
        "creditor_token": payment.creditor_token,
        "amount_cents": payment.amount_cents,
        "currency": payment.currency,
        "outcome": evaluation.outcome,
        "score": evaluation.score,
        "reasons": [reason.stored() for reason in evaluation.reasons],
        "rules_version": version,
        "truth": None,
        "truth_at": None,
    }


def _shadow_columns(shadow: RuleSet | None, evaluation: Evaluation | None) -> dict[str, Any]:
    if shadow is None or evaluation is None:
        return {"shadow_version": None, "shadow_outcome": None, "shadow_score": None,
                "shadow_codes": None}  # fmt: skip
    return {
        "shadow_version": shadow.version,
        "shadow_outcome": evaluation.outcome,
        "shadow_score": evaluation.score,
        "shadow_codes": evaluation.codes,
    }


def _profiles(session: Session, partner_id: int, debtor_tokens: set[str]) -> dict[str, Profile]:
    rows = session.execute(
        select(
            DebtorProfile.debtor_token,
            DebtorProfile.payments,
            DebtorProfile.amount_sum,
            DebtorProfile.amount_max,
            DebtorProfile.creditors,
        )
        .where(
            DebtorProfile.partner_id == partner_id,
            among(session, DebtorProfile.debtor_token, sorted(debtor_tokens)),
        )
        # PostgreSQL: two workers never lose one of a debtor's payments; locking in token
        # order, two batches never wait for each other in a circle.
        .order_by(DebtorProfile.debtor_token)
        .with_for_update()
    )
    return {
        row.debtor_token: Profile(row.payments, row.amount_sum, row.amount_max, list(row.creditors))
        for row in rows
    }


def _payees(session: Session, creditor_tokens: set[str]) -> dict[str, Payee]:
    rows = session.execute(
        select(
            PayeeRecord.creditor_token,
            PayeeRecord.first_seen,
            PayeeRecord.payments,
            PayeeRecord.names,
        )
        .where(among(session, PayeeRecord.creditor_token, sorted(creditor_tokens)))
        .order_by(PayeeRecord.creditor_token)
        .with_for_update()
    )
    return {
        row.creditor_token: Payee(row.first_seen, row.payments, list(row.names)) for row in rows
    }


def _allow_listed(session: Session, partner_id: int, creditor_tokens: set[str]) -> frozenset[str]:
    return frozenset(
        session.scalars(
            select(AllowListed.creditor_token).where(
                AllowListed.partner_id == partner_id,
                among(session, AllowListed.creditor_token, list(creditor_tokens)),
            )
        )
    )


def _upsert(
    session: Session, model: type[Any], keys: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Insert ``rows``, or overwrite the row with the same ``keys``: one statement for all."""
    if rows:
        statement = _upsert_statement(insert_for(session), table_of(model), keys, tuple(rows[0]))
        session.execute(statement, rows)


@lru_cache(maxsize=16)
def _upsert_statement(
    dialect_insert: Callable[[Any], Any],
    table: Table,
    keys: tuple[str, ...],
    columns: tuple[str, ...],
) -> Any:
    """Built once per engine and table: building ``excluded`` costs more than running it."""
    statement = dialect_insert(table)
    updated = {column: statement.excluded[column] for column in columns if column not in keys}
    return statement.on_conflict_do_update(index_elements=list(keys), set_=updated)


def _save_profiles(
    session: Session, partner_id: int, profiles: dict[str, Profile], now: datetime
) -> None:
    _upsert(
        session,
        DebtorProfile,
        ("partner_id", "debtor_token"),
        [
            {
                "partner_id": partner_id,
                "debtor_token": token,
                "payments": profile.payments,
                "amount_sum": profile.amount_sum,
                "amount_max": profile.amount_max,
                "creditors": profile.creditors,
                "updated_at": now,
            }
            for token, profile in profiles.items()
        ],
    )


def _save_payees(session: Session, payees: dict[str, Payee]) -> None:
    _upsert(
        session,
        PayeeRecord,
        ("creditor_token",),
        [
            {
                "creditor_token": token,
                "first_seen": payee.first_seen,
                "payments": payee.payments,
                "names": payee.names,
            }
            for token, payee in payees.items()
        ],
    )


def record_truth(
    session: Session, *, decision_id: str, partner_id: int, truth: Truth, actor: Actor
) -> Decision:
    """The bank's later finding about its own decision; a second finding replaces the first."""
    decision = find(session, decision_id=decision_id, partner_id=partner_id)
    decision.truth, decision.truth_at = truth, utcnow()
    audit_service.record(
        session,
        actor=actor,
        action="decision.outcome",
        subject_type="decision",
        subject_id=decision_id,
        details={"truth": truth.value, "outcome": decision.outcome.value},
    )
    return decision


def evaluation_of(session: Session, decision: Decision) -> Evaluation:
    """A stored decision's evaluation again, its sentences from the rule set that made it."""
    rule_set = rule_set_named(session, decision.rules_version)
    reasons, warning = [], None
    for stored in decision.reasons:
        floor = Outcome(stored["floor"])
        rule = rule_set.rule(stored["code"]) if rule_set else None
        if rule is None:  # the allow-list's reason, which no rule set holds
            reason = _allow_listed_reason()
        else:
            reason = replace(rule.explain(stored["facts"]), weight=stored["weight"], floor=floor)
            if warning is None and decision.outcome is not Outcome.ALLOW:
                warning = rule.warning
        reasons.append(reason)
    return Evaluation(decision.outcome, decision.score, tuple(reasons), warning)


def find(session: Session, *, decision_id: str, partner_id: int) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None or decision.partner_id != partner_id:
        raise NotFound("decisions.not_found", field="decision_id", decision_id=decision_id)
    return decision


def recent(session: Session, *, partner_id: int, limit: int = 50) -> Sequence[Decision]:
    return session.scalars(
        select(Decision)
        .where(Decision.partner_id == partner_id)
        .order_by(Decision.decided_at.desc(), Decision.id)
        .limit(limit)
    ).all()


def add_to_allow_list(
    session: Session,
    *,
    partner_id: int,
    creditor_iban: str,
    note: str,
    pseudonymiser: Pseudonymiser,
    actor: Actor,
) -> AllowListed:
    iban = _identifier(creditor_iban, IdentifierKind.IBAN, "creditor_iban")
    token = pseudonymiser.token(iban)
    existing = session.scalar(
        select(AllowListed).where(
            AllowListed.partner_id == partner_id, AllowListed.creditor_token == token
        )
    )
    if existing is not None:
        existing.note = note
        entry = existing
    else:
        entry = AllowListed(
            partner_id=partner_id,
            creditor_token=token,
            creditor_iban=iban.normalized,
            note=note,
            created_at=utcnow(),
            created_by=actor.name,
        )
        session.add(entry)
        session.flush()
    audit_service.record(
        session, actor=actor, action="decision.allow_listed", subject_type="indicator",
        subject_id=token,
    )  # fmt: skip
    return entry


def allow_list(session: Session, *, partner_id: int) -> Sequence[AllowListed]:
    return session.scalars(
        select(AllowListed).where(AllowListed.partner_id == partner_id).order_by(AllowListed.id)
    ).all()


def remove_from_allow_list(
    session: Session, *, partner_id: int, entry_id: int, actor: Actor
) -> None:
    entry = session.get(AllowListed, entry_id)
    if entry is None or entry.partner_id != partner_id:
        raise NotFound("decisions.allow_list_not_found", field="entry_id", entry_id=entry_id)
    session.delete(entry)
    audit_service.record(
        session, actor=actor, action="decision.allow_list_removed", subject_type="indicator",
        subject_id=entry.creditor_token,
    )  # fmt: skip


@dataclass(frozen=True)
class Effectiveness:
    """The bank's decisions since a moment, scored against the truths it reported."""

    live: dict[str, Tally]  # by rule-set version
    shadow: dict[str, Tally]  # by shadow version: what it would have done on the same payments
    agreement: dict[str, float | None]  # by shadow version: share of the same outcome as live


def effectiveness(session: Session, *, partner_id: int, since: datetime) -> Effectiveness:
    live: dict[str, Tally] = {}
    shadow: dict[str, Tally] = {}
    same: dict[str, list[int]] = {}
    for row in session.execute(
        select(
            Decision.outcome,
            Decision.reasons,
            Decision.rules_version,
            Decision.shadow_version,
            Decision.shadow_outcome,
            Decision.shadow_codes,
            Decision.truth,
            Decision.amount_cents,
        ).where(Decision.partner_id == partner_id, Decision.decided_at >= since)
    ):
        fraud = None if row.truth is None else row.truth is Truth.CONFIRMED_FRAUD
        live.setdefault(row.rules_version, Tally()).add(
            row.outcome,
            (reason["code"] for reason in row.reasons),
            fraud=fraud,
            amount_cents=row.amount_cents,
        )
        if row.shadow_version is not None and row.shadow_outcome is not None:
            shadow.setdefault(row.shadow_version, Tally()).add(
                row.shadow_outcome,
                row.shadow_codes or (),
                fraud=fraud,
                amount_cents=row.amount_cents,
            )
            counts = same.setdefault(row.shadow_version, [0, 0])
            counts[0] += row.shadow_outcome is row.outcome
            counts[1] += 1
    return Effectiveness(
        live=live,
        shadow=shadow,
        agreement={version: round(agreed / total, 4) for version, (agreed, total) in same.items()},
    )
