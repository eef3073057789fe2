"""Pages: a victim reports, gets a plan and follows up by a private link; staff read inboxes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fraudlink.access.dependencies import require_page
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.advice import outcomes as advice_outcomes
from fraudlink.audit.service import PUBLIC
from fraudlink.crypto import FieldCipher
from fraudlink.database import keys_of
from fraudlink.partners import service as partner_service
from fraudlink.recovery import service as recovery_service
from fraudlink.reports import forms, service, sharing
from fraudlink.reports.models import Report, ReportSource
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, PaymentMethod
from fraudlink.web.dependencies import (
    CsrfDep,
    LanguageDep,
    RowId,
    SessionDep,
    SettingsDep,
    ensure_csrf_token,
)
from fraudlink.web.templating import render

router = APIRouter(include_in_schema=False)

INBOX_PAGE_SIZE = 25
Reader = Annotated[Principal, Depends(require_page(Permission.REPORT_READ))]


def _form_page(
    request: Request, *, values: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> HTMLResponse:
    ensure_csrf_token(request)
    return render(
        request,
        "report_form.html",
        {
            "values": values,
            "errors": errors,
            "fraud_types": list(FraudType),
            "channels": list(Channel),
            "methods": list(PaymentMethod),
            "age_bands": list(AgeBand),
            "payment_rows": range(forms.PAYMENT_ROWS),
        },
        status_code=status_code,
    )


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request) -> HTMLResponse:
    return _form_page(request, values={}, errors={})


@router.post("/report", response_model=None, dependencies=[CsrfDep])
async def submit_report(
    request: Request, session: SessionDep, settings: SettingsDep, language: LanguageDep
) -> HTMLResponse | RedirectResponse:
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    try:
        report = forms.to_report(form, language)
    except forms.FormErrors as invalid:
        return _form_page(request, values=form, errors=invalid.errors, status_code=422)
    submission = service.submit(
        session,
        report=report,
        source=ReportSource.WEB,
        partner_id=None,
        actor=PUBLIC,
        policy=service.RoutingPolicy.from_settings(settings),
    )
    # Post/redirect/get: the receipt lives at the private link, so reloading it files nothing
    # twice and switching language keeps the reference, the plan and the link.
    path = service.follow_up_path(keys_of(session).follow_up, submission.report.reference)
    return RedirectResponse(f"{path}?received=1", status_code=303)


def _followed_report(session: SessionDep, reference: str, token: str) -> Report:
    report = service.find_by_reference(session, reference=reference)
    if report is None or not service.is_follow_up_token(
        keys_of(session).follow_up, reference, token
    ):
        raise HTTPException(404)
    return report


@dataclass(frozen=True)
class RecoveryStatus:
    """A refund request made for the victim's report, as the victim reads it: which bank asked
    which, how far it got and what comes next. Never the beneficiary's name and address, and
    only the end of the account number (the victim knows which account they paid)."""

    requester: str
    receiver: str
    state: str
    amount_cents: int
    returned_cents: int
    account_end: str
    next_date: date | None  # the date the next step depends on, if any


def _recoveries(
    session: SessionDep, report: Report, names: Mapping[int, str]
) -> list[RecoveryStatus]:
    return [
        RecoveryStatus(
            requester=names[request.requester_id],
            receiver=names[request.receiver_id],
            state=request.state.value,
            amount_cents=request.amount_cents,
            returned_cents=request.returned_cents,
            account_end=request.beneficiary_iban[-4:],
            # A deadline while a bank must act; otherwise the day name and address may be asked.
            next_date=request.due_on or request.naw_possible_on,
        )
        for request in recovery_service.for_report(session, report_id=report.id)
    ]


def _follow_up_page(
    request: Request,
    session: SessionDep,
    report: Report,
    language: LanguageDep,
    *,
    received: bool = False,
    saved: bool = False,
    amount_error: bool = False,
) -> HTMLResponse:
    ensure_csrf_token(request)
    directory = partner_service.directory(session)
    response = render(
        request,
        "follow_up.html",
        {
            "report": report,
            "link": request.app.state.settings.public_base_url + request.url.path,
            "steps": service.advice_for(session, report, language),
            "follow_up": advice_outcomes.follow_up_of(session, report_id=report.id),
            "recoveries": _recoveries(session, report, directory.names),
            "recipients": sorted(
                (directory.names[recipient.partner_id], recipient)
                for recipient in report.recipients
            ),
            "received": received,
            "saved": saved,
            "amount_error": amount_error,
        },
        status_code=422 if amount_error else 200,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # keep the link's secret in the page
    return response


@router.get("/follow-up/{reference}/{token}", response_class=HTMLResponse)
def follow_up(
    request: Request,
    reference: str,
    token: str,
    session: SessionDep,
    language: LanguageDep,
    received: bool = False,
    saved: bool = False,
) -> HTMLResponse:
    report = _followed_report(session, reference, token)
    return _follow_up_page(request, session, report, language, received=received, saved=saved)


@router.post("/follow-up/{reference}/{token}", response_model=None, dependencies=[CsrfDep])
async def save_follow_up(
    request: Request, reference: str, token: str, session: SessionDep, language: LanguageDep
) -> HTMLResponse | RedirectResponse:
    report = _followed_report(session, reference, token)
    form = await request.form()
    money_back = {"yes": True, "no": False}.get(str(form.get("money_back", "")))
    typed_amount = str(form.get("amount_back", "")).strip()
    amount = forms.parse_amount(typed_amount) if typed_amount else None
    if typed_amount and amount is None:
        return _follow_up_page(request, session, report, language, amount_error=True)
    advice_outcomes.record_follow_up(
        session,
        report_id=report.id,
        followed={str(step) for step in form.getlist("followed")},
        money_back=money_back,
        amount_back_cents=amount,
        advice_clear={"yes": True, "no": False}.get(str(form.get("advice_clear", ""))),
    )
    return RedirectResponse(f"{request.url.path}?saved=1", status_code=303)


@router.get("/inbox", response_class=HTMLResponse)
def inbox(
    request: Request, session: SessionDep, principal: Reader, status: str = "open"
) -> HTMLResponse:
    items = service.inbox(
        session,
        partner_id=principal.partner_id,
        open_only=status != "all",
        after_id=0,
        limit=INBOX_PAGE_SIZE,
    )
    service.record_reads(session, actor=principal.actor, reports=[item.report for item in items])
    directory = partner_service.directory(session)
    cipher = FieldCipher(keys_of(session).fields)
    shown = [
        (item, sharing.view_for(item.report, principal, directory=directory, cipher=cipher))
        for item in items
    ]
    return render(request, "inbox.html", {"items": shown, "status": status})


@router.post("/inbox/{item_id}/acknowledge", dependencies=[CsrfDep])
def acknowledge(item_id: RowId, session: SessionDep, principal: Reader) -> RedirectResponse:
    service.acknowledge(
        session, item_id=item_id, partner_id=principal.partner_id, actor=principal.actor
    )
    return RedirectResponse("/inbox", status_code=303)
