"""The words of a refund request: its states, the answers of the beneficiary's bank, and the
eligibility conditions. Values are the API's contract and stored as they are; their Dutch and
English labels live in recovery/messages.toml (``state_<value>``, ``answer_<value>``, ...).
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    SENT = "sent"  # awaits the first answer of the beneficiary's bank
    FROZEN = "frozen"  # funds held; the account holder is asked to return them
    PARTIALLY_RETURNED = "partially_returned"
    RETURNED = "returned"  # the full amount is back: done
    NO_FUNDS = "no_funds"  # nothing left on the account to freeze or return
    ACCOUNT_CLOSED = "account_closed"
    REFUSED = "refused"  # the beneficiary's bank will not handle it (reason given): done
    NAW_REQUESTED = "naw_requested"  # the victim's bank asks for the holder's name and address
    NAW_RELEASED = "naw_released"  # released for a civil claim: done
    WITHDRAWN = "withdrawn"  # the victim's bank stopped the request: done


FINAL_STATES = frozenset({State.RETURNED, State.REFUSED, State.NAW_RELEASED, State.WITHDRAWN})


class Answer(StrEnum):
    """What the beneficiary's bank or payment provider answers to a refund request."""

    FROZEN = "frozen"
    RETURNED = "returned"  # with the amount returned now: all of it, or a part
    NO_FUNDS = "no_funds"
    ACCOUNT_CLOSED = "account_closed"
    REFUSED = "refused"  # with a reason


class Action(StrEnum):
    """Everything that moves a request, as recorded in its history."""

    SEND = "send"
    ANSWER = "answer"
    REQUEST_NAW = "request_naw"
    RELEASE_NAW = "release_naw"
    WITHDRAW = "withdraw"
    REMIND = "remind"  # the deadline of the awaited party is near
    ESCALATE = "escalate"  # the deadline passed: the programme sees the request


class Condition(StrEnum):
    """The PNBF conditions a request must meet before it may be sent."""

    VICTIM_CONSENT = "victim_consent"
    AANGIFTE = "aangifte"  # a police report (aangifte) was made and its reference given
    METHOD = "method"  # a transfer or a payment request (such as Tikkie)
    AGE = "age"  # the payment is at most so many months old
    BENEFICIARY_IN_SCOPE = "beneficiary_in_scope"  # the beneficiary's account is Dutch
    VICTIM_IN_SCOPE = "victim_in_scope"  # the victim's account is Dutch
    BENEFICIARY_PARTNER = "beneficiary_partner"  # its bank or provider takes part
    NOT_OWN_ACCOUNT = "not_own_account"  # the money went to another bank than the victim's
