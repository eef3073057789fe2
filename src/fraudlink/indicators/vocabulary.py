"""The words of the indicator exchange: an indicator's status, its sharing marking, sightings."""

from __future__ import annotations

from enum import StrEnum


class IndicatorStatus(StrEnum):
    ACTIVE = "active"  # matches in checks and decisions
    DISPUTED = "disputed"  # the holder disputes the listing; a reviewer decides
    CLEARED = "cleared"  # a reviewer found the listing wrong; does not match as fraud
    EXPIRED = "expired"  # nothing new within the retention period; raw value erased


class Tlp(StrEnum):
    """Traffic Light Protocol 2.0: how far a partner may pass an indicator on."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber+strict"
    RED = "red"


class SightingKind(StrEnum):
    PAYMENT_ATTEMPTED = "payment_attempted"  # a customer tried to pay this account
    CALL_RECEIVED = "call_received"  # this number called a customer
    MESSAGE_RECEIVED = "message_received"  # an SMS, e-mail or chat from this value
    VISITED = "visited"  # a customer visited this web address
    FALSE_POSITIVE = "false_positive"  # the partner found it is not fraud


class DisputeStatus(StrEnum):
    OPEN = "open"
    CLEARED = "cleared"  # the listing was wrong: the indicator no longer matches as fraud
    UPHELD = "upheld"  # the listing stands
