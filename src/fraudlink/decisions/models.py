"""Payment decisions, the rule sets that made them, and the state the engine keeps between them.

No raw account number, phone number or name is stored here: payments are known by the
pseudonym tokens of their accounts, names by keyed word hashes (``features.NameKeys``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fraudlink.database import Base, BigId, JSONDocument, string_enum
from fraudlink.decisions.vocabulary import Outcome, RuleSetStatus, Truth


class RuleSetVersion(Base):
    """Every rule set ever loaded, kept whole: a decision names the version that made it."""

    __tablename__ = "decision_rule_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Taken anew by every change of status: what workers watch to re-read their rule sets.
    revision: Mapped[int] = mapped_column(unique=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[RuleSetStatus] = mapped_column(
        string_enum(RuleSetStatus, "decision_rule_set_status")
    )
    document: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime]
    loaded_by: Mapped[str] = mapped_column(String(120))


class Decision(Base):
    """One decided payment: the live outcome, the shadow rule set's outcome, and later the truth."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_partner_id_decided_at", "partner_id", "decided_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    decided_at: Mapped[datetime]
    reference: Mapped[str | None] = mapped_column(String(64))  # the bank's own payment id
    debtor_token: Mapped[str] = mapped_column(String(64))
    creditor_token: Mapped[str] = mapped_column(String(64))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    outcome: Mapped[Outcome] = mapped_column(string_enum(Outcome, "decision_outcome"))
    score: Mapped[int]
    # [{code, weight, floor, facts}]: the sentences follow from the version's rule texts.
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    rules_version: Mapped[str] = mapped_column(String(64))
    shadow_version: Mapped[str | None] = mapped_column(String(64))
    shadow_outcome: Mapped[Outcome | None] = mapped_column(
        string_enum(Outcome, "decision_shadow_outcome")
    )
    shadow_score: Mapped[int | None]
    shadow_codes: Mapped[list[str] | None] = mapped_column(JSONDocument)
    used_call_signal: Mapped[bool]
    truth: Mapped[Truth | None] = mapped_column(string_enum(Truth, "decision_truth"))
    truth_at: Mapped[datetime | None]


class DebtorProfile(Base):
    """A debtor's running profile at one bank: what 'usual' means for this customer."""

    __tablename__ = "decision_profiles"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), primary_key=True)
    debtor_token: Mapped[str] = mapped_column(String(64), primary_key=True)
    payments: Mapped[int] = mapped_column(BigInteger)
    amount_sum: Mapped[int] = mapped_column(BigInteger)
    amount_max: Mapped[int] = mapped_column(BigInteger)
    creditors: Mapped[list[str]] = mapped_column(JSONDocument)  # token prefixes, latest last
    updated_at: Mapped[datetime]


class PayeeRecord(Base):
    """What every bank's payments showed of one creditor account."""

    __tablename__ = "decision_payees"

    creditor_token: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_seen: Mapped[datetime]
    payments: Mapped[int] = mapped_column(BigInteger)
    names: Mapped[list[list[str]]] = mapped_column(JSONDocument)


class AllowListed(Base):
    """A creditor one bank trusts for all its customers (the tax office, a pension fund)."""

    __tablename__ = "decision_allow_list"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    creditor_token: Mapped[str] = mapped_column(String(64))
    creditor_iban: Mapped[str] = mapped_column(String(34))  # the bank's own entry: shown to it
    note: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(120))

    __table_args__ = (
        Index(
            "ix_decision_allow_list_partner_id_creditor_token",
            "partner_id",
            "creditor_token",
            unique=True,
        ),
    )
