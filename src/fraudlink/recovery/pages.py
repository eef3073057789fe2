"""The pages on which banks and payment providers ask each other for the money back (the PNBF).

They do what the API under /v1/recovery does, through the same service functions: a request
sent, answered or withdrawn here is checked, audited and counted in the register exactly like
one sent by a bank's systems. Name and address of a beneficiary are shown only on a page of
their own, after a deliberate press of a button, and that page is never cached.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.orm import Session

from fraudlink.access.dependencies import require_page
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.database import utcnow
from fraudlink.errors import Conflict, DomainError, InvalidInput
from fraudlink.i18n import Language, format_amount, translate
from fraudlink.recovery import register, service
from fraudlink.recovery.models import RecoveryRequest
from fraudlink.recovery.schemas import (
    AnswerIn,
    NawIn,
    ReasonIn,
    RecoveryRequestIn,
    RecoveryRequestOut,
)
from fraudlink.recovery.vocabulary import Action, Answer, State
from fraudlink.reports.forms import parse_amount
from fraudlink.reports.vocabulary import PaymentMethod
from fraudlink.settings import Settings
from fraudlink.web.charts import bar_chart
from fraudlink.web.dependencies import CsrfDep, LanguageDep, RowId, SessionDep, SettingsDep
from fraudlink.web.downloads import attachment
from fraudlink.web.problems import STATUS_OF_KIND
from fraudlink.web.templating import render
from fraudlink.web.validation import describe_errors

router = APIRouter(include_in_schema=False)

Worker = Annotated[Principal, Depends(require_page(Permission.RECOVERY_WORK))]
SignedIn = Annotated[Principal, Depends(require_page())]
PAGE: Final = "/recovery"
Done = Literal["sent", "answered", "naw_requested", "naw_released", "withdrawn"]
# Each form's inputs by the field of the schema or service that they fill (the amount is typed
# in euros, "2.500,00"): an error naming a field shows at its input.
NEW_FORM_INPUTS: Final[Mapping[str, str]] = {
    "report_reference": "report_reference",
    "amount_cents": "amount",
    "paid_on": "paid_on",
    "beneficiary_iban": "beneficiary_iban",
    "method": "method",
    "aangifte_reference": "aangifte_reference",
    "victim_consent": "victim_consent",
    "requester_reference": "requester_reference",
}
ANSWER_INPUTS: Final[Mapping[str, str]] = {
    "answer": "answer",
    "amount_cents": "amount",
    "reason": "reason",
}
NAW_INPUTS: Final[Mapping[str, str]] = {
    name: name for name in ("name", "street", "postcode", "city", "legal_basis")
}
WITHDRAW_INPUTS: Final[Mapping[str, str]] = {"reason": "withdraw_reason"}


# --- helpers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """A request in a list, with what the reading organisation should do about it now."""

    request: RecoveryRequestOut
    todo: str | None  # a message key, when it is this organisation's move
    possible_on: date


def _todo(request: RecoveryRequest, partner_id: int) -> str | None:
    if request.awaiting_partner_id != partner_id:
        return None
    if partner_id == request.receiver_id:
        if request.state is State.NAW_REQUESTED:
            return "recovery.page_todo_release"
        return "recovery.page_todo_answer"
    return "recovery.page_todo_naw_request"


def _listed(
    session: Session, requests: Sequence[RecoveryRequest], principal: Principal
) -> list[Listed]:
    described = service.describe(session, requests, principal=principal, now=utcnow())
    return [
        Listed(shown, _todo(request, principal.partner_id), request.naw_possible_on)
        for request, shown in zip(requests, described, strict=True)
    ]


def _cents(typed: str, language: Language, errors: dict[str, str]) -> int | None:
    """Euro cents of what was typed ("2.500,00"); an unreadable amount is an error at its field."""
    if not typed.strip():
        return None
    cents = parse_amount(typed)
    if cents is None:
        errors["amount"] = translate("reports.form_amount_invalid", language)
    return cents


def _validation_errors(
    invalid: ValidationError, language: Language, inputs: Mapping[str, str], form: str
) -> dict[str, str]:
    """Pydantic's faults at the form's inputs; a fault of no input of this form above the form."""
    errors: dict[str, str] = {}
    for item in describe_errors(invalid.errors(), language):
        errors.setdefault(inputs.get(item["field"], form), item["message"])
    return errors


def _domain_errors(
    error: DomainError, language: Language, inputs: Mapping[str, str], form: str
) -> dict[str, str]:
    """Each part of a service's refusal at its input, or above the form when it names none."""
    errors: dict[str, str] = {}
    for part in error.parts:
        key = inputs.get(part.field or "", form)
        message = part.message(language)
        errors[key] = f"{errors[key]} {message}" if key in errors else message
    return errors


