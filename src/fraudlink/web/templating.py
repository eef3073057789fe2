"""Server-rendered pages: one Jinja environment over every domain's ``templates`` folder.

Templates get ``_`` (translate into the reader's language), ``lang``, ``path`` and
``csrf_token``, so a page never hard-codes a sentence in one language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from fraudlink.i18n import LANGUAGES, Language, translate
from fraudlink.web.dependencies import get_language
from fraudlink.web.navigation import return_path

_PACKAGE_DIR = Path(__file__).parent.parent
STATIC_DIR = Path(__file__).parent / "static"


def _translator(language: Language) -> Callable[..., str]:
    def _(key: str, **params: object) -> str:
        return translate(key, language, **params)

    return _


def _context(request: Request) -> dict[str, Any]:
    language = get_language(request)
    session = request.scope.get("session") or {}
    return {
        "_": _translator(language),
        "lang": language,
        "languages": LANGUAGES,
        "path": return_path(request),
        "csrf_token": session.get("csrf", ""),
    }


_environment = Environment(
    loader=FileSystemLoader(sorted(_PACKAGE_DIR.glob("*/templates"))),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_environment, context_processors=[_context])


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, name, dict(context or {}), status_code=status_code, headers=headers
    )
