"""The public check page: check an account, number or website before paying or answering."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from fraudlink.access.dependencies import require_page
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.errors import InvalidInput, NotFound
from fraudlink.i18n import translate
from fraudlink.identifiers import InvalidIdentifier, parse
from fraudlink.indicators import service
from fraudlink.indicators.api import file_dispute, for_review, run_check
from fraudlink.indicators.schemas import DisputeIn
from fraudlink.web.dependencies import (
    CsrfDep,
    DatabaseDep,
    LanguageDep,
    RowId,
    SessionDep,
    SettingsDep,
    ensure_csrf_token,
)
from fraudlink.web.templating import render
from fraudlink.web.validation import describe_errors

router = APIRouter(include_in_schema=False)


@router.get("/check", response_class=HTMLResponse)
def check_page(
    request: Request, database: DatabaseDep, language: LanguageDep, value: str = ""
) -> HTMLResponse:
    result, error = None, None
    if value.strip():
        try:
            result = run_check(request, database, value, language)
        except InvalidInput as invalid:
            error = invalid.message(language)
    return render(
        request,
        "check.html",
        {"value": value, "result": result, "error": error},
        status_code=422 if error else 200,
    )


@router.get("/check/dispute", response_class=HTMLResponse)
def dispute_form(request: Request, value: str = "") -> HTMLResponse:
    ensure_csrf_token(request)
    return render(request, "dispute.html", {"values": {"value": value}, "errors": {}})


@router.post("/check/dispute", response_class=HTMLResponse, dependencies=[CsrfDep])
async def dispute(
    request: Request, session: SessionDep, settings: SettingsDep, language: LanguageDep
) -> HTMLResponse:
    form = {key: str(value) for key, value in (await request.form()).items()}
    try:
        body = DisputeIn.model_validate(
            {
                "value": form.get("value", ""),
                "statement": form.get("statement", ""),
                "contact": form.get("contact") or None,
            }
        )
        identifier = parse(body.value)
        file_dispute(request, session, settings, body, identifier)
    except ValidationError as invalid:
        errors = {
            error["field"]: error["message"]
            for error in describe_errors(invalid.errors(), language)
        }
        return _dispute_page(request, form, errors)
    except InvalidIdentifier as error:
        return _dispute_page(request, form, {"value": error.message(language)})
    except NotFound as missing:
        return _dispute_page(request, form, {"value": missing.message(language)})
    return render(request, "dispute_received.html", {"value": identifier.display})


def _dispute_page(request: Request, form: dict[str, str], errors: dict[str, str]) -> HTMLResponse:
    ensure_csrf_token(request)
    return render(request, "dispute.html", {"values": form, "errors": errors}, status_code=422)


Reviewer = Annotated[Principal, Depends(require_page(Permission.INDICATOR_REVIEW))]


@router.get("/disputes", response_class=HTMLResponse)
def review_page(request: Request, session: SessionDep, _reviewer: Reviewer) -> HTMLResponse:
    found = service.disputes(session, open_only=True)
    return render(
        request, "disputes.html", {"disputes": [for_review(session, item) for item in found]}
    )


@router.post("/disputes/{dispute_id}/decision", dependencies=[CsrfDep])
async def decide(
    request: Request,
    dispute_id: RowId,
    session: SessionDep,
    settings: SettingsDep,
    language: LanguageDep,
    principal: Reviewer,
) -> RedirectResponse:
    form = await request.form()
    decision, reason = str(form.get("decision", "")), str(form.get("reason", "")).strip()
    if decision not in {"clear", "uphold"} or not reason:
        raise HTTPException(422, detail=translate("indicators.review_incomplete", language))
    service.decide_dispute(
        session,
        dispute_id=dispute_id,
        clear=decision == "clear",
        reason=reason,
        principal=principal,
        policy=service.Policy.from_settings(settings),
    )
    return RedirectResponse("/disputes", status_code=303)
