"""The call rules: what a presented caller number, its origin and what is known of it say.

Pure functions over what the service looked up, so that each rule is tested without a database
and the call check and the call signals judge a caller in exactly the same way. The table of
rules, with the reasoning behind each, is in docs/telecom.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from fraudlink.identifiers import Identifier
from fraudlink.telecom.vocabulary import CallOrigin, CallReason, Verdict, most_severe

HOME_COUNTRY: Final = "NL"
MOBILE: Final = "mobile"


@dataclass(frozen=True)
class Protection:
    """A protected number as the rules need it."""

    inbound_only: bool
    range_holder: int | None  # the operator whose number range covers it, when a partner's


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reasons: tuple[CallReason, ...]  # the most severe first

    @classmethod
    def of(cls, reasons: list[CallReason]) -> Judgement:
        ordered = sorted(reasons, key=lambda reason: -reason.verdict.severity)
        return cls(most_severe(reason.verdict for reason in ordered), tuple(ordered))


ALLOWED: Final = Judgement(Verdict.ALLOW, ())


def is_dutch(number: Identifier) -> bool:
    return number.details.get("country") == HOME_COUNTRY


def judge(
    number: Identifier,
    *,
    origin: CallOrigin,
    operator_id: int,
    protection: Protection | None,
    reported: bool,
) -> Judgement:
    """Every rule that fires for a call presenting ``number``, asked by ``operator_id``."""
    reasons = []
    if protection is not None:
        if protection.inbound_only:
            reasons.append(CallReason.DO_NOT_ORIGINATE)
        if origin is CallOrigin.INTERNATIONAL:
            reasons.append(CallReason.PROTECTED_NUMBER_ABROAD)
        if protection.range_holder is not None:
            # The operator that holds the number's range is the only one it can come from.
            in_own_range = protection.range_holder == operator_id
            if in_own_range != (origin is CallOrigin.OWN_NETWORK):
                reasons.append(CallReason.PROTECTED_NUMBER_OUTSIDE_NETWORK)
    if is_dutch(number) and origin is CallOrigin.INTERNATIONAL:
        # A Dutch fixed, service or company number (020, 088, 0800, 0900, ...) is connected
        # here and cannot call from abroad; a Dutch mobile can, when its subscriber roams.
        mobile = number.details.get("number_type") == MOBILE
        reasons.append(
            CallReason.MOBILE_NUMBER_ABROAD if mobile else CallReason.DOMESTIC_NUMBER_ABROAD
        )
    if reported:
        reasons.append(CallReason.REPORTED_FRAUD_NUMBER)
    return Judgement.of(reasons)