def _days(value: float | None, language: Language) -> str:
    if value is None:
        return translate("recovery.page_unknown", language)
    shown = f"{value:.1f}"
    return shown.replace(".", ",") if language == "nl" else shown


def _euros(value: float, language: Language) -> str:
    return f"€ {format_amount(round(value * 100), language)}"


# --- the inbox -----------------------------------------------------------------------------------


@router.get(PAGE, response_class=HTMLResponse)
def overview(
    request: Request,
    session: SessionDep,
    principal: Worker,
    status: Literal["open", "all"] = "open",
) -> HTMLResponse:
    """What awaits this organisation's move (overdue first), and what it sent and received."""
    now = utcnow()
    open_only = status == "open"
    partner = principal.partner_id
    return render(
        request,
        "recovery_inbox.html",
        {
            "awaiting": _listed(
                session, service.inbox(session, partner_id=partner, now=now), principal
            ),
            "sent": _listed(
                session,
                service.requests_of(session, partner_id=partner, side="sent", open_only=open_only),
                principal,
            ),
            "received": _listed(
                session,
                service.requests_of(
                    session, partner_id=partner, side="received", open_only=open_only
                ),
                principal,
            ),
            "status": status,
            "today": service.today(now),
        },
    )


# --- a new request -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckRow:
    met: bool
    field: str
    message: str


def _new_page(
    request: Request,
    *,
    values: Mapping[str, Any],
    errors: Mapping[str, str],
    checks: Sequence[service.Check] | None = None,
    language: Language,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "recovery_new.html",
        {
            "values": values,
            "errors": errors,
            "methods": list(PaymentMethod),
            "checks": None
            if checks is None
            else [
                CheckRow(
                    check.met,
                    check.field,
                    translate(check.message_key, language, **check.params),
                )
                for check in checks
            ],
        },
        status_code=status_code,
    )


@router.get(
    f"{PAGE}/new",
    response_class=HTMLResponse,
    dependencies=[Depends(require_page(Permission.RECOVERY_WORK))],
)
def new_request_form(request: Request, language: LanguageDep, report: str = "") -> HTMLResponse:
    """The form, with the report's reference filled in when it came from a report (?report=)."""
    values = {"report_reference": report.strip()[:32], "method": PaymentMethod.TRANSFER.value}
    return _new_page(request, values=values, errors={}, language=language)


