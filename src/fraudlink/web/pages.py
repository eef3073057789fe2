"""The public pages every visitor sees: the home page, the language switch, problem explanations."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fraudlink.i18n import parse_language, translate
from fraudlink.web.dependencies import LANGUAGE_COOKIE, LanguageDep
from fraudlink.web.navigation import local_path
from fraudlink.web.problems import PROBLEM_TYPES
from fraudlink.web.templating import render

router = APIRouter(include_in_schema=False)

LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html")


@router.get("/docs", response_class=HTMLResponse)
def api_documentation(request: Request) -> HTMLResponse:
    """Swagger UI for the OpenAPI document, from vendored files: it works offline."""
    return render(request, "api_docs.html")


@router.get("/language/{code}")
def switch_language(code: str, next: str | None = None) -> RedirectResponse:
    language = parse_language(code)
    if language is None:
        raise HTTPException(404)
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_MAX_AGE, samesite="lax", httponly=True
    )
    return response


@router.get("/problems/{slug}", response_class=HTMLResponse)
def explain_problem(request: Request, slug: str, language: LanguageDep) -> HTMLResponse:
    statuses = {problem: status for status, problem in PROBLEM_TYPES.items()}
    if slug not in statuses:
        raise HTTPException(404)
    key = slug.replace("-", "_")
    return render(
        request,
        "problem.html",
        {
            "title": translate(f"web.problem_{key}", language),
            "status": statuses[slug],
            "explanation": translate(f"web.problem_{key}_detail", language),
        },
    )
