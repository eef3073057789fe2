"""The public check page: check an account, number or website before paying or answering."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from fraudlink.errors import InvalidInput
from fraudlink.indicators.api import run_check
from fraudlink.web.dependencies import DatabaseDep, LanguageDep
from fraudlink.web.templating import render

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
