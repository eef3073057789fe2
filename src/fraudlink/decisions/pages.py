"""The page of payment decisions for a bank's or payment provider's fraud analysts.

It shows what the API under /v1/decisions holds for the organisation (recent decisions with
their reasons, how well the rules do, the live rules, the allow-list) and writes through the
same service functions, so an outcome reported or a creditor trusted here is audited and
counts exactly like one sent by the bank's systems.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from fraudlink.access.dependencies import require_page
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.database import Database, utcnow
from fraudlink.decisions import service
from fraudlink.decisions.metrics import Tally
from fraudlink.decisions.models import Decision
from fraudlink.decisions.rulebook import Rulebook
from fraudlink.decisions.rules import RuleSet
from fraudlink.decisions.schemas import AllowListIn
from fraudlink.decisions.vocabulary import Outcome, RuleSetStatus, Truth
from fraudlink.errors import DomainError
from fraudlink.i18n import Language
from fraudlink.identifiers import IdentifierKind, Pseudonymiser, parse
from fraudlink.web.dependencies import CsrfDep, DatabaseDep, LanguageDep, SessionDep
from fraudlink.web.templating import render
from fraudlink.web.validation import describe_errors

router = APIRouter(include_in_schema=False)

Analyst = Annotated[Principal, Depends(require_page(Permission.DECISION_REQUEST))]
PAGE: Final = "/decisions"
RECENT: Final = 50
# The same window as the API's default: long enough for truths to come in after a payment.
FIGURES_WINDOW: Final = timedelta(days=90)
Done = Literal["truth_saved", "entry_added", "entry_removed"]


@dataclass(frozen=True)
class DecisionRow:
    """One decision as the analyst reads it: reasons already in the reader's language."""

    id: str
    decided_at: datetime
    reference: str | None
    amount_cents: int
    currency: str
    outcome: Outcome
    score: int
    reasons: list[str]
    truth: Truth | None

    @property
    def name(self) -> str:
        """What the row's buttons call the payment: the bank's reference, else the decision."""
        return self.reference or self.id[:12]

    @classmethod
    def of(cls, session: Session, decision: Decision, language: Language) -> DecisionRow:
        evaluation = service.evaluation_of(session, decision)
        return cls(
            id=decision.id,
            decided_at=decision.decided_at,
            reference=decision.reference,
            amount_cents=decision.amount_cents,
            currency=decision.currency,
            outcome=decision.outcome,
            score=decision.score,
            reasons=[_in(language, reason.nl, reason.en) for reason in evaluation.reasons],
            truth=decision.truth,
        )


@dataclass(frozen=True)
class RuleFigures:
    code: str
    fired: int
    fraud: int
    genuine: int
    precision: float | None


@dataclass(frozen=True)
class SetFigures:
    """One rule-set version's figures; a shadow version's are for the same payments as live."""

    status: RuleSetStatus
    version: str
    decisions: int
    alert_rate: float | None
    precision: float | None
    recall: float | None
    fraud_cents: int
    stopped_cents: int
    agreement: float | None  # shadow only: the share of payments with the live outcome
    rules: list[RuleFigures]

    @classmethod
    def of(
        cls, status: RuleSetStatus, version: str, tally: Tally, agreement: float | None = None
    ) -> SetFigures:
        # as_dict holds the one definition of each ratio, shared with the API and the backtest.
        shown: dict[str, Any] = tally.as_dict()
        return cls(
            status=status,
            version=version,
            decisions=tally.decisions,
            alert_rate=shown["alert_rate"],
            precision=shown["precision"],
            recall=shown["recall"],
            fraud_cents=tally.fraud_cents,
            stopped_cents=tally.stopped_cents,
            agreement=agreement,
            rules=[
                RuleFigures(code, rule["fired"], rule["fraud"], rule["genuine"], rule["precision"])
                for code, rule in shown["rules"].items()
            ],
        )


@dataclass(frozen=True)
class RuleRow:
    code: str
    weight: int
    floor: Outcome
    sentence: str


@dataclass(frozen=True)
class AllowListRow:
    id: int
    iban: str  # grouped in fours, as people read and compare IBANs
    note: str
    created_at: datetime
    created_by: str


def _in(language: Language, dutch: str, english: str) -> str:
    """Rule sets carry their own sentences in both languages, beside the message catalogue."""
    return english if language == "en" else dutch


def _figures(session: Session, partner_id: int) -> list[SetFigures]:
    found = service.effectiveness(session, partner_id=partner_id, since=utcnow() - FIGURES_WINDOW)
    # Newest first for versions named by date, as the shipped ones are ("2026.11-1").
    return [
        SetFigures.of(RuleSetStatus.LIVE, version, tally)
        for version, tally in sorted(found.live.items(), reverse=True)
    ] + [
        SetFigures.of(RuleSetStatus.SHADOW, version, tally, found.agreement.get(version))
        for version, tally in sorted(found.shadow.items(), reverse=True)
    ]


