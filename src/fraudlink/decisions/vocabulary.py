"""The words of payment decisions: outcomes by severity, channels, what banks learn later."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Outcome(StrEnum):
    """What the bank should do with the payment; a later member is more severe."""

    ALLOW = "allow"
    WARN = "warn"  # show the customer a warning, let them go on
    DELAY = "delay"  # hold the payment for a call-back or a cooling-off period
    BLOCK = "block"

    @property
    def severity(self) -> int:
        return SEVERITY[self]


SEVERITY: Final = {outcome: position for position, outcome in enumerate(Outcome)}


class PaymentChannel(StrEnum):
    ONLINE = "online"
    MOBILE = "mobile"
    BRANCH = "branch"
    PHONE = "phone"


class Truth(StrEnum):
    """What the bank found out afterwards about a decided payment."""

    CONFIRMED_FRAUD = "confirmed_fraud"
    FALSE_ALARM = "false_alarm"  # the payment was genuine


class RuleSetStatus(StrEnum):
    LIVE = "live"  # decides
    SHADOW = "shadow"  # runs beside the live set on real traffic; stored, never acted on
    RETIRED = "retired"
