"""What a decision knows of a payment: the facts rules test, from the payment and its context.

The context is what the platform holds about the payment's parties: the creditor account's
entry in the indicator index, the debtor's calls (only through ``telecom.call_contexts``), the
debtor's running profile at the deciding bank and what every bank's payments showed of the
creditor account. The service fills it from the database; a backtest fills it from the file.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from fraudlink.i18n import LOCAL_TIME_ZONE
from fraudlink.indicators.index import Entry
from fraudlink.telecom.service import NO_CALLS, CallContext
from fraudlink.telecom.vocabulary import CallReason

# A feature's kind says which comparisons a rule may make on it.
FEATURES: Final[Mapping[str, type]] = {
    "amount_cents": int,
    "amount_euros": float,  # the same, for sentences: "€ {amount_euros:.0f}"
    "currency": str,
    "channel": str,
    "hour": int,  # Dutch local time
    "night": bool,  # between midnight and six in the morning, Dutch time
    "debtor_age_band": str,  # "" when the bank did not say
    "older_customer": bool,  # 70 or older
    "new_creditor": bool,
    "creditor_reported": bool,  # listed as fraud (meets the standard of proof), not capped
    "creditor_report_count": int,  # victims' reports within twelve months (up to six counted)
    "creditor_confidence": float,  # the indicator's confidence, 0 to 1
    "creditor_fraud_types": frozenset,
    "creditor_foreign": bool,  # the creditor's account is held in another country
    "creditor_newly_seen": bool,  # no bank's payment went to this account before this week
    "payee_name_mismatch": bool,  # the name shares no word with any name known for the account
    "on_call": bool,  # the debtor is, or just was, in a phone call (an operator's signal)
    "caller_reasons": frozenset,  # what the operator's check found about that caller
    "caller_spoofed": bool,  # the caller presented a number that was not theirs to present
    "caller_reported": bool,  # the caller's number is reported as fraud
    "caller_abroad": bool,  # the call came in from abroad with a Dutch number
    "spoofed_call": bool,  # a spoofed call to the debtor was stopped or warned about recently
    "profile_payments": int,  # payments of this debtor the engine saw before
    "amount_over_max": float,  # this amount over the debtor's largest so far (0: no history)
    "amount_over_mean": float,  # this amount over the debtor's mean (0: no history)
    "allow_listed": bool,  # the deciding bank allow-listed this creditor for all its customers
}

OLDER: Final = frozenset({"70+"})
REPORT_WINDOW: Final = timedelta(days=365)
NEWLY_SEEN: Final = timedelta(days=7)
KNOWN_CREDITORS: Final = 200  # a profile remembers this many creditors, the latest ones
KNOWN_NAMES: Final = 5  # a payee remembers this many names
TOKEN_PREFIX: Final = 16  # hex characters of a creditor token a profile keeps
_SPOOFED: Final = frozenset(
    {
        CallReason.DO_NOT_ORIGINATE,
        CallReason.PROTECTED_NUMBER_ABROAD,
        CallReason.PROTECTED_NUMBER_OUTSIDE_NETWORK,
        CallReason.DOMESTIC_NUMBER_ABROAD,
    }
)
_ABROAD: Final = frozenset(
    {
        CallReason.PROTECTED_NUMBER_ABROAD,
        CallReason.DOMESTIC_NUMBER_ABROAD,
        CallReason.MOBILE_NUMBER_ABROAD,
    }
)
# Words that say what kind of company, not which one.
_NOISE_WORDS: Final = frozenset({"bv", "nv", "vof", "cv", "ltd", "gmbh", "de", "het", "van", "en"})
_WORD: Final = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Payment:
    """A payment to decide on, its accounts and the debtor's phone already pseudonymised."""

    amount_cents: int
    currency: str
    debtor_token: str
    creditor_token: str
    creditor_country: str | None  # None when the bank sent only a token
    debtor_country: str | None
    debtor_bank_code: str | None  # which bank holds the debtor's account (a raw IBAN only)
    creditor_name_keys: frozenset[str]  # see NameKeys: the name, never stored as text
    channel: str
    at: datetime
    debtor_age_band: str | None = None
    new_creditor: bool | None = None  # None: judged from the debtor's profile
    phone_token: str | None = None
    reference: str | None = None  # the bank's own id of the payment


class NameKeys:
    """A creditor name as a set of keyed word hashes: comparable, but not readable back.

    Keyed (with the installation's pseudonym key) so that a dictionary of names cannot undo it.
    """

    def __init__(self, key: bytes) -> None:
        self._key = key[:64]

    def of(self, name: str | None) -> frozenset[str]:
        if not name:
            return frozenset()
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        return frozenset(
            hashlib.blake2b(word.encode(), key=self._key, digest_size=6).hexdigest()
            for word in _WORD.findall(plain)
            if len(word) > 1 and word not in _NOISE_WORDS
        )