def _live_rules(request: Request, database: Database, principal: Principal) -> RuleSet:
    rulebook: Rulebook = request.app.state.rulebook
    rulebook.refresh(database)
    live, _ = rulebook.sets_for(principal.partner_name)
    return live


def _page(
    request: Request,
    session: Session,
    database: Database,
    principal: Principal,
    language: Language,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    live = _live_rules(request, database, principal)
    decisions = service.recent(session, partner_id=principal.partner_id, limit=RECENT)
    entries = service.allow_list(session, partner_id=principal.partner_id)
    return render(
        request,
        "decisions.html",
        {
            "decisions": [DecisionRow.of(session, item, language) for item in decisions],
            "recent_limit": RECENT,
            "figures": _figures(session, principal.partner_id),
            "window_days": FIGURES_WINDOW.days,
            "rules": live,
            "rule_rows": [
                RuleRow(
                    rule.code, rule.weight, rule.floor, _in(language, rule.text.nl, rule.text.en)
                )
                for rule in live.rules
            ],
            "allow_list": [
                AllowListRow(
                    id=entry.id,
                    iban=parse(entry.creditor_iban, IdentifierKind.IBAN).display,
                    note=entry.note,
                    created_at=entry.created_at,
                    created_by=entry.created_by,
                )
                for entry in entries
            ],
            "truths": list(Truth),
            "values": {},
            "errors": {},
            **context,
        },
        status_code=status_code,
    )


@router.get(PAGE, response_class=HTMLResponse)
def show(
    request: Request,
    session: SessionDep,
    database: DatabaseDep,
    principal: Analyst,
    language: LanguageDep,
    done: Done | None = None,
) -> HTMLResponse:
    return _page(request, session, database, principal, language, done=done)


@router.post(f"{PAGE}/{{decision_id}}/outcome", dependencies=[CsrfDep])
def report_truth(
    decision_id: str,
    session: SessionDep,
    principal: Analyst,
    truth: Annotated[Truth, Form()],
) -> RedirectResponse:
    """What the analyst found out; back to the same row, so a long list keeps its place."""
    decision = service.record_truth(
        session,
        decision_id=decision_id,
        partner_id=principal.partner_id,
        truth=truth,
        actor=principal.actor,
    )
    return RedirectResponse(f"{PAGE}?done=truth_saved#decision-{decision.id}", status_code=303)


@router.post(f"{PAGE}/allow-list", response_model=None, dependencies=[CsrfDep])
def add_to_allow_list(
    request: Request,
    session: SessionDep,
    database: DatabaseDep,
    principal: Analyst,
    language: LanguageDep,
    creditor_iban: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Checked by the API's own schema first, so a page and a bank's system meet the same limits."""
    values = {"creditor_iban": creditor_iban, "note": note}
    pseudonymiser: Pseudonymiser = request.app.state.pseudonymiser
    try:
        entry = AllowListIn.model_validate({"creditor_iban": creditor_iban, "note": note.strip()})
        service.add_to_allow_list(
            session,
            partner_id=principal.partner_id,
            creditor_iban=entry.creditor_iban,
            note=entry.note,
            pseudonymiser=pseudonymiser,
            actor=principal.actor,
        )
    except ValidationError as invalid:
        errors = {
            item["field"]: item["message"] for item in describe_errors(invalid.errors(), language)
        }
        return _refused(request, session, database, principal, language, values, errors)
    except DomainError as error:
        errors = {error.field or "allow_list_form": error.message(language)}
        return _refused(request, session, database, principal, language, values, errors)
    return RedirectResponse(f"{PAGE}?done=entry_added#allow-list-heading", status_code=303)


def _refused(
    request: Request,
    session: Session,
    database: Database,
    principal: Principal,
    language: Language,
    values: dict[str, str],
    errors: dict[str, str],
) -> HTMLResponse:
    """The page again with what was typed and each reason at its field (or above the form)."""
    session.rollback()
    return _page(
        request,
        session,
        database,
        principal,
        language,
        status_code=400,
        values=values,
        errors=errors,
    )


@router.post(f"{PAGE}/allow-list/{{entry_id}}/remove", dependencies=[CsrfDep])
def remove_from_allow_list(
    entry_id: int, session: SessionDep, principal: Analyst
) -> RedirectResponse:
    service.remove_from_allow_list(
        session, partner_id=principal.partner_id, entry_id=entry_id, actor=principal.actor
    )
    return RedirectResponse(f"{PAGE}?done=entry_removed#allow-list-heading", status_code=303)
