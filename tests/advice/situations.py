"""A grid of situations that covers every condition the rules use, for exhaustive checks."""

from __future__ import annotations

import itertools

from fraudlink.advice.service import Situation
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, PaymentMethod

HOURS = (None, 1.0, 72.0, 100.0)
PAYMENTS: tuple[tuple[bool, frozenset[PaymentMethod]], ...] = (
    (False, frozenset()),
    (True, frozenset()),
    (True, frozenset({PaymentMethod.TRANSFER})),
    (True, frozenset({PaymentMethod.CARD})),
    (True, frozenset({PaymentMethod.CRYPTO, PaymentMethod.GIFT_CARD, PaymentMethod.CASH})),
)
CHANNELS = (None, Channel.PHONE_CALL, Channel.MARKETPLACE, Channel.WEBSITE)
AGE_BANDS = (None, AgeBand.FROM_70)


def grid() -> list[Situation]:
    return [
        Situation(
            fraud_type=fraud_type,
            hours_since=hours,
            paid=paid,
            payment_methods=methods,
            channel=channel,
            age_band=age_band,
            aangifte_made=aangifte_made,
        )
        for fraud_type, hours, (paid, methods), channel, age_band, aangifte_made in (
            itertools.product(FraudType, HOURS, PAYMENTS, CHANNELS, AGE_BANDS, (False, True))
        )
    ]
