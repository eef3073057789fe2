"""API errors as RFC 9457 problem details, in the reader's language, naming the field at fault.

Every error body looks like::

    {"type": "https://…/problems/invalid-input", "title": "Invalid input", "status": 422,
     "detail": "The IBAN check digits do not match; check for a typo.",
     "errors": [{"field": "value", "code": "iban_checksum", "message": "…"}]}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from fraudlink.errors import DomainError
from fraudlink.i18n import MissingMessageError, translate
from fraudlink.web.dependencies import get_language, get_settings
from fraudlink.web.templating import render
from fraudlink.web.validation import describe_errors

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"

# The problem types this API uses; each has a page at /problems/<slug> that explains it.
PROBLEM_TYPES: Final[Mapping[int, str]] = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    422: "invalid-input",
    429: "too-many-requests",
    500: "server-error",
}
STATUS_OF_KIND: Final[Mapping[str, int]] = {
    "invalid": 422,
    "not_found": 404,
    "conflict": 409,
    "forbidden": 403,
    "unauthenticated": 401,
}


class FieldError(BaseModel):
    field: str = Field(description="The field at fault, e.g. `value` or `payments.0.amount_cents`.")
    code: str = Field(description="Machine-readable reason, e.g. `iban_checksum` or `missing`.")
    message: str = Field(description="The reason for a person, in the requested language.")


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, so clients see the problem format."""
    return {
        status: {
            "model": Problem,
            "description": translate(f"web.problem_{problem_slug(status).replace('-', '_')}", "en"),
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for status in statuses
    }


def problem_slug(status: int) -> str:
    return PROBLEM_TYPES.get(status, "bad-request" if status < 500 else "server-error")


def _wants_page(request: Request) -> bool:
    """A person's browser asking for a page gets an HTML page; every API client gets JSON."""
    api_path = request.url.path.startswith(("/v1/", "/openapi.json", "/health"))
    return not api_path and "text/html" in request.headers.get("accept", "")


def problem_response(
    request: Request,
    *,
    status: int,
    detail: str,
    errors: Sequence[Mapping[str, Any]] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    language = get_language(request)
    slug = problem_slug(status)
    title = translate(f"web.problem_{slug.replace('-', '_')}", language)
    if _wants_page(request):
        context = {"title": title, "detail": detail}
        return render(request, "error.html", context, status_code=status, headers=headers)
    body: dict[str, Any] = {
        "type": f"{get_settings(request).public_base_url}/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = list(errors)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = describe_errors(exc.errors(), get_language(request))
    detail = "; ".join(f"{error['field']}: {error['message']}" for error in errors)
    return problem_response(request, status=422, detail=detail, errors=errors)


async def _on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    status = STATUS_OF_KIND[exc.kind]
    language = get_language(request)
    message = exc.message(language)
    errors = [
        {
            "field": part.field,
            "code": part.message_key.rsplit(".", 1)[-1],
            "message": part.message(language),
        }
        for part in exc.parts
        if part.field is not None
    ]
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return problem_response(request, status=status, detail=message, errors=errors, headers=headers)


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code < 400:
        return Response(status_code=exc.status_code, headers=exc.headers)
    language = get_language(request)
    try:
        slug = problem_slug(exc.status_code).replace("-", "_")
        detail = translate(f"web.problem_{slug}_detail", language)
    except MissingMessageError:
        detail = HTTPStatus(exc.status_code).phrase
    if isinstance(exc.detail, str) and exc.detail != HTTPStatus(exc.status_code).phrase:
        detail = exc.detail
    elif exc.status_code == 429 and exc.headers and "Retry-After" in exc.headers:
        detail = translate("web.problem_wait", language, seconds=exc.headers["Retry-After"])
    return problem_response(request, status=exc.status_code, detail=detail, headers=exc.headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(HTTPException, _on_http_exception)
