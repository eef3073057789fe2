"""The words of call and SMS screening: where a call came from, the verdict and its reasons."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class CallOrigin(StrEnum):
    """Where the asking operator received the call from."""

    OWN_NETWORK = "own_network"  # a line or subscriber of the asking operator itself
    DOMESTIC_NETWORK = "domestic_network"  # handed over by another Dutch network
    INTERNATIONAL = "international"  # through an international gateway


class Verdict(StrEnum):
    """What the operator should do, from least to most severe."""

    ALLOW = "allow"
    WARN = "warn"  # put the call or message through, marked (e.g. "possible fraud" on screen)
    BLOCK = "block"

    @property
    def severity(self) -> int:
        return _SEVERITY.index(self)


_SEVERITY = (Verdict.ALLOW, Verdict.WARN, Verdict.BLOCK)


def most_severe(verdicts: Iterable[Verdict]) -> Verdict:
    """The verdict that wins: the most severe one; ALLOW when there is none."""
    return max(verdicts, key=lambda verdict: verdict.severity, default=Verdict.ALLOW)


class CallReason(StrEnum):
    """Why a presented caller number is suspect; see docs/telecom.md for each rule."""

    DO_NOT_ORIGINATE = "do_not_originate"  # an inbound-only number never calls out
    PROTECTED_NUMBER_ABROAD = "protected_number_abroad"
    PROTECTED_NUMBER_OUTSIDE_NETWORK = "protected_number_outside_network"
    DOMESTIC_NUMBER_ABROAD = "domestic_number_abroad"  # a Dutch non-mobile number from abroad
    MOBILE_NUMBER_ABROAD = "mobile_number_abroad"  # may be a subscriber roaming abroad
    REPORTED_FRAUD_NUMBER = "reported_fraud_number"

    @property
    def verdict(self) -> Verdict:
        return _CALL_VERDICTS.get(self, Verdict.BLOCK)


_CALL_VERDICTS = {
    CallReason.MOBILE_NUMBER_ABROAD: Verdict.WARN,
    CallReason.REPORTED_FRAUD_NUMBER: Verdict.WARN,
}


class SmsReason(StrEnum):
    """Why an SMS sender name is refused; both block."""

    SENDER_ROUTE_NOT_ALLOWED = "sender_route_not_allowed"
    LOOKALIKE_SENDER = "lookalike_sender"