@router.post(f"{PAGE}/new", response_model=None, dependencies=[CsrfDep])
def send_request(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Worker,
    language: LanguageDep,
    report_reference: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
    paid_on: Annotated[str, Form()] = "",
    beneficiary_iban: Annotated[str, Form()] = "",
    method: Annotated[str, Form()] = "",
    aangifte_reference: Annotated[str, Form()] = "",
    victim_consent: Annotated[bool, Form()] = False,
    requester_reference: Annotated[str, Form()] = "",
    action: Annotated[Literal["send", "check"], Form()] = "send",
) -> HTMLResponse | RedirectResponse:
    """Check the request against the procedure's conditions; send it only when asked to and
    when every condition is met. A refusal shows the checklist, each failure at its field."""
    values = {
        "report_reference": report_reference,
        "amount": amount,
        "paid_on": paid_on,
        "beneficiary_iban": beneficiary_iban,
        "method": method,
        "aangifte_reference": aangifte_reference,
        "victim_consent": victim_consent,
        "requester_reference": requester_reference,
    }
    errors: dict[str, str] = {}
    cents = _cents(amount, language, errors)
    if not amount.strip():
        errors["amount"] = translate("recovery.page_amount_missing", language)
    try:
        draft = RecoveryRequestIn.model_validate(
            {
                "report_reference": report_reference.strip().upper(),
                "amount_cents": cents,
                "paid_on": paid_on.strip() or None,
                "beneficiary_iban": beneficiary_iban.strip() or None,
                "method": method or None,
                "aangifte_reference": aangifte_reference.strip() or None,
                "victim_consent": victim_consent,
                "requester_reference": requester_reference.strip() or None,
            }
        )
    except ValidationError as invalid:
        found = _validation_errors(invalid, language, NEW_FORM_INPUTS, "form")
        return _new_page(
            request,
            values=values,
            errors={**found, **errors},
            language=language,
            status_code=422,
        )
    if errors:
        return _new_page(request, values=values, errors=errors, language=language, status_code=422)
    rules = service.Rules.from_settings(settings)
    now = utcnow()
    checks: list[service.Check] | None = None
    try:
        assessment = service.assess(
            session, draft, requester_id=principal.partner_id, rules=rules, now=now
        )
        checks = assessment.checks
        if action == "check":
            return _new_page(request, values=values, errors={}, checks=checks, language=language)
        sent, _created = service.send(session, draft, requester=principal, rules=rules, now=now)
    except (InvalidInput, Conflict) as error:
        session.rollback()
        return _new_page(
            request,
            values=values,
            errors=_domain_errors(error, language, NEW_FORM_INPUTS, "form"),
            checks=checks,
            language=language,
            status_code=STATUS_OF_KIND[error.kind],
        )
    return RedirectResponse(f"{PAGE}/requests/{sent.id}?done=sent", status_code=303)


# --- one request ---------------------------------------------------------------------------------


def _detail(
    request: Request,
    session: Session,
    principal: Principal,
    request_id: int,
    *,
    status_code: int = 200,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    done: str | None = None,
) -> HTMLResponse:
    found = service.get_visible(session, request_id=request_id, principal=principal)
    now = utcnow()
    [shown] = service.describe(session, [found], principal=principal, now=now)
    moves = service.moves_for(found, principal)
    day = service.today(now)
    release = found.naw
    return render(
        request,
        "recovery_request.html",
        {
            "item": shown,
            "party": principal.partner_id in {found.requester_id, found.receiver_id},
            "answers": [answer for answer in Answer if answer in moves],
            "may_release": Action.RELEASE_NAW in moves,
            "may_ask_naw": Action.REQUEST_NAW in moves,
            "naw_possible_now": day >= found.naw_possible_on,
            "may_withdraw": Action.WITHDRAW in moves,
            "may_show_naw": (
                principal.partner_id == found.requester_id
                and principal.can(Permission.RECOVERY_READ_NAW)
                and found.state is State.NAW_RELEASED
                and release is not None
                and release.sealed is not None
            ),
            "naw_erased_on": release.erase_on if release and release.sealed is None else None,
            "naw_erase_on": release.erase_on if release and release.sealed is not None else None,
            "default_legal_basis": service.DEFAULT_LEGAL_BASIS,
            "values": values or {},
            "errors": errors or {},
            "done": done,
        },
        status_code=status_code,
    )


def _refused(
    request: Request,
    session: Session,
    principal: Principal,
    request_id: int,
    *,
    errors: Mapping[str, str],
    values: Mapping[str, str],
    status_code: int,
) -> HTMLResponse:
    """The request's page again, with what was typed and each reason next to its form."""
    session.rollback()
    return _detail(
        request,
        session,
        principal,
        request_id,
        status_code=status_code,
        values=values,
        errors=errors,
    )


@router.get(f"{PAGE}/requests/{{request_id}}", response_class=HTMLResponse)
def show_request(
    request: Request,
    request_id: RowId,
    session: SessionDep,
    principal: SignedIn,
    done: Done | None = None,
) -> HTMLResponse:
    """A request of the own organisation (the programme: any), with what may be done now."""
    return _detail(request, session, principal, request_id, done=done)


