"""Server-rendered pages: one Jinja environment over every domain's ``templates`` folder.

Templates get ``_`` (translate into the reader's language), ``lang``, ``path`` and
``csrf_token``, so a page never hard-codes a sentence in one language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.responses import HTMLResponse

from fraudlink.i18n import LANGUAGES, LOCAL_TIME_ZONE, Language, format_amount, translate
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


@pass_context
def _amount(context: Context, cents: int) -> str:
    return format_amount(cents, context["lang"])


@pass_context
def _euros(context: Context, cents: int) -> str:
    return f"€ {format_amount(cents, context['lang'])}"


def _local_date(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME_ZONE).strftime("%d-%m-%Y")


def _local_time(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME_ZONE).strftime("%d-%m-%Y %H:%M")


_environment = Environment(
    loader=FileSystemLoader(sorted(_PACKAGE_DIR.glob("*/templates"))),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters |= {
    "amount": _amount,
    "euros": _euros,
    "local_date": _local_date,
    "local_time": _local_time,
}
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


def render_text(name: str, context: Mapping[str, Any], *, language: Language) -> str:
    """A template rendered outside a request (a file the command line writes), in ``language``."""
    template = _environment.get_template(name)
    return template.render({"_": _translator(language), "lang": language, **context})
