"""Public advice for victims: ``GET /v1/advice``. No key: anyone may ask what to do after fraud."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Query, Response

from fraudlink.advice import service
from fraudlink.advice.schemas import AdvicePlan
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, PaymentMethod
from fraudlink.web.dependencies import LanguageDep
from fraudlink.web.problems import problem_responses

router = APIRouter(prefix="/v1/advice", tags=["advice"], responses=problem_responses(422))

# Validate the rules when the app is built, not at the first victim's request: a broken
# rules.yaml stops the start with a message that names the step and the field at fault.
service.rules()

# Ten years: older fraud still gets advice (evidence, victim support), but no value so large
# that it is surely a mistake, and never infinity.
MAX_HOURS_SINCE: Final = 10 * 365 * 24


@router.get("")
def get_advice(
    response: Response,
    language: LanguageDep,
    fraud_type: Annotated[FraudType, Query(description="What happened.")],
    hours_since: Annotated[
        float | None,
        Query(
            ge=0,
            le=MAX_HOURS_SINCE,
            description="Hours since the fraud or the payment. Leave out when unknown: the plan "
            "then keeps the steps that only help quickly.",
        ),
    ] = None,
    paid: Annotated[
        bool, Query(description="Whether money was paid or taken; implied by payment_method.")
    ] = False,
    payment_method: Annotated[
        list[PaymentMethod] | None,
        Query(description="How the money went; repeat for more than one method."),
    ] = None,
    channel: Annotated[Channel | None, Query(description="How the fraudster made contact.")] = None,
    age_band: Annotated[AgeBand | None, Query(description="The victim's age band.")] = None,
    aangifte_made: Annotated[
        bool, Query(description="Whether a police report (aangifte) was already made.")
    ] = False,
) -> AdvicePlan:
    """The steps a victim should take now, today and this week, most urgent first.

    In Dutch by default; send `Accept-Language: en` or `?lang=en` for English.
    """
    situation = service.Situation(
        fraud_type=fraud_type,
        hours_since=hours_since,
        paid=paid,
        payment_methods=frozenset(payment_method or ()),
        channel=channel,
        age_band=age_band,
        aangifte_made=aangifte_made,
    )
    response.headers["Content-Language"] = language
    return AdvicePlan.of(fraud_type, service.rules_version(), service.plan(situation, language))