def _attempt(
    request: Request,
    session: Session,
    principal: Principal,
    request_id: int,
    move: Callable[[], object],
    *,
    done: Done,
    form: str,
    inputs: Mapping[str, str],
    values: Mapping[str, str],
    language: Language,
) -> HTMLResponse | RedirectResponse:
    """Make a move from one of the request page's forms: done, back to the request (post,
    redirect, get); refused, the page again with each reason at its input or above the form."""
    try:
        move()
    except ValidationError as invalid:
        errors, status_code = _validation_errors(invalid, language, inputs, form), 422
    except (InvalidInput, Conflict) as error:
        errors = _domain_errors(error, language, inputs, form)
        status_code = STATUS_OF_KIND[error.kind]
    else:
        return RedirectResponse(f"{PAGE}/requests/{request_id}?done={done}", status_code=303)
    return _refused(
        request,
        session,
        principal,
        request_id,
        errors=errors,
        values=values,
        status_code=status_code,
    )


@router.post(f"{PAGE}/requests/{{request_id}}/answer", response_model=None, dependencies=[CsrfDep])
def answer_request(
    request: Request,
    request_id: RowId,
    session: SessionDep,
    principal: Worker,
    language: LanguageDep,
    answer: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    values = {"answer": answer, "amount": amount, "reason": reason}
    errors: dict[str, str] = {}
    cents = _cents(amount, language, errors)
    if not answer:
        errors["answer"] = translate("recovery.page_answer_missing", language)
    if errors:
        return _refused(
            request, session, principal, request_id, errors=errors, values=values, status_code=422
        )

    def move() -> None:
        reply = AnswerIn.model_validate(
            {"answer": answer, "amount_cents": cents, "reason": reason.strip() or None}
        )
        service.answer(
            session, request_id=request_id, reply=reply, principal=principal, now=utcnow()
        )

    return _attempt(
        request,
        session,
        principal,
        request_id,
        move,
        done="answered",
        form="answer_form",
        inputs=ANSWER_INPUTS,
        values=values,
        language=language,
    )


@router.post(
    f"{PAGE}/requests/{{request_id}}/naw-request", response_model=None, dependencies=[CsrfDep]
)
def request_naw(
    request: Request,
    request_id: RowId,
    session: SessionDep,
    settings: SettingsDep,
    principal: Worker,
    language: LanguageDep,
) -> HTMLResponse | RedirectResponse:
    def move() -> None:
        service.request_naw(
            session,
            request_id=request_id,
            principal=principal,
            rules=service.Rules.from_settings(settings),
            now=utcnow(),
        )

    return _attempt(
        request,
        session,
        principal,
        request_id,
        move,
        done="naw_requested",
        form="naw_request_form",
        inputs={},
        values={},
        language=language,
    )


@router.post(f"{PAGE}/requests/{{request_id}}/naw", response_model=None, dependencies=[CsrfDep])
def release_naw(
    request: Request,
    request_id: RowId,
    session: SessionDep,
    settings: SettingsDep,
    principal: Worker,
    language: LanguageDep,
    name: Annotated[str, Form()] = "",
    street: Annotated[str, Form()] = "",
    postcode: Annotated[str, Form()] = "",
    city: Annotated[str, Form()] = "",
    legal_basis: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """The beneficiary's bank releases name and address; what was typed is never shown back
    in a refusal other than in the form's own fields (the page is the releasing bank's)."""
    values = {
        "name": name,
        "street": street,
        "postcode": postcode,
        "city": city,
        "legal_basis": legal_basis,
    }

    def move() -> None:
        # A field left empty is missing (the legal basis then defaults to the PNBF's).
        naw = NawIn.model_validate(
            {key: value.strip() for key, value in values.items() if value.strip()}
        )
        service.release_naw(
            session,
            request_id=request_id,
            naw=naw,
            principal=principal,
            rules=service.Rules.from_settings(settings),
            now=utcnow(),
        )

    return _attempt(
        request,
        session,
        principal,
        request_id,
        move,
        done="naw_released",
        form="naw_form",
        inputs=NAW_INPUTS,
        values=values,
        language=language,
    )


@router.post(
    f"{PAGE}/requests/{{request_id}}/withdraw", response_model=None, dependencies=[CsrfDep]
)
def withdraw_request(
    request: Request,
    request_id: RowId,
    session: SessionDep,
    principal: Worker,
    language: LanguageDep,
    reason: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    def move() -> None:
        body = ReasonIn.model_validate({"reason": reason.strip() or None})
        service.withdraw(
            session, request_id=request_id, reason=body.reason, principal=principal, now=utcnow()
        )

    return _attempt(
        request,
        session,
        principal,
        request_id,
        move,
        done="withdrawn",
        form="withdraw_form",
        inputs=WITHDRAW_INPUTS,
        values={"withdraw_reason": reason},
        language=language,
    )


@router.post(
    f"{PAGE}/requests/{{request_id}}/naw/show", response_model=None, dependencies=[CsrfDep]
)
def show_naw(
    request: Request, request_id: RowId, session: SessionDep, principal: Worker
) -> HTMLResponse:
    """Name and address, once, for the requesting bank's people who may see them. A POST, so
    that no link, prefetch or history entry opens them; every read is in the audit log."""
    naw = service.read_naw(session, request_id=request_id, principal=principal)
    return render(
        request,
        "recovery_naw.html",
        {"request_id": request_id, "naw": naw},
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


# --- the central register ------------------------------------------------------------------------


def _register(session: Session, settings: Settings, principal: Principal) -> register.Register:
    rules = service.Rules.from_settings(settings)
    return register.for_principal(session, principal, rules=rules, now=utcnow())


@dataclass(frozen=True)
class Overdue:
    request: RecoveryRequestOut
    days_late: int


def _charts(figures: register.Register, language: Language) -> list[Markup]:
    charts = [
        bar_chart(
            [(month, group.recovered_euros) for month, group in figures.by_month],
            label=translate("recovery.page_chart_recovered_by_month", language),
            value_format=lambda value: _euros(value, language),
            chart_id="chart-recovered-by-month",
        ),
        bar_chart(
            [(month, float(group.requests)) for month, group in figures.by_month],
            label=translate("recovery.page_chart_requests_by_month", language),
            value_format=lambda value: str(round(value)),
            chart_id="chart-requests-by-month",
        ),
    ]
    answered = [
        (f"{requester} → {receiver}", group.median_days_to_first_answer)
        for requester, receiver, group in figures.by_pair
        if group.median_days_to_first_answer is not None
    ]
    if answered:
        charts.append(
            bar_chart(
                [(pair, days) for pair, days in answered if days is not None],
                label=translate("recovery.page_chart_answer_days_by_pair", language),
                value_format=lambda value: translate(
                    "recovery.page_days", language, days=_days(value, language)
                ),
                chart_id="chart-answer-days-by-pair",
            )
        )
    return charts


@router.get(f"{PAGE}/register", response_class=HTMLResponse)
def register_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: SignedIn,
    language: LanguageDep,
) -> HTMLResponse:
    figures = _register(session, settings, principal)
    oversees = principal.can(Permission.RECOVERY_OVERSEE)
    overdue: list[Overdue] = []
    if oversees:
        now = utcnow()
        late = service.overdue(session, now=now)
        day = service.today(now)
        overdue = [
            Overdue(shown, (day - shown.due_on).days if shown.due_on else 0)
            for shown in service.describe(session, late, principal=principal, now=now)
        ]
    return render(
        request,
        "recovery_register.html",
        {
            "figures": figures,
            "charts": _charts(figures, language) if figures.total.requests else [],
            "oversees": oversees,
            "overdue": overdue,
            "format_days": lambda value: _days(value, language),
        },
    )


@router.get(f"{PAGE}/register.csv")
def register_csv(session: SessionDep, settings: SettingsDep, principal: SignedIn) -> Response:
    """The register's figures as the API's /v1/recovery/stats.csv gives them, for the signed-in
    reader (the API needs a key, a browser has a session)."""
    return attachment(
        _register(session, settings, principal).as_csv(), filename="recovery-register.csv"
    )
