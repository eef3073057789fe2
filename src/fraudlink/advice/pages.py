"""The public advice page: a person says what happened and gets the plan, in plain words.

The form is a plain GET form with the same parameters as ``GET /v1/advice``, so a plan has an
address that can be bookmarked, shared by a helpdesk, printed or opened in another language
(the language switch keeps the query). Unlike the API, the page never answers 422: a person who
sends something odd sees the form again, not an error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import QueryParams

from fraudlink.access.dependencies import require_page
from fraudlink.access.service import Principal
from fraudlink.advice import outcomes, service
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, PaymentMethod
from fraudlink.web.dependencies import LanguageDep, SessionDep
from fraudlink.web.templating import render

router = APIRouter(include_in_schema=False)

# The answers to "when did it happen?", as hours for the rules (value, message suffix). Each
# value sits inside its answer's range on the side that keeps "call your bank now" (within 72 h)
# for everyone who could still benefit from it: "the day before yesterday" is at most 72 hours.
WHEN_CHOICES: Final = (
    ("1", "within_hour"),
    ("6", "hours"),
    ("48", "days"),
    ("120", "week"),
    ("720", "longer"),
)
_TRUE: Final = frozenset({"true", "on", "1", "yes"})


def _fraud_type(value: str | None) -> FraudType | None:
    return FraudType(value) if value in set(FraudType) else None


def _channel(value: str | None) -> Channel | None:
    return Channel(value) if value in set(Channel) else None


def _age_band(value: str | None) -> AgeBand | None:
    return AgeBand(value) if value in set(AgeBand) else None


def _hours(value: str | None) -> float | None:
    try:
        hours = float(value or "")
    except ValueError:
        return None
    return hours if math.isfinite(hours) and hours >= 0 else None


@dataclass(frozen=True)
class AdviceForm:
    """The form's answers, read leniently: what cannot be understood counts as not given."""

    fraud_type: FraudType | None
    hours_since: str
    paid: bool
    payment_methods: frozenset[PaymentMethod]
    channel: Channel | None
    age_band: AgeBand | None
    aangifte_made: bool
    submitted: bool

    @classmethod
    def from_query(cls, query: QueryParams) -> AdviceForm:
        hours = _hours(query.get("hours_since"))
        return cls(
            fraud_type=_fraud_type(query.get("fraud_type")),
            hours_since=f"{hours:g}" if hours is not None else "",
            paid=query.get("paid", "").lower() in _TRUE,
            payment_methods=frozenset(
                PaymentMethod(value)
                for value in query.getlist("payment_method")
                if value in set(PaymentMethod)
            ),
            channel=_channel(query.get("channel")),
            age_band=_age_band(query.get("age_band")),
            aangifte_made=query.get("aangifte_made", "").lower() in _TRUE,
            submitted=any(key != "lang" for key in query),
        )

    def situation(self) -> service.Situation | None:
        if self.fraud_type is None:
            return None
        return service.Situation(
            fraud_type=self.fraud_type,
            hours_since=_hours(self.hours_since),
            paid=self.paid,
            payment_methods=self.payment_methods,
            channel=self.channel,
            age_band=self.age_band,
            aangifte_made=self.aangifte_made,
        )


@router.get("/advice", response_class=HTMLResponse)
def advice_page(request: Request, language: LanguageDep) -> HTMLResponse:
    form = AdviceForm.from_query(request.query_params)
    situation = form.situation()
    steps = service.plan(situation, language) if situation else []
    return render(
        request,
        "advice.html",
        {
            "form": form,
            "steps": steps,
            "missing_fraud_type": form.submitted and situation is None,
            "fraud_types": list(FraudType),
            "payment_methods": list(PaymentMethod),
            "channels": list(Channel),
            "age_bands": list(AgeBand),
            "when_choices": WHEN_CHOICES,
        },
    )


@router.get("/advice/effectiveness", response_class=HTMLResponse)
def effectiveness_page(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    _principal: Annotated[Principal, Depends(require_page())],
) -> HTMLResponse:
    """Per step of the advice: how often it was followed, and how it ended with and without."""
    texts = {step.id: step.text for step in service.steps_by_id(service.step_ids(), language)}
    return render(
        request,
        "effectiveness.html",
        {"effects": outcomes.effectiveness(session), "texts": texts},
    )
