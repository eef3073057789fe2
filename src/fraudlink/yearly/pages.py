"""The yearly report as a page of the platform, and as a PDF or Markdown download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import RedirectResponse, Response

from fraudlink.access.dependencies import require_page
from fraudlink.access.service import Principal
from fraudlink.database import utcnow
from fraudlink.i18n import LOCAL_TIME_ZONE
from fraudlink.recovery.service import Rules
from fraudlink.web.dependencies import LanguageDep, SessionDep, SettingsDep
from fraudlink.web.downloads import attachment
from fraudlink.yearly import render, service
from fraudlink.yearly.document import document

router = APIRouter(include_in_schema=False)

MEDIA_TYPES = {
    render.Format.HTML: "text/html; charset=utf-8",
    render.Format.PDF: "application/pdf",
    render.Format.MD: "text/markdown; charset=utf-8",
}


@router.get("/yearly", dependencies=[Depends(require_page())])
def latest_yearly_report() -> RedirectResponse:
    """The report of the last complete year: the one the programme sends to parliament."""
    last_year = utcnow().astimezone(LOCAL_TIME_ZONE).year - 1
    return RedirectResponse(f"/yearly/{last_year}", status_code=303)


@router.get("/yearly/{year}")
def yearly_report(
    year: int,
    session: SessionDep,
    settings: SettingsDep,
    language: LanguageDep,
    _principal: Annotated[Principal, Depends(require_page())],
    format_: Annotated[render.Format, Query(alias="format")] = render.Format.HTML,
) -> Response:
    """The Jaarbericht of ``year`` for the partners, from the data as it is now."""
    now = utcnow()
    service.check_year(year, now=now)
    report = service.compile_report(
        session, year=year, rules=Rules.from_settings(settings), now=now
    )
    written = render.write(document(report, language), format_)
    if format_ is render.Format.HTML:
        return Response(written, media_type=MEDIA_TYPES[format_])
    filename = f"jaarbericht-{year}.{format_}"
    return attachment(written, filename=filename, media_type=MEDIA_TYPES[format_])