@dataclass(slots=True)
class Profile:
    """A debtor's running profile at one bank, kept by the engine from the payments it decides."""

    payments: int = 0
    amount_sum: int = 0
    amount_max: int = 0
    creditors: list[str] = field(default_factory=list)  # token prefixes, the latest last

    def knows(self, creditor_token: str) -> bool:
        return creditor_token[:TOKEN_PREFIX] in self.creditors

    def observe(self, payment: Payment) -> None:
        self.payments += 1
        self.amount_sum += payment.amount_cents
        self.amount_max = max(self.amount_max, payment.amount_cents)
        prefix = payment.creditor_token[:TOKEN_PREFIX]
        if prefix in self.creditors:
            self.creditors.remove(prefix)
        self.creditors.append(prefix)
        del self.creditors[:-KNOWN_CREDITORS]


@dataclass(slots=True)
class Payee:
    """What every bank's payments showed of one creditor account: since when, under which names."""

    first_seen: datetime
    payments: int = 0
    names: list[list[str]] = field(default_factory=list)  # NameKeys per known name

    def mismatches(self, name_keys: frozenset[str]) -> bool:
        """A name with no word in common with any known name, once the account has a history."""
        if not name_keys or not self.names or self.payments < 2:
            return False
        return all(name_keys.isdisjoint(known) for known in self.names)

    def observe(self, payment: Payment) -> None:
        self.payments += 1
        keys = sorted(payment.creditor_name_keys)
        if keys and keys not in self.names and len(self.names) < KNOWN_NAMES:
            self.names.append(keys)


@dataclass(frozen=True, slots=True)
class Context:
    """What the platform holds about a payment's parties at the moment of the decision."""

    indicator: Entry | None = None
    call: CallContext = NO_CALLS
    profile: Profile = field(default_factory=Profile)
    payee: Payee | None = None
    allow_listed: bool = False


def features(payment: Payment, context: Context) -> dict[str, object]:
    """The facts of FEATURES for one payment: what the rules test and the reasons quote."""
    local = payment.at.astimezone(LOCAL_TIME_ZONE)
    profile, payee, call = context.profile, context.payee, context.call
    reported, report_count, confidence, fraud_types = _creditor_listing(
        context.indicator, payment.at
    )
    new_creditor = (
        payment.new_creditor
        if payment.new_creditor is not None
        else not profile.knows(payment.creditor_token)
    )
    mean = profile.amount_sum / profile.payments if profile.payments else 0
    return {
        "amount_cents": payment.amount_cents,
        "amount_euros": payment.amount_cents / 100,
        "currency": payment.currency,
        "channel": payment.channel,
        "hour": local.hour,
        "night": local.hour < 6,
        "debtor_age_band": payment.debtor_age_band or "",
        "older_customer": payment.debtor_age_band in OLDER,
        "new_creditor": new_creditor,
        "creditor_reported": reported,
        "creditor_report_count": report_count,
        "creditor_confidence": confidence,
        "creditor_fraud_types": fraud_types,
        "creditor_foreign": _foreign(payment),
        "creditor_newly_seen": payee is None or payment.at - payee.first_seen < NEWLY_SEEN,
        "payee_name_mismatch": payee is not None and payee.mismatches(payment.creditor_name_keys),
        "on_call": call.in_call,
        "caller_reasons": call.caller_reasons,
        "caller_spoofed": not call.caller_reasons.isdisjoint(_SPOOFED),
        "caller_reported": CallReason.REPORTED_FRAUD_NUMBER in call.caller_reasons,
        "caller_abroad": not call.caller_reasons.isdisjoint(_ABROAD),
        "spoofed_call": call.spoofed_call,
        "profile_payments": profile.payments,
        "amount_over_max": payment.amount_cents / profile.amount_max if profile.amount_max else 0.0,
        "amount_over_mean": payment.amount_cents / mean if mean else 0.0,
        "allow_listed": context.allow_listed,
    }


def _creditor_listing(entry: Entry | None, at: datetime) -> tuple[bool, int, float, frozenset[str]]:
    """Whether the creditor account is listed as fraud, and by how many recent reports."""
    if entry is None or not entry.listed_as_fraud:
        return False, 0, 0.0, frozenset()
    recent = [report for report in entry.recent_reports if at - report.moment <= REPORT_WINDOW]
    return True, len(recent), entry.confidence, frozenset(report.fraud_type for report in recent)


def _foreign(payment: Payment) -> bool:
    if payment.creditor_country is None:
        return False
    return payment.creditor_country != (payment.debtor_country or "NL")


def json_fact(value: object) -> object:
    """A feature's value as the reasons show it: sets as sorted lists, ratios rounded."""
    if isinstance(value, frozenset | set):
        return sorted(str(item) for item in value)
    if isinstance(value, float):
        return round(value, 2)
    return value
