"""The advice as the API shows it: a plan of steps in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from fraudlink.advice.service import Step, Urgency
from fraudlink.reports.vocabulary import FraudType


class AdviceContact(BaseModel):
    name: str = Field(examples=["Fraudehelpdesk"])
    phone: str | None = Field(description="As Dutch callers dial it.", examples=["088-786 73 72"])
    url: str | None = Field(examples=["https://www.fraudehelpdesk.nl"])


class AdviceStep(BaseModel):
    id: str = Field(
        description="Stable across versions of the rules: follow the effect of a step by it.",
        examples=["call-bank-now"],
    )
    urgency: Urgency = Field(
        description="`now`, `today` or `this_week`; the plan is in this order."
    )
    text: str = Field(description="Plain language for the victim, in the requested language.")
    contact: AdviceContact | None = Field(description="Who to call or visit, where it matters.")

    @classmethod
    def of(cls, step: Step) -> AdviceStep:
        return cls.model_validate(step.as_dict())


class AdvicePlan(BaseModel):
    fraud_type: FraudType
    rules_version: str = Field(
        description="The version of the rules that made this plan; store it with the plan.",
        examples=["f4f20eb7a446"],
    )
    steps: list[AdviceStep] = Field(description="Most urgent first; no step twice.")

    @classmethod
    def of(cls, fraud_type: FraudType, rules_version: str, steps: Sequence[Step]) -> AdvicePlan:
        return cls(
            fraud_type=fraud_type,
            rules_version=rules_version,
            steps=[AdviceStep.of(step) for step in steps],
        )
